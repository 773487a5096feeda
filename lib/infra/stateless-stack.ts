import { CfnOutput, Duration, Fn, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ACQUIRE_CONCURRENCY } from '../pipeline/stages.ts';
import type { DeploymentConfig } from './config.ts';
import { stageLakeGrants } from './lake-layout.ts';
import { PipelineAlarms } from './pipeline-alarms.ts';
import { PipelineStateMachine } from './pipeline-state-machine.ts';
import { ProjectFunction } from './project-function.ts';
import { PublicDistribution } from './public-distribution.ts';
import type { StatefulExportNames } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: DeploymentConfig;
  /** What the stateful stack exports (imported here by name). */
  stateful: StatefulExportNames;
  /** The catalogue's source ids, one acquire iteration and one pair of alarms each. */
  sourceIds: readonly string[];
  /** Project root holding package.json and the handlers (defaults to the working directory). */
  projectRoot?: string;
}

/** CloudWatch namespace of the run metrics. */
export const metricsNamespace = 'IcsLake';
/** Powertools service name (and the `service` metric dimension) shared by the handlers. */
export const serviceName = 'ics-lake';

/**
 * Stage sizes. Acquire holds a whole response in memory while hashing it (GP registrations allow 200 MiB, plus
 * ZIP extraction) and may wait out several 120 s request deadlines.
 *
 * Process and feed are sized from the history benchmark (`npm run bench -- --only history`, README Performance),
 * for a decade of monthly GP releases (~2.0 M ics_population rows, 164 releases, each run in a fresh process as a
 * monthly invocation is), with ics_population partitioned: a release takes about 1.5 s and at most 360 MiB RSS; a
 * code-vintage change (or a new code version) rebuilds every partition, a batch at a time: 30 s and up to 690 MiB at
 * full history. 2 GB gives about 3x memory headroom over that and 600 s twenty times the time. The feed walks only changed
 * partitions (0.3 s; at most 491 MiB RSS, measured in the same process right after a rebuild); 1.5 GB and 180 s
 * leave 3x. V8 sizes its heap from the memory it sees (a quarter of it) unless told, so each function's heap limit
 * is set (`maxHeapMiB`), a quarter left for buffers.
 */
const stageSizing = {
  acquire: { timeout: Duration.minutes(10), memorySize: 2048 },
  process: { timeout: Duration.minutes(10), memorySize: 2048, maxHeapMiB: 1536 },
  feed: { timeout: Duration.minutes(3), memorySize: 1536, maxHeapMiB: 1152 },
} as const;

/**
 * Everything that can be torn down and redeployed without losing data: the stage Lambdas, the state machine,
 * its schedule, the public distribution and the alarms.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<keyof typeof stageSizing, ProjectFunction>;
  readonly pipeline: PipelineStateMachine;
  readonly schedule: scheduler.Schedule;
  readonly distribution: PublicDistribution;
  readonly alarms: PipelineAlarms;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const imported = (name: keyof StatefulExportNames): string => Fn.importValue(props.stateful[name]);
    const lakeBucket = s3.Bucket.fromBucketAttributes(this, 'LakeBucket', {
      bucketName: imported('lakeBucketName'),
      bucketArn: imported('lakeBucketArn'),
      bucketRegionalDomainName: imported('lakeBucketRegionalDomainName'),
    });
    const logBucket = s3.Bucket.fromBucketAttributes(this, 'LogBucket', {
      bucketName: imported('logBucketName'),
      bucketArn: imported('logBucketArn'),
      bucketRegionalDomainName: imported('logBucketRegionalDomainName'),
    });
    const changeTopic = sns.Topic.fromTopicAttributes(this, 'ChangeTopic', {
      topicArn: imported('changeTopicArn'),
      keyArn: imported('topicKeyArn'),
    });
    const opsTopic = sns.Topic.fromTopicAttributes(this, 'OpsTopic', {
      topicArn: imported('opsTopicArn'),
      keyArn: imported('topicKeyArn'),
    });
    const logRetention = props.config.logRetentionDays as logs.RetentionDays;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue; its depth raises an alarm.',
    });

    const stage = (name: keyof typeof stageSizing, description: string): ProjectFunction => {
      const fn = new ProjectFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}`, {
        entry: `lambdas/${name}.ts`,
        description,
        ...stageSizing[name],
        logRetention,
        deadLetterQueue: this.deadLetterQueue,
        serviceName,
        metricsNamespace,
        ...(props.projectRoot === undefined ? {} : { projectRoot: props.projectRoot }),
      });
      for (const grant of stageLakeGrants[name]) fn.bindLakePrefix(lakeBucket, grant.prefix, grant.access);
      return fn;
    };
    this.functions = {
      acquire: stage('acquire', 'ics-lake: fetch one source into the raw zone'),
      process: stage('process', 'ics-lake: parse, normalise and publish dataset versions'),
      feed: stage('feed', 'ics-lake: write the change feed and notify subscribers').bindTopic(changeTopic),
    };

    this.pipeline = new PipelineStateMachine(this, 'Pipeline', {
      acquire: this.functions.acquire.function,
      process: this.functions.process.function,
      feed: this.functions.feed.function,
      sourceIds: props.sourceIds,
      maxConcurrency: ACQUIRE_CONCURRENCY,
      logRetention,
    });

    this.schedule = new scheduler.Schedule(this, 'DailyRun', {
      description: 'ics-lake: start the pipeline',
      schedule: scheduler.ScheduleExpression.expression(
        config.schedule,
        TimeZone.of(config.scheduleTimezone),
      ),
      target: new targets.StepFunctionsStartExecution(this.pipeline.stateMachine, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    this.distribution = new PublicDistribution(this, 'Public', {
      lakeBucket,
      logBucket,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
    });

    const publicUrl = `https://${config.domainName ?? this.distribution.distribution.distributionDomainName}/`;

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      stateMachine: this.pipeline.stateMachine,
      deadLetterQueue: this.deadLetterQueue,
      opsTopic,
      sourceIds: props.sourceIds,
      metricsNamespace,
      serviceName,
      failureAlarmRuns: config.failureAlarmRuns,
    });

    this.functions.feed.setEnvironment('PUBLIC_BASE_URL', publicUrl);
    new CfnOutput(this, 'PublicUrl', {
      value: publicUrl,
      description: 'Public address of the datasets, feed and catalog',
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
  }
}
