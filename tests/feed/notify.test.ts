import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffByKey } from '../../lib/feed/diff.ts';
import { ChangeEvent, rowChangeEvent } from '../../lib/feed/events.ts';
import { type FeedRecord, readFeedIndex } from '../../lib/feed/feed-files.ts';
import {
  filesOnlyNotifier,
  messageAttributes,
  messageBody,
  type Notifier,
  notifyPending,
  parseNotifyTarget,
  SnsNotifier,
} from '../../lib/feed/notify.ts';
import { writeFeedForVersions } from '../../lib/feed/publish-feed.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { commitVersion, icsDefinition, icsRow } from './definitions.ts';

const TOPIC = 'arn:aws:sns:eu-west-2:000000000000:ics-changes';

function records(count: number, nameLength = 10): FeedRecord[] {
  const after = Array.from({ length: count }, (_, i) =>
    icsRow(`Q${String(i).padStart(2, '0')}`, {
      name: 'n'.repeat(nameLength),
      region_code: i % 2 === 0 ? 'Y60' : 'Y56',
    }),
  );
  return diffByKey(icsDefinition, [], after).map((change, i) => ({
    sequence: i + 1,
    page: 'feed/events/000000000001.jsonl',
    event: rowChangeEvent(icsDefinition, 1, '2021-04-01T00:00:00Z', change),
  }));
}

/** What the stand-in SNS should answer to the next PublishBatch calls, in order (then success). */
type Reply = 'throttle-call' | 'server-error' | 'fail-first-entry-throttled' | 'fail-first-entry-invalid';

/** A local HTTP server speaking the SNS query protocol for PublishBatch, answering scripted failures first. */
class FakeSns {
  readonly calls: { ids: string[]; bytes: number }[] = [];
  replies: Reply[] = [];
  private server: Server | undefined;
  endpoint = '';

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const ids: string[] = [];
        let bytes = 0;
        for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n += 1) {
          ids.push(form.get(`PublishBatchRequestEntries.member.${n}.Id`) ?? '');
          bytes += Buffer.byteLength(form.get(`PublishBatchRequestEntries.member.${n}.Message`) ?? '');
        }
        this.calls.push({ ids, bytes });
        const reply = this.replies.shift();
        response.setHeader('content-type', 'text/xml');
        if (reply === 'throttle-call' || reply === 'server-error') {
          response.statusCode = reply === 'throttle-call' ? 400 : 503;
          const code = reply === 'throttle-call' ? 'Throttling' : 'ServiceUnavailable';
          response.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>slow down</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
          return;
        }
        const failed = reply?.startsWith('fail-first-entry') ? ids.slice(0, 1) : [];
        const code = reply === 'fail-first-entry-invalid' ? 'InvalidParameter' : 'Throttled';
        const sender = reply === 'fail-first-entry-invalid';
        const member = (id: string) => `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`;
        const failure = (id: string) =>
          `<member><Id>${id}</Id><Code>${code}</Code><SenderFault>${sender}</SenderFault><Message>x</Message></member>`;
        response.end(
          `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${ids
            .filter((id) => !failed.includes(id))
            .map(member)
            .join(
              '',
            )}</Successful><Failed>${failed.map(failure).join('')}</Failed></PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>`,
        );
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

const sns = new FakeSns();
beforeAll(() => sns.start());
afterAll(() => sns.stop());

