import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { identityStatements, needlessWildcardGrants } from './iam.ts';
import { resourcesOfType, type SynthesisedApp, synthesiseApp } from './synth.ts';

/** The state machine definition, with CloudFormation references replaced by a placeholder so it parses. */
function stateMachineDefinition(template: Template): {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
} {
  const [[, properties] = ['', {}]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  const join = (properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : 'REF')).join(''));
}

/** The S3 object actions a role gets per lake key pattern, e.g. `{ '/raw/*': ['s3:GetObject', ...] }`. */
function lakeObjectGrants(template: Template, rolePrefix: string): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of identityStatements(template)) {
    if (!statement.logicalId.startsWith(rolePrefix)) continue;
    for (const resource of statement.Resource) {
      const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      const parts = join?.[1];
      if (
        !parts ||
        JSON.stringify(parts[0]) !== JSON.stringify({ 'Fn::ImportValue': 'IcsLakeStateful-LakeBucketArn' })
      )
        continue;
      const pattern = String(parts[1]);
      grants[pattern] = [...(grants[pattern] ?? []), ...statement.Action].sort();
    }
  }
  return grants;
}

describe('stateless stack (bundled as cdk synth would)', () => {
  let synthesised: SynthesisedApp;
  let template: Template;
  beforeAll(() => {
    synthesised = synthesiseApp({ bundle: true });
    template = synthesised.statelessTemplate;
  });

  describe('project functions', () => {
    it('run Node 22 on arm64 with source maps, JSON logs to their own log group, and a dead-letter queue', () => {
      const functions = resourcesOfType(template, 'AWS::Lambda::Function');
      expect(functions).toHaveLength(3);
      for (const [, properties] of functions) {
        expect(properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
          DeadLetterConfig: {
            TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterQueue/), 'Arn'] },
          },
          Environment: {
            Variables: expect.objectContaining({
              NODE_OPTIONS: expect.stringMatching(/^--enable-source-maps( --max-old-space-size=\d+)?$/),
              POWERTOOLS_METRICS_NAMESPACE: 'IcsLake',
              LAKE_BUCKET: { 'Fn::ImportValue': 'IcsLakeStateful-LakeBucketName' },
            }),
          },
        });
      }
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('size timeout and memory per stage', () => {
      const sizing = Object.fromEntries(
        resourcesOfType(template, 'AWS::Lambda::Function').map(([id, properties]) => [
          id.replace(/Function[0-9A-F]{8}$/, ''),
          [properties.Timeout, properties.MemorySize],
        ]),
      );
      expect(sizing).toEqual({ Acquire: [600, 2048], Process: [600, 2048], Feed: [180, 1536] });
    });

    it('give process and feed a V8 heap limit of three quarters of their memory (issue 15: V8 takes a quarter unless told)', () => {
      const nodeOptions = Object.fromEntries(
        resourcesOfType(template, 'AWS::Lambda::Function').map(([id, properties]) => [
          id.replace(/Function[0-9A-F]{8}$/, ''),
          (properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS,
        ]),
      );
      expect(nodeOptions).toEqual({
        Acquire: '--enable-source-maps',
        Process: '--enable-source-maps --max-old-space-size=1536',
        Feed: '--enable-source-maps --max-old-space-size=1152',
      });
    });

    it('give only the feed stage the change topic, with publish rights on that topic alone', () => {
      const withTopic = resourcesOfType(template, 'AWS::Lambda::Function').filter(
        ([, properties]) =>
          (properties.Environment as { Variables: Record<string, unknown> }).Variables.CHANGE_TOPIC_ARN !==
          undefined,
      );
      expect(withTopic.map(([id]) => id)).toEqual([expect.stringMatching(/^FeedFunction/)]);
      const publishes = identityStatements(template).filter((statement) =>
        statement.Action.includes('sns:Publish'),
      );
      expect(
        publishes.map((statement) => [statement.logicalId.replace(/[0-9A-F]{8}$/, ''), statement.Resource]),
      ).toEqual([['FeedRoleDefaultPolicy', [{ 'Fn::ImportValue': 'IcsLakeStateful-ChangeTopicArn' }]]]);
    });

    it('grant each stage only the lake prefixes it needs', () => {
      const write = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'];
      expect(lakeObjectGrants(template, 'AcquireRole')).toEqual({
        '/raw/*': write,
        '/runs/*': write,
        '/state/*': write,
      });
      expect(lakeObjectGrants(template, 'FeedRole')).toEqual({
        '/datasets/*': ['s3:GetObject'],
        '/feed/*': write,
        // The feed task adds its section to the run report.
        '/runs/*': write,
      });
      const listings = identityStatements(template)
        .filter(
          (statement) =>
            statement.logicalId.startsWith('AcquireRole') && statement.Action.includes('s3:ListBucket'),
        )
        .map((statement) => statement.Condition);
      expect(listings).toEqual([{ StringLikeIfExists: { 's3:prefix': ['raw/*', 'state/*', 'runs/*'] } }]);
      const processGrants = lakeObjectGrants(template, 'ProcessRole');
      expect(processGrants['/raw/*']).toEqual(['s3:GetObject']);
      expect(processGrants['/datasets/*']).toEqual(write);
      expect(processGrants['/feed/*']).toBeUndefined();
    });

    it('use no managed policies (each role may write only its own log group)', () => {
      for (const [, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
        expect(role.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe('IAM', () => {
    it('grants nothing on Resource "*" except the actions AWS only accepts that way', () => {
      expect(needlessWildcardGrants(identityStatements(template))).toEqual([]);
      expect(needlessWildcardGrants(identityStatements(synthesised.statefulTemplate))).toEqual([]);
    });

    it('the wildcard check catches a needless wildcard (it can fail)', () => {
      const stack = new Stack(new App(), 'Loose');
      const role = new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject', 'xray:PutTraceSegments'], resources: ['*'] }),
      );
      expect(needlessWildcardGrants(identityStatements(Template.fromStack(stack)))).toEqual([
        expect.stringMatching(/: s3:GetObject on \*$/),
      ]);
    });
  });

  describe('schedule', () => {
    it('starts the state machine daily at 06:30 Europe/London by default (cdk.json), with retries and a DLQ', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 6 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/London',
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^PipelineStateMachine') },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetterQueue'), 'Arn'] } },
        }),
      });
    });
  });

  describe('state machine', () => {
    it('first refuses to run while another execution is running, ending in a named success state', () => {
      const definition = stateMachineDefinition(template);
      expect(definition.StartAt).toBe('CountRunningExecutions');
      expect(definition.States.CountRunningExecutions).toMatchObject({
        Resource: expect.stringContaining(':states:::aws-sdk:sfn:listExecutions'),
        Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'RUNNING' },
        Retry: [expect.objectContaining({ ErrorEquals: ['States.TaskFailed'] })],
      });
      expect(definition.States.IsAnotherRunInProgress).toMatchObject({
        Type: 'Choice',
        Choices: [{ Variable: '$.lease.running', NumericGreaterThan: 1, Next: 'AnotherRunInProgress' }],
        Default: 'PlanRun',
      });
      expect(definition.States.AnotherRunInProgress).toMatchObject({ Type: 'Pass', Next: 'RunRefused' });
      expect(definition.States.RunRefused).toMatchObject({ Type: 'Succeed' });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'states:ListExecutions',
              Resource: { 'Fn::Join': ['', Match.arrayWith([':stateMachine:IcsLakeStateless-pipeline'])] },
            }),
          ]),
        },
      });
    });

    it('maps acquire over every catalogue source with bounded concurrency, each with retry and catch', () => {
      const definition = stateMachineDefinition(template);
      expect(definition.States.PlanRun).toMatchObject({
        Parameters: { sourceIds: catalogue.map((source) => source.id) },
      });
      const map = definition.States.AcquireSources as {
        MaxConcurrency: number;
        ItemsPath: string;
        ItemProcessor: { StartAt: string; States: Record<string, Record<string, unknown>> };
      };
      expect(map).toMatchObject({
        Type: 'Map',
        ItemsPath: '$.sourceIds',
        ResultPath: '$.sources',
        Next: 'ProcessRun',
      });
      expect(map.MaxConcurrency).toBe(3);
      const acquire = map.ItemProcessor.States.AcquireSource as { Retry: unknown[]; Catch: unknown[] };
      expect(acquire.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']),
          MaxAttempts: 3,
        }),
      ]);
      expect(acquire.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailedSource' },
      ]);
      // A failed source becomes a SourceOutcome, so the run continues with it recorded.
      expect(map.ItemProcessor.States.RecordFailedSource).toMatchObject({
        Type: 'Pass',
        End: true,
        Parameters: { 'sourceId.$': '$.sourceId', status: 'failed', documents: 0, newObjects: 0, bytes: 0 },
      });
    });

    it('processes, then writes the feed, each retried on Lambda errors and failing the run otherwise', () => {
      const { States } = stateMachineDefinition(template);
      expect(States.ProcessRun).toMatchObject({
        Parameters: { 'runId.$': '$.runId', 'sources.$': '$.sources' },
        Next: 'WriteFeedAndNotify',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RunFailed' }],
      });
      expect(States.WriteFeedAndNotify).toMatchObject({
        Parameters: { 'runId.$': '$.runId' },
        Next: 'RunComplete',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RunFailed' }],
      });
      for (const name of ['ProcessRun', 'WriteFeedAndNotify']) {
        expect(States[name]?.Retry).toEqual([
          expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) }),
        ]);
      }
      expect(States.RunFailed).toMatchObject({ Type: 'Fail' });
      expect(States.RunComplete).toMatchObject({ Type: 'Succeed' });
    });

    it('is traced, logs every event and times out', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: 'IcsLakeStateless-pipeline',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      });
      expect(JSON.stringify(stateMachineDefinition(template))).not.toContain('TimeoutSeconds":0');
      expect((stateMachineDefinition(template) as { TimeoutSeconds?: number }).TimeoutSeconds).toBe(7200);
    });
  });

  describe('alarms', () => {
    const alarmsByName = (): Array<Record<string, unknown>> =>
      resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, properties]) => properties);

    it('all notify the ops topic and treat a day without a run as fine', () => {
      const alarms = alarmsByName();
      expect(alarms).toHaveLength(4 + 2 * catalogue.length);
      for (const alarm of alarms) {
        expect(alarm.AlarmActions).toEqual([{ 'Fn::ImportValue': 'IcsLakeStateful-OpsTopicArn' }]);
        expect(alarm.TreatMissingData).toBe('notBreaching');
      }
    });

    it('fire on a failed, timed-out or aborted execution', () => {
      const [alarm] = alarmsByName().filter((candidate) => Array.isArray(candidate.Metrics));
      const metrics = alarm?.Metrics as Array<{
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string } };
      }>;
      expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('failed + timedOut + aborted');
      expect(
        metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort(),
      ).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    it('fire per source on 3 failed runs in a row and on an overdue source', () => {
      for (const source of catalogue) {
        const dimensions = [
          { Name: 'SourceId', Value: source.id },
          { Name: 'service', Value: 'ics-lake' },
        ];
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'IcsLake',
          MetricName: 'SourceConsecutiveFailures',
          Dimensions: Match.arrayEquals(dimensions),
          Threshold: 3,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'IcsLake',
          MetricName: 'SourceOverdue',
          Dimensions: Match.arrayEquals(dimensions),
          Threshold: 1,
        });
      }
    });

    it('fire when any change event was not delivered to SNS', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'IcsLake',
        MetricName: 'NotificationsFailed',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('fire on layout drift (any quarantined document) and on any dead letter', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'IcsLake',
        MetricName: 'QuarantinedDocuments',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });
  });

  describe('CloudFront', () => {
    const distributionConfig = (): Record<string, unknown> =>
      resourcesOfType(template, 'AWS::CloudFront::Distribution')[0]?.[1]?.DistributionConfig as Record<
        string,
        unknown
      >;

    it('serves the published paths only, over HTTPS, read-only, in this order', () => {
      const behaviours = distributionConfig().CacheBehaviors as Array<Record<string, unknown>>;
      expect(behaviours.map((behaviour) => behaviour.PathPattern)).toEqual([
        'datasets/*/v*/*',
        'datasets/*/parts/*',
        'datasets/*',
        'feed/events/*',
        'feed/*',
        'datapackage.json',
        'index.html',
      ]);
      for (const behaviour of behaviours) {
        expect(behaviour).toMatchObject({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
          Compress: true,
        });
      }
    });

    it('refuses every other path at the edge', () => {
      expect(distributionConfig().DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: expect.anything() }],
      });
      const [[, fn] = ['', {}]] = resourcesOfType(template, 'AWS::CloudFront::Function');
      expect(fn.FunctionCode).toMatch(/statusCode: 403/);
    });

    it('reads the bucket through origin access control, not a public website endpoint', () => {
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
        }),
      });
      const [origin] = distributionConfig().Origins as Array<Record<string, unknown>>;
      expect(origin).toMatchObject({
        DomainName: { 'Fn::ImportValue': 'IcsLakeStateful-LakeBucketRegionalDomainName' },
        OriginAccessControlId: expect.anything(),
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
    });

    it('caches latest.json and the feed index for 60 s and immutable versions for a year', () => {
      const policies = Object.fromEntries(
        resourcesOfType(template, 'AWS::CloudFront::CachePolicy').map(([id, properties]) => {
          const config = properties.CachePolicyConfig as Record<string, number>;
          return [id, [config.DefaultTTL, config.MaxTTL]];
        }),
      );
      const ttlOf = (pattern: string): unknown => {
        const behaviour = (distributionConfig().CacheBehaviors as Array<Record<string, unknown>>).find(
          (candidate) => candidate.PathPattern === pattern,
        );
        return policies[(behaviour?.CachePolicyId as { Ref: string } | undefined)?.Ref ?? ''];
      };
      const year = 365 * 24 * 3600;
      expect(ttlOf('datasets/*')).toEqual([60, 60]);
      expect(ttlOf('feed/*')).toEqual([60, 60]);
      expect(ttlOf('index.html')).toEqual([60, 60]);
      expect(ttlOf('datasets/*/v*/*')).toEqual([year, year]);
      expect(ttlOf('datasets/*/parts/*')).toEqual([year, year]);
      expect(ttlOf('feed/events/*')).toEqual([year, year]);
    });

    it('serves the stable latest/ copies with the 60 s policy, never as immutable versions', () => {
      const behaviours = distributionConfig().CacheBehaviors as Array<Record<string, unknown>>;
      // CloudFront path patterns: '*' matches any characters (slashes too), '?' one; the first match wins.
      const matches = (pattern: string, key: string) =>
        new RegExp(
          `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ).test(key);
      const policyOf = (key: string) =>
        behaviours.find((behaviour) => matches(String(behaviour.PathPattern), key))?.PathPattern;
      for (const { name } of datasetDefinitions) {
        for (const format of ['csv', 'json', 'parquet']) {
          expect(policyOf(`datasets/${name}/latest/${name}.${format}`)).toBe('datasets/*');
        }
        expect(policyOf(`datasets/${name}/latest/manifest.json`)).toBe('datasets/*');
        expect(policyOf(`datasets/${name}/v3/${name}.csv`)).toBe('datasets/*/v*/*');
      }
      // A partitioned dataset: its per-partition stable copies stay short-lived, its content-addressed parts immutable.
      expect(policyOf('datasets/ics_population/latest/ics_population-2024-01.csv')).toBe('datasets/*');
      expect(policyOf('datasets/ics_population/latest/ics_population-rebased-2026.parquet')).toBe(
        'datasets/*',
      );
      expect(policyOf(`datasets/ics_population/parts/2024-01/${'a'.repeat(64)}.csv`)).toBe(
        'datasets/*/parts/*',
      );
    });
  });
});
