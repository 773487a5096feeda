import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsSolutionsChecks } from '../../lib/infra/nag.ts';
import { type SynthesisedApp, synthesiseApp } from './synth.ts';

/** Every unacknowledged finding of the AWS Solutions pack, as `rule at construct path` lines. */
function findings(scope: App | Stack): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.ruleName} at ${resource.constructPath ?? '?'}`,
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let synthesised: SynthesisedApp;
  beforeAll(() => {
    // Bundling is irrelevant to the rules; the stateless test file covers it.
    synthesised = synthesiseApp({ bundle: false });
  });

  it('finds nothing unacknowledged in either stack', () => {
    expect(findings(synthesised.app)).toEqual([]);
  });

  describe('with a custom domain and schedule from context', () => {
    let custom: SynthesisedApp;
    beforeAll(() => {
      custom = synthesiseApp({
        bundle: false,
        context: {
          domainName: 'data.example.org',
          certificateArn:
            'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
          schedule: 'cron(0 22 ? * MON-FRI *)',
          scheduleTimezone: 'UTC',
        },
      });
    });

    it('finds nothing unacknowledged (TLS 1.2 is enforced, so no CFR4 acknowledgement is made)', () => {
      expect(findings(custom.app)).toEqual([]);
      custom.statelessTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: ['data.example.org'],
          ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
        }),
      });
    });

    // Kept here to reuse this synthesis: the schedule is the stateless stack's, tested in its own file by default.
    it('takes the schedule expression and time zone from context', () => {
      custom.statelessTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 22 ? * MON-FRI *)',
        ScheduleExpressionTimezone: 'UTC',
      });
    });
  });

  it('leaves no CDK warning or error unacknowledged', () => {
    for (const stack of [synthesised.stateful, synthesised.stateless]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });

  it('reports a finding on a non-compliant bucket (the check can fail)', () => {
    const stack = new Stack(new App(), 'NonCompliant');
    new s3.Bucket(stack, 'Loose');
    expect(findings(stack)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at NonCompliant\/Loose/)]),
    );
  });
});
