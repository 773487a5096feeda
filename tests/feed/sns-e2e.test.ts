import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDefinition } from '../../lib/core/dataset.ts';
import { ChangeEvent } from '../../lib/feed/events.ts';
import { createNotifier, notifyPending, parseNotifyTarget, SnsNotifier } from '../../lib/feed/notify.ts';
import { type FeedStageResult, runFeedStage, syncFeed } from '../../lib/feed/publish-feed.ts';
import { readEvents } from '../../lib/feed/read.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { type Fauxqs, fauxqsSnsClient, fauxqsSqsClient, startFauxqs } from '../helpers/fauxqs.ts';
import { coverageDefinition, icsDefinition, icsRow, populationBySexAgeDefinition } from './definitions.ts';

const definitions: DatasetDefinition[] = [icsDefinition, coverageDefinition];

/** Two replayed snapshots: before and after a designation wave (Midlands is Y60). */
const snapshots = [
  {
    asOf: '2020-04-01T00:00:00.000Z',
    ics: [
      icsRow('QHL', { name: 'Birmingham and Solihull', status: 'stp' }),
      icsRow('QJ2', { name: 'Derbyshire', status: 'ics', designated_from: '2020-04-01' }),
      icsRow('QKS', { name: 'Kent and Medway', region_code: 'Y59', status: 'stp' }),
    ],
    coverage: [{ date: '2020-04-01', ics_count: 18, coverage_pct: 69 }],
  },
  {
    asOf: '2021-04-01T00:00:00.000Z',
    ics: [
      icsRow('QHL', { name: 'Birmingham and Solihull', status: 'ics', designated_from: '2021-04-01' }),
      icsRow('QJ2', { name: 'Joined Up Care Derbyshire', status: 'ics', designated_from: '2020-04-01' }),
      icsRow('QKS', {
        name: 'Kent and Medway',
        region_code: 'Y59',
        status: 'ics',
        designated_from: '2021-04-01',
      }),
    ],
    coverage: [
      { date: '2020-04-01', ics_count: 18, coverage_pct: 69 },
      { date: '2021-04-01', ics_count: 42, coverage_pct: 100 },
    ],
  },
];

let fauxqs: Fauxqs;
beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  await fauxqs?.stop();
});

async function subscribedQueue(sqs: SQSClient, topicArn: string, name: string, filterPolicy: object) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error('no queue url');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await fauxqsSnsClient(fauxqs).send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(filterPolicy) },
    }),
  );
  return QueueUrl;
}

