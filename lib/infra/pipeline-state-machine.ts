import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { nagReference } from './nag.ts';

export interface PipelineStateMachineProps {
  acquire: lambda.IFunction;
  process: lambda.IFunction;
  feed: lambda.IFunction;
  /** The catalogue's source ids: one acquire iteration each. */
  sourceIds: readonly string[];
  /** At most this many sources are fetched at once (politeness towards the publishers). */
  maxConcurrency: number;
  logRetention: logs.RetentionDays;
}

/** Lambda errors worth another attempt: throttling and service hiccups, not our own bugs. */
const lambdaTransientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * The daily run: refuse if another execution is running; acquire every source (a Map, each source with
 * its own retry and catch, so one failed source is recorded and the run goes on); process (parse, normalise,
 * publish); then write the feed and notify.
 */
export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // A fixed name lets the lease check's IAM grant name this state machine without a circular reference.
    const stateMachineName = `${stack.stackName}-pipeline`;
    const ownArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // Serialisation without a lock table: count the RUNNING executions (this one included). Two starts racing
    // both see two and both stop, which is safe; the next scheduled start proceeds.
    const countRunning = new tasks.CallAwsService(this, 'CountRunningExecutions', {
      service: 'sfn',
      action: 'listExecutions',
      iamAction: 'states:ListExecutions',
      iamResources: [ownArn],
      parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'RUNNING', MaxResults: 10 },
      resultSelector: { 'running.$': 'States.ArrayLength($.Executions)' },
      resultPath: '$.lease',
    });
    countRunning.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 3, interval: Duration.seconds(2) });

    const refused = new sfn.Pass(this, 'AnotherRunInProgress', {
      result: sfn.Result.fromObject({
        refused: true,
        reason: 'another execution of the pipeline is running',
      }),
    }).next(new sfn.Succeed(this, 'RunRefused', { comment: 'A second start while one runs does no work.' }));

    const planRun = new sfn.Pass(this, 'PlanRun', {
      parameters: { 'runId.$': '$$.Execution.Name', sourceIds: [...props.sourceIds] },
    });

    const acquireSource = new tasks.LambdaInvoke(this, 'AcquireSource', {
      lambdaFunction: props.acquire,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    })
      // Fetch failures come back as a `failed` outcome (the fetcher has retried already); what is thrown is a
      // Lambda hiccup (retried here) or a lake error or bug (caught below and recorded against the source).
      .addRetry({
        errors: lambdaTransientErrors,
        maxAttempts: 3,
        interval: Duration.seconds(2),
        backoffRate: 2,
      })
      .addCatch(
        new sfn.Pass(this, 'RecordFailedSource', {
          parameters: {
            'sourceId.$': '$.sourceId',
            status: 'failed',
            documents: 0,
            newObjects: 0,
            bytes: 0,
            'error.$': "States.Format('{}: {}', $.failure.Error, $.failure.Cause)",
          },
        }),
        { errors: ['States.ALL'], resultPath: '$.failure' },
      );

    const acquireAll = new sfn.Map(this, 'AcquireSources', {
      itemsPath: '$.sourceIds',
      itemSelector: { 'runId.$': '$.runId', 'sourceId.$': '$$.Map.Item.Value' },
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.sources',
    }).itemProcessor(acquireSource);

    const runFailed = new sfn.Fail(this, 'RunFailed', {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });

    const processRun = new tasks.LambdaInvoke(this, 'ProcessRun', {
      lambdaFunction: props.process,
      payload: sfn.TaskInput.fromObject({
        'runId.$': '$.runId',
        'sources.$': '$.sources',
        'startedAt.$': '$$.Execution.StartTime',
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.process',
    })
      .addRetry({
        errors: lambdaTransientErrors,
        maxAttempts: 3,
        interval: Duration.seconds(2),
        backoffRate: 2,
      })
      .addCatch(runFailed, { errors: ['States.ALL'], resultPath: '$.failure' });

    const writeFeed = new tasks.LambdaInvoke(this, 'WriteFeedAndNotify', {
      lambdaFunction: props.feed,
      payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.feed',
    })
      .addRetry({
        errors: lambdaTransientErrors,
        maxAttempts: 3,
        interval: Duration.seconds(2),
        backoffRate: 2,
      })
      .addCatch(runFailed, { errors: ['States.ALL'], resultPath: '$.failure' });

    const definition = countRunning.next(
      new sfn.Choice(this, 'IsAnotherRunInProgress')
        .when(sfn.Condition.numberGreaterThan('$.lease.running', 1), refused)
        .otherwise(
          planRun
            .next(acquireAll)
            .next(processRun)
            .next(writeFeed)
            .next(new sfn.Succeed(this, 'RunComplete')),
        ),
    );

    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    const acknowledge = Validations.of(this);
    for (const fn of [props.acquire, props.process, props.feed]) {
      acknowledge.acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagReference(fn, fn.functionArn)}:*]`,
        reason:
          'The CDK LambdaInvoke grant covers the function and its versions (<arn>:*), no other function.',
      });
    }
    acknowledge.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs vended delivery ' +
        '(CreateLogDelivery, DescribeResourcePolicies, ...) do not support resource-level permissions.',
    });
  }
}
