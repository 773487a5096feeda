import { parseInstant } from '../core/instant.ts';
import type { LakeStore } from '../lake/store.ts';
import { type FeedPage, type FeedRecord, readFeedIndex, readPage } from './feed-files.ts';

/** Which events to read. */
export interface ReadEventsOptions {
  /**
   * Where to start: a cursor (a sequence number; events strictly after it) or an ISO date/time
   * (events whose `time` is at or after it).
   */
  since?: number | string;
  /** Only events of this dataset. */
  dataset?: string;
  /** Only events of this type; a trailing `*` matches a prefix (e.g. `uk.nhs.ics.ics.*`). */
  type?: string;
}

/** A parsed `since`: a cursor or an instant. */
export type Since = { cursor: number } | { time: number };

/** Parse `--since`: digits are a cursor, anything else must be a date or date-time. */
export function parseSince(since: number | string | undefined): Since {
  if (since === undefined) return { cursor: 0 };
  if (typeof since === 'number' || /^\d+$/.test(since)) {
    const cursor = Number(since);
    if (!Number.isSafeInteger(cursor) || cursor < 0)
      throw new RangeError(`--since: expected a cursor >= 0, got ${since}`);
    return { cursor };
  }
  try {
    return { time: parseInstant(since, '--since').getTime() };
  } catch {
    throw new RangeError(
      `--since: expected a cursor (e.g. 1200) or an ISO date (e.g. 2021-04-01, or 2021-04-01T12:30 in UTC), got ${JSON.stringify(since)}`,
    );
  }
}

function typeMatches(pattern: string | undefined, type: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** Whether a record passes the filters (the `since` part included). */
export function recordMatches(record: FeedRecord, since: Since, options: ReadEventsOptions): boolean {
  if ('cursor' in since ? record.sequence <= since.cursor : Date.parse(record.event.time) < since.time)
    return false;
  if (options.dataset !== undefined && record.event.data.dataset !== options.dataset) return false;
  return typeMatches(options.type, record.event.type);
}

async function* recordsAfter(
  store: LakeStore,
  pages: readonly FeedPage[],
  afterSequence: number,
  since: Since,
  options: ReadEventsOptions,
): AsyncGenerator<FeedRecord> {
  for (const page of pages) {
    if (page.last <= afterSequence) continue;
    if ('cursor' in since && page.last <= since.cursor) continue;
    for (const record of await readPage(store, page)) {
      if (record.sequence > afterSequence && recordMatches(record, since, options)) yield record;
    }
  }
}

/** The feed's events in order, filtered; reads only the pages that can hold matching events. */
export async function* readEvents(
  store: LakeStore,
  options: ReadEventsOptions = {},
): AsyncGenerator<FeedRecord> {
  const index = await readFeedIndex(store);
  yield* recordsAfter(store, index.pages, 0, parseSince(options.since), options);
}

/** How `followEvents` waits between polls. */
export interface FollowOptions extends ReadEventsOptions {
  intervalMs: number;
  /** Stops following (after the current poll) when aborted. */
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Read the events so far, then poll `feed/index.json` and yield new events as they arrive, until aborted. */
export async function* followEvents(store: LakeStore, options: FollowOptions): AsyncGenerator<FeedRecord> {
  const sleep = options.sleep ?? abortableSleep;
  const since = parseSince(options.since);
  let seen = 0;
  while (!options.signal.aborted) {
    const index = await readFeedIndex(store);
    if (index.cursor > seen) {
      yield* recordsAfter(store, index.pages, seen, since, options);
      seen = index.cursor;
    }
    await sleep(options.intervalMs, options.signal);
  }
}