function notifier(options: { maxMessageBytes?: number; maxAttempts?: number } = {}) {
  const sleeps: number[] = [];
  const client = new SNSClient({
    endpoint: sns.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // One SDK attempt per call, so the notifier's own retry loop is what is under test.
    maxAttempts: 1,
  });
  const instance = new SnsNotifier({
    client,
    topicArn: TOPIC,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { instance, sleeps };
}

describe('SnsNotifier', () => {
  it('publishes in batches of at most 10 entries', async () => {
    sns.calls.length = 0;
    const { instance } = notifier();
    expect(await instance.publish(records(23))).toEqual({ sent: 23, failed: 0, failedSequences: [] });
    expect(sns.calls.map((call) => call.ids.length)).toEqual([10, 10, 3]);
  });

  it('keeps each batch under the byte limit', async () => {
    sns.calls.length = 0;
    const { instance } = notifier({ maxMessageBytes: 4000 });
    const result = await instance.publish(records(6, 1500));
    expect(result.sent).toBe(6);
    expect(sns.calls.length).toBeGreaterThan(1);
    for (const call of sns.calls) expect(call.bytes).toBeLessThanOrEqual(4000);
  });

  it('retries a throttled call and a throttled entry with full-jitter exponential backoff', async () => {
    sns.calls.length = 0;
    sns.replies = ['throttle-call', 'server-error', 'fail-first-entry-throttled'];
    const { instance, sleeps } = notifier();
    expect(await instance.publish(records(3))).toEqual({ sent: 3, failed: 0, failedSequences: [] });
    expect(sns.calls.map((call) => call.ids)).toEqual([
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
      ['e0'],
    ]);
    // random() = 0.5 of min(cap, 100 * 2^(attempt - 1)).
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('reports entries refused for a sender fault, and gives up after the last attempt', async () => {
    sns.replies = ['fail-first-entry-invalid'];
    expect(await notifier().instance.publish(records(2))).toEqual({
      sent: 1,
      failed: 1,
      failedSequences: [1],
    });
    sns.replies = ['throttle-call', 'throttle-call', 'throttle-call'];
    expect(await notifier({ maxAttempts: 3 }).instance.publish(records(2))).toEqual({
      sent: 0,
      failed: 2,
      failedSequences: [1, 2],
    });
    sns.replies = [];
  });

  it('sends an oversized event as a pointer to its feed page line (CloudEvents dataref)', async () => {
    const [big] = records(1, 5000);
    if (big === undefined) throw new Error('no record');
    const body = ChangeEvent.parse(JSON.parse(messageBody(big, 2000)));
    expect(body.dataref).toBe(`feed/events/000000000001.jsonl#${big.event.id}`);
    expect(body.data.before).toBeNull();
    expect(body.data.after).toBeNull();
    expect(body.id).toBe(big.event.id);
    expect(JSON.parse(messageBody(big))).toEqual(big.event);
  });

  it('sets the filterable message attributes and omits absent ones', () => {
    const [record] = records(1);
    if (record === undefined) throw new Error('no record');
    expect(messageAttributes(record.event)).toEqual({
      dataset: { DataType: 'String', StringValue: 'ics' },
      type: { DataType: 'String', StringValue: 'uk.nhs.ics.ics.created' },
      op: { DataType: 'String', StringValue: 'created' },
      ics_code: { DataType: 'String', StringValue: 'Q00' },
      region_code: { DataType: 'String', StringValue: 'Y60' },
    });
    const { icscode: _i, regioncode: _r, ...anonymous } = record.event;
    expect(Object.keys(messageAttributes(anonymous as ChangeEvent))).toEqual(['dataset', 'type', 'op']);
  });
});

describe('parseNotifyTarget', () => {
  it('accepts files and sns:<topic-arn>, and refuses anything else', () => {
    expect(parseNotifyTarget(undefined)).toEqual({ kind: 'files' });
    expect(parseNotifyTarget(`sns:${TOPIC}`)).toEqual({ kind: 'sns', topicArn: TOPIC });
    expect(() => parseNotifyTarget('sns:not-an-arn')).toThrow(/expected sns:arn:aws:sns/);
    expect(() => parseNotifyTarget('http://example.org')).toThrow(/"files" or "sns:<topic-arn>"/);
  });
});

describe('notifyPending', () => {
  it('notifies each feed event once, and re-sends from the first failure on the next run', async () => {
    const store = new MemoryLakeStore();
    const rows = [icsRow('QE1'), icsRow('QHG')];
    const manifestKey = await commitVersion(store, 'ics', 1, '2021-04-01T00:00:00Z', rows);
    await writeFeedForVersions(store, [
      {
        definition: icsDefinition,
        version: 1,
        asOf: '2021-04-01T00:00:00Z',
        previousRows: [],
        rows,
        manifestKey,
      },
    ]);
    const seen: number[][] = [];
    let failNext = true;
    const flaky: Notifier = {
      publish: async (batch) => {
        seen.push(batch.map((record) => record.sequence));
        const failedSequences = failNext ? [2] : [];
        failNext = false;
        return {
          sent: batch.length - failedSequences.length,
          failed: failedSequences.length,
          failedSequences,
        };
      },
    };
    expect((await notifyPending(store, flaky)).cursor).toBe(1);
    expect((await notifyPending(store, flaky)).cursor).toBe(3);
    expect(await notifyPending(store, flaky)).toMatchObject({ sent: 0, cursor: 3 });
    expect(seen).toEqual([
      [1, 2, 3],
      [2, 3],
    ]);
    expect((await readFeedIndex(store)).notified_cursor).toBe(3);
    expect(await filesOnlyNotifier.publish([])).toEqual({ sent: 0, failed: 0, failedSequences: [] });
  });
});
