import {
  type MessageAttributeValue,
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  SNSClient,
} from '@aws-sdk/client-sns';
import { describeError } from '../core/errors.ts';
import type { LakeStore } from '../lake/store.ts';
import type { ChangeEvent } from './events.ts';
import { type FeedRecord, readFeedIndex, writeFeedIndex } from './feed-files.ts';
import { readEvents } from './read.ts';

/** The outcome of a publish: events accepted by the channel, and events given up on. */
export interface NotifyResult {
  sent: number;
  failed: number;
  /** Feed sequence numbers of the failed events, ascending. */
  failedSequences: number[];
}

/** Where change events are announced beyond the feed files. */
export interface Notifier {
  /** Publish feed records (events with their feed page, for size-limit pointers). */
  publish(records: readonly FeedRecord[]): Promise<NotifyResult>;
}

/** The default: the feed files are the only channel, so there is nothing more to send. */
export const filesOnlyNotifier: Notifier = {
  publish: async (records) => ({ sent: records.length, failed: 0, failedSequences: [] }),
};

/** A parsed `--notify` target. */
export type NotifyTarget = { kind: 'files' } | { kind: 'sns'; topicArn: string };

/** Parse `--notify`: `files` (default) or `sns:<topic-arn>`. */
export function parseNotifyTarget(value: string | undefined): NotifyTarget {
  if (value === undefined || value === '' || value === 'files') return { kind: 'files' };
  if (value.startsWith('sns:')) {
    const topicArn = value.slice('sns:'.length);
    if (/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topicArn))
      return { kind: 'sns', topicArn };
    throw new RangeError(
      `--notify: expected sns:arn:aws:sns:<region>:<account>:<topic>, got ${JSON.stringify(value)}`,
    );
  }
  throw new RangeError(`--notify: expected "files" or "sns:<topic-arn>", got ${JSON.stringify(value)}`);
}

/** How to build the notifier for a `--notify` target. */
export interface CreateNotifierOptions {
  /** An SNS-compatible endpoint (e.g. fauxqs on loopback); the real service when absent. */
  endpoint?: string;
  /** Credentials for an emulator; the SDK's default provider chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** A ready client (Lambda handlers create theirs once); overrides endpoint and credentials. */
  client?: SNSClient;
  log?: (line: string) => void;
}

