import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PublicDistributionProps {
  lakeBucket: s3.IBucket;
  logBucket: s3.IBucket;
  /** Optional custom domain and its us-east-1 ACM certificate. */
  domainName?: string | undefined;
  certificateArn?: string | undefined;
}

/** Seconds that a mutable pointer (latest.json, the feed index, the catalog) may be served stale. */
export const shortTtl = Duration.seconds(60);
/** Immutable objects (dataset versions, feed pages) are cached for a year. */
export const immutableTtl = Duration.days(365);

// Anything not matched by a public behaviour is refused at the edge; `/` is the catalog page.
const refusePrivatePaths = `function handler(event) {
  var request = event.request;
  if (request.uri === '/') {
    request.uri = '/index.html';
    return request;
  }
  return { statusCode: 403, statusDescription: 'Forbidden' };
}`;

/**
 * The public, read-only face of the lake: CloudFront with origin access control, serving only
 * `datasets/`, `feed/`, `datapackage.json` and `index.html`. The bucket policy (stateful stack) also grants
 * CloudFront nothing else, so a wrong behaviour here still cannot expose `raw/`, `runs/` or `state/`.
 */
export class PublicDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: PublicDistributionProps) {
    super(scope, id);

    // An imported reference keeps CDK from editing the bucket policy across stacks (a circular dependency);
    // the stateful stack's policy already grants CloudFront read on the published paths.
    const originBucket = s3.Bucket.fromBucketAttributes(this, 'LakeOriginBucket', {
      bucketName: props.lakeBucket.bucketName,
      bucketRegionalDomainName: props.lakeBucket.bucketRegionalDomainName,
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(originBucket, {
      originAccessLevels: [cloudfront.AccessLevel.READ],
    });

    const shortLived = new cloudfront.CachePolicy(this, 'ShortLivedCachePolicy', {
      comment: 'ics-lake: latest.json, feed index and catalog pages',
      defaultTtl: shortTtl,
      minTtl: Duration.seconds(0),
      maxTtl: shortTtl,
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const immutable = new cloudfront.CachePolicy(this, 'ImmutableCachePolicy', {
      comment: 'ics-lake: immutable dataset versions and feed pages',
      defaultTtl: immutableTtl,
      minTtl: Duration.seconds(0),
      maxTtl: immutableTtl,
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const publicBehaviour = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      cachePolicy,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      compress: true,
      // Open data: any web page may fetch it.
      responseHeadersPolicy:
        cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_WITH_PREFLIGHT_AND_SECURITY_HEADERS,
    });

    const certificate =
      props.certificateArn === undefined
        ? undefined
        : acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn);

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'ics-lake public datasets and change feed',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(certificate && props.domainName
        ? {
            certificate,
            domainNames: [props.domainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'RefusePrivatePaths', {
              comment: 'ics-lake: 403 for every path outside the published prefixes',
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              code: cloudfront.FunctionCode.fromInline(refusePrivatePaths),
            }),
          },
        ],
      },
      // Order matters: CloudFront takes the first matching pattern, so immutable versions come first.
      additionalBehaviors: {
        'datasets/*/v*/*': publicBehaviour(immutable),
        // Partition files are content-addressed (issue 15): a key's bytes never change.
        'datasets/*/parts/*': publicBehaviour(immutable),
        'datasets/*': publicBehaviour(shortLived),
        'feed/events/*': publicBehaviour(immutable),
        'feed/*': publicBehaviour(shortLived),
        'datapackage.json': publicBehaviour(shortLived),
        'index.html': publicBehaviour(shortLived),
      },
    });

    const acknowledge = Validations.of(this);
    acknowledge.acknowledge(
      {
        id: '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
        reason: 'The stateful stack grants cloudfront.amazonaws.com read on the published prefixes only.',
      },
      { id: 'AwsSolutions-CFR1', reason: 'Open government data, meant to be downloadable from anywhere.' },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Read-only static files behind an edge function that refuses other paths; no forms or APIs to protect.',
      },
    );
    if (certificate === undefined) {
      acknowledge.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default certificate, which allows TLSv1; ' +
          'set domainName and certificateArn to enforce TLS 1.2.',
      });
    }
  }
}
