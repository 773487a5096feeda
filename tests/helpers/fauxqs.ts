import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

/** Where a test's fauxqs (S3 + SNS + SQS emulator) listens, and how to stop it. */
export interface Fauxqs {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the same endpoint serves S3, SNS and SQS. */
  endpoint: string;
  region: string;
  /** Dummy credentials: fauxqs accepts any and never validates them. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/**
 * Start fauxqs in-process on 127.0.0.1, port 0. fauxqs's own `startFauxqs` always binds 0.0.0.0, so this builds
 * the app and listens on loopback itself; create buckets, topics and queues through the SDK clients below.
 */
export async function startFauxqs(): Promise<Fauxqs> {
  const region = 'eu-west-2';
  const app = buildApp({ logger: false, defaultRegion: region });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    endpoint: new URL(address).origin,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    stop: async () => {
      await app.close();
    },
  };
}

/** An S3 client for the emulator: path-style addressing, and checksums only when an operation requires them. */
export function fauxqsS3Client(fauxqs: Fauxqs): S3Client {
  return new S3Client({
    endpoint: fauxqs.endpoint,
    region: fauxqs.region,
    credentials: fauxqs.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An SNS client for the emulator. */
export function fauxqsSnsClient(fauxqs: Fauxqs): SNSClient {
  return new SNSClient({ endpoint: fauxqs.endpoint, region: fauxqs.region, credentials: fauxqs.credentials });
}

/** An SQS client for the emulator. */
export function fauxqsSqsClient(fauxqs: Fauxqs): SQSClient {
  return new SQSClient({ endpoint: fauxqs.endpoint, region: fauxqs.region, credentials: fauxqs.credentials });
}
