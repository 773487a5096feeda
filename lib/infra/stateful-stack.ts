import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from './config.ts';
import { expiringPrefixes, publicPrefixes, publicRootObjects } from './lake-layout.ts';

export interface StatefulStackProps extends StackProps {
  config: DeploymentConfig;
}

/**
 * The stateful stack's CloudFormation export names. The stateless stack imports these by name instead of
 * through CDK's automatic cross-stack references, so the contract between the two stacks is explicit and
 * stable (auto-generated exports change names and block updates while imported).
 */
export function statefulExportNames(stackName: string) {
  return {
    lakeBucketName: `${stackName}-LakeBucketName`,
    lakeBucketArn: `${stackName}-LakeBucketArn`,
    lakeBucketRegionalDomainName: `${stackName}-LakeBucketRegionalDomainName`,
    logBucketName: `${stackName}-LogBucketName`,
    logBucketArn: `${stackName}-LogBucketArn`,
    logBucketRegionalDomainName: `${stackName}-LogBucketRegionalDomainName`,
    changeTopicArn: `${stackName}-ChangeTopicArn`,
    opsTopicArn: `${stackName}-OpsTopicArn`,
    topicKeyArn: `${stackName}-TopicKeyArn`,
  };
}
export type StatefulExportNames = ReturnType<typeof statefulExportNames>;

/**
 * Everything that holds data or subscribers and must survive a redeploy or teardown of the pipeline:
 * the lake bucket, its access-log bucket, the change topic and the ops alert topic.
 */
export class StatefulStack extends Stack {
  readonly lakeBucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly changeTopic: sns.Topic;
  readonly opsTopic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly exportNames: StatefulExportNames;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.logBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs, so the log bucket keeps them enabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it to itself would loop.',
    });

    this.lakeBucket = new s3.Bucket(this, 'LakeBucket', {
      versioned: true,
      // S3-managed keys: CloudFront's origin access control reads them without a key policy.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        ...expiringPrefixes.map((prefix) => ({
          id: `expire-noncurrent-${prefix.replace(/\/$/, '')}`,
          prefix,
          noncurrentVersionExpiration: Duration.days(config.rawRetentionDays),
        })),
        // No rule names datasets/ or feed/: published versions and the feed are kept for ever.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudFront reads only the published paths. The distribution lives in the stateless stack, so its id is
    // not known here; any distribution of this account may read these (already public) paths, nothing else.
    this.lakeBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontReadsPublishedPathsOnly',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [
          ...publicPrefixes.map((prefix) => this.lakeBucket.arnForObjects(`${prefix}*`)),
          ...publicRootObjects.map((key) => this.lakeBucket.arnForObjects(key)),
        ],
        conditions: {
          ArnLike: { 'AWS:SourceArn': `arn:${this.partition}:cloudfront::${this.account}:distribution/*` },
        },
      }),
    );

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'ics-lake: encrypts the change and ops SNS topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted ops topic as the CloudWatch service, not as a role.
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // a key policy's resource is always the key itself
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.changeTopic = new sns.Topic(this, 'ChangeTopic', {
      displayName: 'ics-lake dataset changes',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.opsTopic = new sns.Topic(this, 'OpsTopic', {
      displayName: 'ics-lake operational alerts',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    if (config.alertEmail !== '') {
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(config.alertEmail));
    }

    this.exportNames = statefulExportNames(this.stackName);
    const exported: Record<keyof StatefulExportNames, string> = {
      lakeBucketName: this.lakeBucket.bucketName,
      lakeBucketArn: this.lakeBucket.bucketArn,
      lakeBucketRegionalDomainName: this.lakeBucket.bucketRegionalDomainName,
      logBucketName: this.logBucket.bucketName,
      logBucketArn: this.logBucket.bucketArn,
      logBucketRegionalDomainName: this.logBucket.bucketRegionalDomainName,
      changeTopicArn: this.changeTopic.topicArn,
      opsTopicArn: this.opsTopic.topicArn,
      topicKeyArn: this.topicKey.keyArn,
    };
    for (const [key, value] of Object.entries(exported)) {
      new CfnOutput(this, `Export-${key}`, {
        value,
        exportName: this.exportNames[key as keyof StatefulExportNames],
      });
    }
  }
}
