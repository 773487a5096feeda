import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fauxqs, fauxqsS3Client, fauxqsSnsClient, fauxqsSqsClient, startFauxqs } from './fauxqs.ts';

describe('fauxqs test helper', () => {
  let fauxqs: Fauxqs;
  beforeAll(async () => {
    fauxqs = await startFauxqs();
  });
  afterAll(async () => {
    await fauxqs.stop();
  });

  it('listens on loopback only', () => {
    expect(fauxqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves S3 objects through the SDK client', async () => {
    const s3 = fauxqsS3Client(fauxqs);
    await s3.send(new CreateBucketCommand({ Bucket: 'helper-check' }));
    await s3.send(new PutObjectCommand({ Bucket: 'helper-check', Key: 'a/b.txt', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'helper-check', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });

  it('delivers an SNS message to a subscribed SQS queue', async () => {
    const sns = fauxqsSnsClient(fauxqs);
    const sqs = fauxqsSqsClient(fauxqs);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'helper-topic' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'helper-queue' }));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn, Message: 'ping' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.[0]?.Body).toBe('ping');
  });
});