/** The notifier for a parsed target: files only, or SNS in the topic's own region. */
export function createNotifier(target: NotifyTarget, options: CreateNotifierOptions = {}): Notifier {
  if (target.kind === 'files') return filesOnlyNotifier;
  const region = target.topicArn.split(':')[3];
  const client =
    options.client ??
    new SNSClient({
      ...(region === undefined ? {} : { region }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
  return new SnsNotifier({
    client,
    topicArn: target.topicArn,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

/** SNS's limit for one message, and for the sum of a PublishBatch's messages (both 256 KiB). */
export const SNS_MAX_BYTES = 262_144;
const SNS_MAX_BATCH_ENTRIES = 10;

/** Throttling and server-side error codes worth retrying. */
const RETRYABLE_CODES = new Set([
  'Throttled',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'KMSThrottling',
]);

/** The SNS message attributes of an event, for subscription filter policies (absent values are omitted). */
export function messageAttributes(event: ChangeEvent): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') attributes[name] = { DataType: 'String', StringValue: value };
  };
  set('dataset', event.data.dataset);
  set('type', event.type);
  set('op', event.data.op);
  set('ics_code', event.icscode);
  set('region_code', event.regioncode);
  return attributes;
}

function attributesBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/**
 * The message body for an event: the full CloudEvent, or, when that would exceed the limit, the event without
 * its row data and with a CloudEvents `dataref` pointing at the feed page line holding the full event.
 */
export function messageBody(record: FeedRecord, maxBytes = SNS_MAX_BYTES): string {
  const full = JSON.stringify(record.event);
  const attributes = attributesBytes(messageAttributes(record.event));
  if (Buffer.byteLength(full) + attributes <= maxBytes) return full;
  const { summary: _summary, ...data } = record.event.data;
  const pointer: ChangeEvent = {
    ...record.event,
    dataref: `${record.page}#${record.event.id}`,
    data: { ...data, before: null, after: null },
  };
  return JSON.stringify(pointer);
}

/** Injected timing, so tests run retries without waiting. */
export interface RetryTiming {
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1). */
  random?: () => number;
  /** Attempts per batch, including the first (default 6). */
  maxAttempts?: number;
  /** Backoff base and cap in milliseconds (defaults 100 and 5000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata, $retryable } = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (name !== undefined && RETRYABLE_CODES.has(name)) return true;
  if ($retryable !== undefined) return true;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && (status === 429 || status >= 500);
}

/** Pack entries greedily into batches of at most 10 entries and `maxBytes` in total. */
function packBatches(
  entries: readonly { entry: PublishBatchRequestEntry; bytes: number }[],
  maxBytes: number,
) {
  const batches: { entry: PublishBatchRequestEntry; bytes: number }[][] = [];
  let current: { entry: PublishBatchRequestEntry; bytes: number }[] = [];
  let currentBytes = 0;
  for (const item of entries) {
    if (
      current.length === SNS_MAX_BATCH_ENTRIES ||
      (current.length > 0 && currentBytes + item.bytes > maxBytes)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Options of the SNS notifier. */
export interface SnsNotifierOptions extends RetryTiming {
  client: SNSClient;
  topicArn: string;
  /** Message size limit (default 256 KiB); lowered in tests to exercise the pointer. */
  maxMessageBytes?: number;
  /** Called with one line per retry or failure, for the run log. */
  log?: (line: string) => void;
}

/**
 * Publishes each event to an SNS standard topic with PublishBatch (at-least-once: subscribers deduplicate on
 * the CloudEvents `id`). Throttling and 5xx errors, whole-call or per entry, are retried with exponential
 * backoff and full jitter; entries that still fail are reported, not thrown.
 */
export class SnsNotifier implements Notifier {
  constructor(private readonly options: SnsNotifierOptions) {}

  async publish(records: readonly FeedRecord[]): Promise<NotifyResult> {
    const maxBytes = this.options.maxMessageBytes ?? SNS_MAX_BYTES;
    const sequenceOf = new Map<string, number>();
    const entries = records.map((record, position) => {
      const id = `e${position}`;
      sequenceOf.set(id, record.sequence);
      const attributes = messageAttributes(record.event);
      const message = messageBody(record, maxBytes);
      return {
        entry: { Id: id, Message: message, MessageAttributes: attributes },
        bytes: Buffer.byteLength(message) + attributesBytes(attributes),
      };
    });
    let sent = 0;
    const failedSequences: number[] = [];
    const batches = packBatches(entries, maxBytes);
    for (const [position, batch] of batches.entries()) {
      const outcome = await this.sendWithRetries(batch.map(({ entry }) => entry));
      sent += outcome.sent;
      for (const id of outcome.failedIds) failedSequences.push(sequenceOf.get(id) ?? -1);
      if (outcome.fatal) {
        // The whole call was refused (no such topic, no permission): every later batch would be too.
        const rest = batches.slice(position + 1).flat();
        for (const { entry } of rest) failedSequences.push(sequenceOf.get(entry.Id ?? '') ?? -1);
        if (rest.length > 0) this.options.log?.(`sns: ${rest.length} further events not attempted`);
        break;
      }
    }
    failedSequences.sort((a, b) => a - b);
    return { sent, failed: failedSequences.length, failedSequences };
  }

  private async sendWithRetries(
    batch: PublishBatchRequestEntry[],
  ): Promise<{ sent: number; failedIds: string[]; fatal?: boolean }> {
    const sleep =
      this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = this.options.random ?? Math.random;
    const maxAttempts = this.options.maxAttempts ?? 6;
    const base = this.options.baseDelayMs ?? 100;
    const cap = this.options.maxDelayMs ?? 5000;
    let pending = batch;
    let sent = 0;
    const failedIds: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let retry: PublishBatchRequestEntry[] = [];
      try {
        const response = await this.options.client.send(
          new PublishBatchCommand({ TopicArn: this.options.topicArn, PublishBatchRequestEntries: pending }),
        );
        sent += response.Successful?.length ?? 0;
        for (const failure of response.Failed ?? []) {
          const entry = pending.find((candidate) => candidate.Id === failure.Id);
          if (entry === undefined) continue;
          if (failure.SenderFault !== true || RETRYABLE_CODES.has(failure.Code ?? '')) retry.push(entry);
          else {
            failedIds.push(entry.Id ?? '');
            this.options.log?.(`sns: event ${entry.Id} refused: ${failure.Code}: ${failure.Message ?? ''}`);
          }
        }
      } catch (error) {
        if (!isRetryableError(error)) {
          this.options.log?.(`sns: PublishBatch to ${this.options.topicArn} failed: ${describeError(error)}`);
          return {
            sent,
            failedIds: [...failedIds, ...pending.map((entry) => entry.Id ?? '')],
            fatal: true,
          };
        }
        retry = pending;
      }
      if (retry.length > 0 && attempt >= maxAttempts) {
        this.options.log?.(`sns: giving up on ${retry.length} events after ${attempt} attempts`);
        return { sent, failedIds: [...failedIds, ...retry.map((entry) => entry.Id ?? '')] };
      }
      if (retry.length > 0) {
        const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
        this.options.log?.(`sns: retrying ${retry.length} events in ${delay} ms (attempt ${attempt + 1})`);
        await sleep(delay);
      }
      pending = retry;
    }
    return { sent, failedIds };
  }
}

/**
 * Hand every feed event not yet notified to the notifier, then advance `notified_cursor` in the index up to the
 * first failure. Events after a failure are sent again next time (at-least-once), so none is lost.
 */
export async function notifyPending(
  store: LakeStore,
  notifier: Notifier,
): Promise<NotifyResult & { cursor: number }> {
  const index = await readFeedIndex(store);
  if (index.notified_cursor >= index.cursor)
    return { sent: 0, failed: 0, failedSequences: [], cursor: index.notified_cursor };
  const records: FeedRecord[] = [];
  for await (const record of readEvents(store, { since: index.notified_cursor })) records.push(record);
  const result = await notifier.publish(records);
  const firstFailure = result.failedSequences[0];
  const cursor = firstFailure === undefined ? index.cursor : firstFailure - 1;
  if (cursor > index.notified_cursor)
    await writeFeedIndex(store, { ...(await readFeedIndex(store)), notified_cursor: cursor });
  return { ...result, cursor };
}
