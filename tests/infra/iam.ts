import type { Template } from 'aws-cdk-lib/assertions';

/** One identity-policy statement and the resource it sits in. */
export interface FoundStatement {
  logicalId: string;
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, unknown>;
}

const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/**
 * Walk every identity policy in a template: `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` and the inline
 * `Policies` of `AWS::IAM::Role`. (Resource policies on buckets, topics and keys are checked separately.)
 */
export function identityStatements(template: Template): FoundStatement[] {
  const found: FoundStatement[] = [];
  const collect = (logicalId: string, document: unknown): void => {
    const statements = asArray((document as { Statement?: unknown } | undefined)?.Statement);
    for (const statement of statements as Array<Record<string, unknown>>) {
      found.push({
        logicalId,
        Effect: String(statement.Effect),
        Action: asArray(statement.Action).map(String),
        Resource: asArray(statement.Resource),
        ...(statement.Condition ? { Condition: statement.Condition as Record<string, unknown> } : {}),
      });
    }
  };
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  for (const [logicalId, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      collect(logicalId, properties.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(properties.Policies) as Array<{ PolicyDocument?: unknown }>) {
        collect(logicalId, policy.PolicyDocument);
      }
    }
  }
  return found;
}

/**
 * Actions that AWS only accepts with `Resource: "*"`, with the reason. Anything else granted on `*` is a defect.
 */
export const actionsRequiringWildcard: Record<string, string> = {
  // X-Ray tracing of the state machine: X-Ray has no resource-level permissions.
  'xray:PutTraceSegments': 'X-Ray: no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray: no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray: no resource-level permissions',
  'xray:GetSamplingTargets': 'X-Ray: no resource-level permissions',
  // Step Functions logging to CloudWatch Logs uses "vended log delivery", whose APIs take no resource ARN.
  'logs:CreateLogDelivery': 'CloudWatch Logs vended delivery',
  'logs:GetLogDelivery': 'CloudWatch Logs vended delivery',
  'logs:UpdateLogDelivery': 'CloudWatch Logs vended delivery',
  'logs:DeleteLogDelivery': 'CloudWatch Logs vended delivery',
  'logs:ListLogDeliveries': 'CloudWatch Logs vended delivery',
  'logs:PutResourcePolicy': 'CloudWatch Logs vended delivery (account-level resource policy)',
  'logs:DescribeResourcePolicies': 'CloudWatch Logs vended delivery',
  'logs:DescribeLogGroups': 'CloudWatch Logs vended delivery',
};

/** The statements that grant something on `Resource: "*"` that AWS would accept on a narrower resource. */
export function needlessWildcardGrants(statements: readonly FoundStatement[]): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && statement.Resource.includes('*'))
    .flatMap((statement) =>
      statement.Action.filter((action) => !(action in actionsRequiringWildcard)).map(
        (action) => `${statement.logicalId}: ${action} on *`,
      ),
    );
}
