import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentConfig } from '../../lib/infra/config.ts';
import { StatefulStack } from '../../lib/infra/stateful-stack.ts';
import { resourcesOfType, testContext } from './synth.ts';

function synthStateful(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { ...testContext, ...context } });
  return Template.fromStack(new StatefulStack(app, 'Stateful', { config: readDeploymentConfig(app.node) }));
}

function lakeBucket(template: Template): Record<string, unknown> {
  const versioned = resourcesOfType(template, 'AWS::S3::Bucket').filter(
    ([, properties]) =>
      (properties.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
  );
  expect(versioned).toHaveLength(1);
  return (versioned[0] as [string, Record<string, unknown>])[1];
}

describe('stateful stack', () => {
  let template: Template;
  /** Synthesised once with other context: 30-day retention and no alert e-mail. */
  let otherContext: Template;
  beforeAll(() => {
    template = synthStateful();
    otherContext = synthStateful({ rawRetentionDays: 30, alertEmail: '' });
  });

  it('keeps the lake bucket versioned, private and encrypted, and retains it on teardown', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'lake/' },
      }),
    });
  });

  it('denies every request to either bucket that is not over TLS', () => {
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, properties] of policies) {
      expect(properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  it('expires noncurrent versions under raw/ and runs/ after rawRetentionDays, and never under datasets/ or feed/', () => {
    const rules = (lakeBucket(template).LifecycleConfiguration as { Rules: Array<Record<string, unknown>> })
      .Rules;
    const expiring = rules.filter((rule) => rule.NoncurrentVersionExpiration !== undefined);
    expect(expiring.map((rule) => [rule.Prefix, rule.NoncurrentVersionExpiration])).toEqual([
      ['raw/', { NoncurrentDays: 90 }],
      ['runs/', { NoncurrentDays: 90 }],
    ]);
    // No rule may expire current objects, nor reach published prefixes.
    for (const rule of rules) {
      expect(rule.ExpirationInDays).toBeUndefined();
      expect(String(rule.Prefix ?? '')).not.toMatch(/^(datasets|feed)\//);
    }
  });

  it('takes the retention period from context', () => {
    const rules = (
      lakeBucket(otherContext).LifecycleConfiguration as {
        Rules: Array<Record<string, unknown>>;
      }
    ).Rules;
    expect(
      rules
        .filter((rule) => rule.NoncurrentVersionExpiration)
        .map((rule) => rule.NoncurrentVersionExpiration),
    ).toEqual([{ NoncurrentDays: 30 }, { NoncurrentDays: 30 }]);
  });

  it('lets CloudFront read only the published paths, from this account’s distributions', () => {
    const statements = resourcesOfType(template, 'AWS::S3::BucketPolicy').flatMap(
      ([, properties]) =>
        (properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
    const cloudFront = statements.filter(
      (statement) =>
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }),
    );
    expect(cloudFront).toHaveLength(1);
    const [grant] = cloudFront as [Record<string, unknown>];
    expect(grant.Action).toBe('s3:GetObject');
    const suffixes = (grant.Resource as Array<{ 'Fn::Join': [string, unknown[]] }>).map((resource) =>
      resource['Fn::Join'][1].at(-1),
    );
    expect(suffixes).toEqual(['/datasets/*', '/feed/*', '/datapackage.json', '/index.html']);
    expect(JSON.stringify(grant.Condition)).toContain('distribution/*');
  });

  it('encrypts both topics with a rotating key and refuses non-TLS publishing', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const topicPolicies = resourcesOfType(template, 'AWS::SNS::TopicPolicy');
    expect(topicPolicies).toHaveLength(2);
    for (const [, properties] of topicPolicies) {
      expect(JSON.stringify(properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('lets CloudWatch alarms use the topic key (they publish as the service, not a role)', () => {
    const key = resourcesOfType(template, 'AWS::KMS::Key')[0]?.[1];
    expect(JSON.stringify(key?.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
  });

  it('subscribes the alert e-mail to the ops topic only when one is given', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
    otherContext.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('exports the names the stateless stack imports', () => {
    const outputs = Object.values(template.toJSON().Outputs as Record<string, { Export?: { Name: string } }>);
    expect(outputs.map((output) => output.Export?.Name).sort()).toEqual(
      [
        'ChangeTopicArn',
        'LakeBucketArn',
        'LakeBucketName',
        'LakeBucketRegionalDomainName',
        'LogBucketArn',
        'LogBucketName',
        'LogBucketRegionalDomainName',
        'OpsTopicArn',
        'TopicKeyArn',
      ].map((name) => `Stateful-${name}`),
    );
  });
});
