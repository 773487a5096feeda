import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { runMetricNames } from '../../lambdas/shared/metric-names.ts';

export interface PipelineAlarmsProps {
  stateMachine: sfn.IStateMachine;
  deadLetterQueue: sqs.IQueue;
  opsTopic: sns.ITopic;
  sourceIds: readonly string[];
  metricsNamespace: string;
  /** Powertools adds a `service` dimension to every metric; alarms must name the same one. */
  serviceName: string;
  /** Alarm when a source fails this many runs in a row. */
  failureAlarmRuns: number;
}

/** The operational alarms; every one notifies the ops topic. Missing data (no run) is not a breach. */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.opsTopic);
    const add = (alarm: cloudwatch.Alarm): void => {
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    };
    const runMetric = (metricName: string, dimensions: Record<string, string> = {}): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.serviceName, ...dimensions },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      });

    add(
      new cloudwatch.Alarm(this, 'ExecutionFailed', {
        alarmDescription: 'A pipeline execution failed, timed out or was aborted.',
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
            timedOut: props.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
            aborted: props.stateMachine.metricAborted({ period: Duration.minutes(5) }),
          },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const sourceId of props.sourceIds) {
      add(
        new cloudwatch.Alarm(this, `SourceFailing-${sourceId}`, {
          alarmDescription: `Source ${sourceId} failed ${props.failureAlarmRuns} runs in a row.`,
          metric: runMetric(runMetricNames.sourceConsecutiveFailures, { SourceId: sourceId }),
          threshold: props.failureAlarmRuns,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        new cloudwatch.Alarm(this, `SourceOverdue-${sourceId}`, {
          alarmDescription: `Source ${sourceId} has not changed within its catalogue cadence.`,
          metric: runMetric(runMetricNames.sourceOverdue, { SourceId: sourceId }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    add(
      new cloudwatch.Alarm(this, 'LayoutDrift', {
        alarmDescription: 'Documents were quarantined: a source layout changed or a name did not resolve.',
        metric: runMetric(runMetricNames.quarantinedDocuments),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      new cloudwatch.Alarm(this, 'NotificationsFailed', {
        alarmDescription:
          'Change events were not delivered to the SNS topic; they stay pending and are retried next run.',
        metric: runMetric(runMetricNames.notificationsFailed),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      new cloudwatch.Alarm(this, 'DeadLetters', {
        alarmDescription:
          'A failed asynchronous invocation or schedule delivery reached the dead-letter queue.',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
