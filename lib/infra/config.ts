import type { Node } from 'constructs';
import { z } from 'zod';

/** The retention periods CloudWatch Logs accepts, in days. */
const logRetentionChoices = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Deployment settings, read from CDK context (`cdk.json` or `-c key=value`), validated once at synth. */
export const DeploymentConfig = z.object({
  /** EventBridge Scheduler expression for the daily run. */
  schedule: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, 'expected cron(...) or rate(...)')
    .default('cron(30 6 * * ? *)'),
  /** IANA time zone the schedule is evaluated in (so 06:30 stays 06:30 across BST). */
  scheduleTimezone: z.string().min(1).default('Europe/London'),
  /** Ops alert e-mail; empty means no subscription (alarms still publish to the ops topic). */
  alertEmail: z.union([z.literal(''), z.email()]).default(''),
  /** Days a noncurrent version under `raw/` and `runs/` is kept before S3 expires it. */
  rawRetentionDays: z.coerce.number().int().positive().default(90),
  /** Retention of Lambda and Step Functions log groups, in days (must be a CloudWatch Logs value). */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => logRetentionChoices.includes(days), {
      message: `must be one of the CloudWatch Logs retention periods: ${logRetentionChoices.join(', ')}`,
    })
    .default(30),
  /** A source failing this many scheduled runs in a row raises an alarm. */
  failureAlarmRuns: z.coerce.number().int().positive().default(3),
  /** Optional custom domain for the public distribution; needs `certificateArn` (a us-east-1 ACM cert). */
  domainName: z.string().optional(),
  certificateArn: z.string().startsWith('arn:').optional(),
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

const contextKeys = [
  'schedule',
  'scheduleTimezone',
  'alertEmail',
  'rawRetentionDays',
  'logRetentionDays',
  'failureAlarmRuns',
  'domainName',
  'certificateArn',
] as const;

/** Read and validate the deployment settings from a construct node's context. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const raw: Record<string, unknown> = {};
  for (const key of contextKeys) {
    const value: unknown = node.tryGetContext(key);
    // `-c domainName=` arrives as an empty string: treat it as unset.
    if (value !== undefined && !(value === '' && key !== 'alertEmail')) raw[key] = value;
  }
  const parsed = DeploymentConfig.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid CDK context for ics-lake: ${z.prettifyError(parsed.error)}`);
  }
  if ((parsed.data.domainName === undefined) !== (parsed.data.certificateArn === undefined)) {
    throw new Error('CDK context: domainName and certificateArn must be given together (or neither)');
  }
  return parsed.data;
}
