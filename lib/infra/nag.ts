// cdk-nag is CommonJS whose exports Node's ESM loader cannot all detect by name, so take them off the default.
import { Stack } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The AWS Solutions rule pack (cdk-nag v3: a CDK policy-validation plugin; acknowledge with `Validations`). */
export const { AwsSolutionsChecks } = cdkNag;

/**
 * Render a CloudFormation reference the way cdk-nag names it in a finding id (`Resource::<this>`), so an
 * acknowledgement can name exactly the finding it accepts: an import by its export name, an attribute as
 * `<LogicalId.Attr>`, a Ref as `<LogicalId>`.
 */
export function nagReference(scope: IConstruct, value: string): string {
  const resolved: unknown = Stack.of(scope).resolve(value);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const intrinsic = resolved as Record<string, unknown>;
    const imported = intrinsic['Fn::ImportValue'];
    if (typeof imported === 'string') return imported;
    const attribute = intrinsic['Fn::GetAtt'];
    if (Array.isArray(attribute)) return `<${attribute.join('.')}>`;
    const ref = intrinsic.Ref;
    if (typeof ref === 'string') return `<${ref}>`;
  }
  throw new Error(`nagReference: cannot name ${JSON.stringify(resolved)} as cdk-nag does`);
}