async function drain(sqs: SQSClient, queueUrl: string): Promise<ChangeEvent[]> {
  const events: ChangeEvent[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return events;
    for (const message of Messages) events.push(ChangeEvent.parse(JSON.parse(message.Body ?? '')));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

describe('SNS notification end to end (fauxqs on loopback)', () => {
  it('delivers to each filtered subscription exactly the events its policy selects', async () => {
    const sns = fauxqsSnsClient(fauxqs);
    const sqs = fauxqsSqsClient(fauxqs);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ics-lake-changes' }));
    if (TopicArn === undefined) throw new Error('no topic arn');
    const designations = await subscribedQueue(sqs, TopicArn, 'designations', {
      type: ['uk.nhs.ics.ics.designated', 'uk.nhs.ics.ics.statutory'],
    });
    const midlands = await subscribedQueue(sqs, TopicArn, 'midlands', { region_code: ['Y60'] });

    const store = new MemoryLakeStore();
    const notifier = createNotifier(parseNotifyTarget(`sns:${TopicArn}`), {
      endpoint: fauxqs.endpoint,
      credentials: fauxqs.credentials,
    });
    const outcomes: FeedStageResult[] = [];
    for (const snapshot of snapshots) {
      const options = { asOf: snapshot.asOf, createdAt: snapshot.asOf, pipelineVersion: 'test', lineage: [] };
      await publishDataset(store, icsDefinition, snapshot.ics, options);
      await publishDataset(store, coverageDefinition, snapshot.coverage, options);
      outcomes.push(await runFeedStage(store, definitions, notifier));
    }
    expect(outcomes).toEqual([
      { events: 6, notified: 6, failed: 0 },
      { events: 6, notified: 6, failed: 0 },
    ]);
    // A replay of the same run announces nothing new.
    expect(await runFeedStage(store, definitions, notifier)).toEqual({ events: 0, notified: 0, failed: 0 });

    const feed: ChangeEvent[] = [];
    for await (const record of readEvents(store)) feed.push(record.event);
    expect(feed.length).toBe(3 + 1 + 1 + 1 + 3 + 1 + 1 + 1);

    const designated = await drain(sqs, designations);
    expect(designated.map((event) => `${event.type} ${event.subject}`).sort()).toEqual([
      'uk.nhs.ics.ics.designated QHL',
      'uk.nhs.ics.ics.designated QKS',
    ]);
    const inMidlands = await drain(sqs, midlands);
    expect(inMidlands.map((event) => `${event.type} ${event.subject} v${event.data.version}`).sort()).toEqual(
      [
        'uk.nhs.ics.ics.created QHL v1',
        'uk.nhs.ics.ics.created QJ2 v1',
        'uk.nhs.ics.ics.designated QHL v2',
        'uk.nhs.ics.ics.renamed QJ2 v2',
      ],
    );
    // Bodies are the feed's events, byte for byte in meaning: same ids, same data.
    const byId = new Map(feed.map((event) => [event.id, event]));
    for (const event of [...designated, ...inMidlands]) expect(event).toEqual(byId.get(event.id));
  });

  it('delivers an event too large for one message as a valid CloudEvent pointing at its feed page', async () => {
    const sns = fauxqsSnsClient(fauxqs);
    const sqs = fauxqsSqsClient(fauxqs);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ics-lake-big' }));
    if (TopicArn === undefined) throw new Error('no topic arn');
    const everything = await subscribedQueue(sqs, TopicArn, 'everything', { dataset: ['ics'] });
    const store = new MemoryLakeStore();
    const hugeName = 'Integrated Care System '.repeat(200);
    const options = {
      asOf: '2021-04-01T00:00:00.000Z',
      createdAt: '2021-04-01T00:00:00.000Z',
      pipelineVersion: 'test',
      lineage: [],
    };
    await publishDataset(store, icsDefinition, [icsRow('QE1', { name: hugeName })], options);
    await syncFeed(store, [icsDefinition]);
    const notifier = new SnsNotifier({ client: sns, topicArn: TopicArn, maxMessageBytes: 2048 });
    expect((await notifyPending(store, notifier)).sent).toBe(2);
    const [created, published] = await drain(sqs, everything);
    expect(created?.dataref).toBe(`feed/events/000000000001.jsonl#${created?.id}`);
    expect(created?.data.after).toBeNull();
    expect(published?.type).toBe('uk.nhs.ics.dataset.published');
    expect(published?.dataref).toBeUndefined();
    const pointed: ChangeEvent[] = [];
    for await (const record of readEvents(store)) {
      if (`${record.page}#${record.event.id}` === created?.dataref) pointed.push(record.event);
    }
    expect(pointed.map((event) => event.data.after?.name)).toEqual([hugeName]);
  });

  it('routes the per-ICS population events by type and region: a GP month reaches a region in one message per ICS', async () => {
    const sns = fauxqsSnsClient(fauxqs);
    const sqs = fauxqsSqsClient(fauxqs);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ics-lake-population' }));
    if (TopicArn === undefined) throw new Error('no topic arn');
    const northWest = await subscribedQueue(sqs, TopicArn, 'population-north-west', {
      type: ['uk.nhs.ics.population.changed'],
      region_code: ['Y62'],
    });
    const store = new MemoryLakeStore();
    const ics = [icsRow('QE1', { region_code: 'Y62' }), icsRow('QOP', { region_code: 'Y62' }), icsRow('QKS')];
    const month = (date: string) =>
      ics.flatMap(({ ics_code }) =>
        ['FEMALE', 'MALE'].flatMap((sex) =>
          Array.from({ length: 90 }, (_, age) => ({
            ics_code,
            reference_date: date,
            measure: 'registered_patients',
            sex,
            age_band: String(age),
            basis: 'as_published',
            value: 100 + age,
            source_url: 'https://files.digital.nhs.uk/gp.csv',
          })),
        ),
      );
    const options = (asOf: string) => ({ asOf, createdAt: asOf, pipelineVersion: 'test', lineage: [] });
    await publishDataset(store, icsDefinition, ics, options('2020-06-15T12:00:00.000Z'));
    await publishDataset(
      store,
      populationBySexAgeDefinition,
      month('2020-05-01'),
      options('2020-06-15T12:00:00.000Z'),
    );
    await publishDataset(
      store,
      populationBySexAgeDefinition,
      [...month('2020-05-01'), ...month('2020-12-01')],
      options('2020-12-14T12:00:00.000Z'),
    );
    const notifier = new SnsNotifier({ client: sns, topicArn: TopicArn });
    const outcome = await runFeedStage(store, [icsDefinition, populationBySexAgeDefinition], notifier);
    // 3 ics rows + published; 3 ICSs + published for each of the two population versions (540 rows each).
    expect(outcome).toEqual({ events: 12, notified: 12, failed: 0 });
    const received = await drain(sqs, northWest);
    expect(
      received.map((event) => `${event.subject} v${event.data.version} ${event.data.op}`).sort(),
    ).toEqual(['QE1 v1 created', 'QE1 v2 updated', 'QOP v1 created', 'QOP v2 updated']);
  });
});
