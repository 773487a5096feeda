import { type Duration, Lazy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LakeAccess } from './lake-layout.ts';
import { nagReference } from './nag.ts';

/** esbuild settings shared by CDK bundling and `scripts/bundle-sizes.ts`, so the measured bundle is the deployed one. */
export const handlerBundling = {
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  platform: 'node',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Error class names are the Step Functions error names that Retry and Catch match on.
  keepNames: true,
  mainFields: ['module', 'main'],
  // ESM bundles have no `require`; CommonJS dependencies bundled inside still call it.
  banner: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  // Bundle the pinned SDK rather than trusting the runtime's copy: conditional writes need a recent client.
  bundleAwsSDK: true,
  /**
   * Module replacements, relative to the project root. cheerio's main entry also offers fromURL/loadBuffer,
   * which drag in undici and iconv-lite (about 1 MiB minified) that the pipeline never calls; its `load` is the
   * same function as the parse5 entry's. A namespace use of anything else fails the bundle test (esbuild warns
   * that the import "will always be undefined").
   */
  aliases: { cheerio: 'node_modules/cheerio/dist/esm/load-parse.js' },
} as const;

/** The esbuild `--alias` arguments for `handlerBundling.aliases`, resolved against the project root. */
export function handlerAliases(projectRoot: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(handlerBundling.aliases).map(([name, target]) => [name, `${projectRoot}/${target}`]),
  );
}

export interface ProjectFunctionProps {
  /** The handler module, e.g. `lambdas/acquire.ts`, relative to the project root. */
  entry: string;
  /** What this stage does (shown in the console). */
  description: string;
  timeout: Duration;
  memorySize: number;
  /** V8's old-space limit in MiB (`--max-old-space-size`); without it V8 takes a quarter of `memorySize`. */
  maxHeapMiB?: number;
  logRetention: logs.RetentionDays;
  /** Receives failed asynchronous invocations. */
  deadLetterQueue: sqs.IQueue;
  /** The project root (holds package-lock.json); defaults to the process's working directory. */
  projectRoot?: string;
  /** Powertools service name, also the metric `service` dimension. */
  serviceName: string;
  /** CloudWatch namespace for the custom metrics. */
  metricsNamespace: string;
}

/**
 * The one Lambda shape of the project: Node 22 on arm64, ESM bundle built locally by esbuild, explicit log
 * group, its own role with no managed policies. `bindLakePrefix` and `bindTopic` grant least privilege and set
 * the environment variable the handler reads, in the same call, so the two cannot drift apart.
 */
export class ProjectFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private boundBucketName: string | undefined;
  private readonly listablePrefixes: string[] = [];

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? process.cwd();

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `ics-lake ${id}: writes its own log group, plus what its bindings grant`,
    });
    // Instead of AWSLambdaBasicExecutionRole (which may write to any log group): only this function's group.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: `${projectRoot}/${props.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 0,
      environment: {
        NODE_OPTIONS: [
          '--enable-source-maps',
          ...(props.maxHeapMiB ? [`--max-old-space-size=${props.maxHeapMiB}`] : []),
        ].join(' '),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
      bundling: {
        format: handlerBundling.format,
        target: handlerBundling.target,
        minify: handlerBundling.minify,
        sourceMap: handlerBundling.sourceMap,
        sourcesContent: handlerBundling.sourcesContent,
        keepNames: handlerBundling.keepNames,
        mainFields: [...handlerBundling.mainFields],
        banner: handlerBundling.banner,
        bundleAwsSDK: handlerBundling.bundleAwsSDK,
        // `--alias:<module>=<path>`, one argument per replaced module.
        esbuildArgs: Object.fromEntries(
          Object.entries(handlerAliases(projectRoot)).map(([name, target]) => [`--alias:${name}`, target]),
        ),
        // Bundling must never fall back to Docker: offline synth uses the project's own esbuild.
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x on purpose: the code and tests target Node 22 LTS semantics.',
    });
  }

  /**
   * Let the function read (or read and write) the lake objects under `prefix`, and set `LAKE_BUCKET`.
   * All bindings must name the same bucket: the handler sees one lake.
   */
  bindLakePrefix(bucket: s3.IBucket, prefix: string, access: LakeAccess): this {
    if (this.boundBucketName !== undefined && this.boundBucketName !== bucket.bucketName) {
      throw new Error(`${this.node.path}: already bound to another lake bucket`);
    }
    this.boundBucketName = bucket.bucketName;
    this.function.addEnvironment('LAKE_BUCKET', bucket.bucketName);

    const objects = bucket.arnForObjects(`${prefix}*`);
    const actions =
      access === 'read'
        ? ['s3:GetObject']
        : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [objects] }));
    if (this.listablePrefixes.length === 0) {
      // ListBucket makes a missing key read as 404 (the store's "absent") instead of 403. S3 checks it for a
      // GET without any s3:prefix in the request, hence IfExists; listings are limited to the bound prefixes.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: {
            StringLikeIfExists: {
              's3:prefix': Lazy.list({ produce: () => this.listablePrefixes.map((bound) => `${bound}*`) }),
            },
          },
        }),
      );
    }
    this.listablePrefixes.push(prefix);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, bucket.bucketArn)}/${prefix}*]`,
      reason: `Objects are granted by lake prefix (${prefix}*), one statement per prefix the stage needs, not bucket-wide.`,
    });
    return this;
  }

  /** Let the function publish to `topic` (and use its KMS key), and set `envName` to the topic ARN. */
  bindTopic(topic: sns.ITopic, envName = 'CHANGE_TOPIC_ARN'): this {
    topic.grantPublish(this.role);
    if (topic.masterKey !== undefined) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Publishing to an encrypted topic needs GenerateDataKey* on that one key (the CDK SNS grant).',
      });
    }
    this.function.addEnvironment(envName, topic.topicArn);
    return this;
  }

  /** Set a plain configuration variable (no IAM implied). */
  setEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }
}
