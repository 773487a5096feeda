import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChangeEvent } from '../../lib/feed/events.ts';
import { FEED_INDEX_KEY } from '../../lib/feed/feed-files.ts';
import { SnsNotifier } from '../../lib/feed/notify.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { icsDefinition, icsRow } from '../feed/definitions.ts';
import {
  type Fauxqs,
  fauxqsS3Client,
  fauxqsSnsClient,
  fauxqsSqsClient,
  startFauxqs,
} from '../helpers/fauxqs.ts';

const bucket = 'ics-lake-feed-handler-test';
// The module reads its configuration at import (cold start), as it does in Lambda.
process.env.LAKE_BUCKET = bucket;
process.env.CHANGE_TOPIC_ARN = 'arn:aws:sns:eu-west-2:000000000000:ics-lake-changes';
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const { createFeedHandler, handler } = await import('../../lambdas/feed.ts');

describe('feed handler', () => {
  let fauxqs: Fauxqs;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  let store: S3LakeStore;
  let queueUrl: string;
  let feed: ReturnType<typeof createFeedHandler>;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    s3 = fauxqsS3Client(fauxqs);
    sns = fauxqsSnsClient(fauxqs);
    sqs = fauxqsSqsClient(fauxqs);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3LakeStore({ client: s3, bucket, enforcesConditionalCreate: false });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ics-lake-changes' }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'subscriber' }));
    queueUrl = queue.QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    feed = createFeedHandler({
      store,
      notifier: new SnsNotifier({ client: sns, topicArn: TopicArn ?? '' }),
      definitions: [icsDefinition],
      baseUrl: 'https://data.example.org/',
    });
  });

  afterAll(async () => {
    for (const client of [s3, sns, sqs]) client?.destroy();
    await fauxqs?.stop();
  });

  it('is exported with the production adapters built at cold start', () => {
    expect(typeof handler).toBe('function');
  });

  it('writes the events of a newly published version to the S3 feed and publishes them to SNS', async () => {
    const asOf = '2021-04-01T00:00:00.000Z';
    await publishDataset(
      store,
      icsDefinition,
      [icsRow('QKS', { name: 'Kent and Medway', status: 'ics', designated_from: '2021-04-01' })],
      { asOf, createdAt: asOf, pipelineVersion: 'test', lineage: [] },
    );
    const outcome = await feed({ runId: '2021-04-01T063000Z' });
    expect(outcome.runId).toBe('2021-04-01T063000Z');
    expect(outcome.events).toBeGreaterThan(0);
    expect(outcome.notified).toBe(outcome.events);
    expect(await store.exists(FEED_INDEX_KEY)).toBe(true);

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const events = Messages.map((message) => ChangeEvent.parse(JSON.parse(message.Body ?? '')));
    expect(events).toHaveLength(outcome.events);
    expect(events.every((event) => event.dataschema.startsWith('https://data.example.org/'))).toBe(true);
  });

  it('announces nothing twice when rerun over the same lake', async () => {
    expect(await feed({ runId: 'rerun' })).toEqual({ runId: 'rerun', events: 0, notified: 0 });
  });

  it('rejects an event without a run id', async () => {
    await expect(feed({})).rejects.toThrow(/runId/);
  });

  it('emits NotificationsFailed when SNS refuses the events (no such topic), for the alarm', async () => {
    const asOf = '2021-05-01T00:00:00.000Z';
    await publishDataset(
      store,
      icsDefinition,
      [
        icsRow('QKS', { name: 'Kent and Medway', status: 'ics', designated_from: '2021-04-01' }),
        icsRow('QJK', { name: 'Devon', status: 'ics' }),
      ],
      { asOf, createdAt: asOf, pipelineVersion: 'test', lineage: [] },
    );
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).includes('"_aws"')) lines.push(String(chunk));
      else write(chunk);
      return true;
    });
    const failing = createFeedHandler({
      store,
      notifier: new SnsNotifier({ client: sns, topicArn: 'arn:aws:sns:eu-west-2:000000000000:missing' }),
      definitions: [icsDefinition],
      metrics: new Metrics({ namespace: 'IcsLake', serviceName: 'ics-lake' }),
    });
    const outcome = await failing({ runId: '2021-05-01T063000Z' });
    vi.restoreAllMocks();
    expect(outcome.notified).toBe(0);
    const record = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((r) => 'NotificationsFailed' in r);
    expect(record?.NotificationsFailed).toBeGreaterThan(0);
  });
});
