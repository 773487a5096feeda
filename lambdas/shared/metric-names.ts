/**
 * Custom metric names, shared by the handlers that emit them and the alarms that watch them.
 * Kept free of imports so the CDK app can read it without pulling handler code into synth.
 */
export const runMetricNames = {
  /** 1 when the source failed in this run, 0 when it was fetched or unchanged; dimension SourceId. */
  sourceFailed: 'SourceFailed',
  /** Failed acquires in a row for the source (from its lake state); dimension SourceId. */
  sourceConsecutiveFailures: 'SourceConsecutiveFailures',
  /** 1 when the source's newest change is older than its catalogue cadence allows; dimension SourceId. */
  sourceOverdue: 'SourceOverdue',
  /** Documents quarantined in this run (layout drift or unresolved names). */
  quarantinedDocuments: 'QuarantinedDocuments',
  /** Change events the notifier (SNS) did not accept in this run; they stay pending for the next run. */
  notificationsFailed: 'NotificationsFailed',
} as const;
