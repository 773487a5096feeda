import { z } from 'zod';
import { LakeDamagedError } from '../core/errors.ts';
import { sha256Hex } from '../lake/rows.ts';
import { getJson, getText, type LakeStore, parseJsonOrUndefined, putJson } from '../lake/store.ts';
import { parseControlFile } from '../lake/versions.ts';
import { ChangeEvent } from './events.ts';

/**
 * The feed's files in the lake.
 *
 * - Every event gets a sequence number (1, 2, 3...) in feed order; the cursor is the newest sequence number.
 * - `feed/events/<first sequence, 12 digits>.jsonl` pages hold at most `page_size` events, one CloudEvent per
 *   line, and are never rewritten once `feed/index.json` lists them. Each run writes its events as new pages
 *   starting at cursor + 1, so a run's last page may be partly filled; the next run starts a fresh page rather
 *   than appending to it. Page N's events have sequence numbers `first`, `first + 1`, ... in line order.
 * - `feed/index.json` is written last: it is the feed's commit point. A page not listed there (left by a run
 *   that crashed before writing the index) is ignored by readers and overwritten by the next run.
 */

export const FEED_INDEX_KEY = 'feed/index.json';
export const FEED_PAGES_PREFIX = 'feed/events/';
export const DEFAULT_PAGE_SIZE = 1000;
/** How many published versions atom.xml, feed.json and the index keep. */
export const RECENT_ENTRIES = 100;

export const FeedPage = z.object({
  key: z.string(),
  /** Sequence number of the page's first line. */
  first: z.number().int().positive(),
  /** Sequence number of the page's last line. */
  last: z.number().int().positive(),
  /** sha256 of the page's bytes, checked on every read (absent in indexes written before it was recorded). */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type FeedPage = z.infer<typeof FeedPage>;

export const FeedIndex = z.object({
  format: z.literal('ics-lake-feed/1'),
  /** Sequence number of the newest event; 0 when the feed is empty. Consumers resume from a cursor. */
  cursor: z.number().int().nonnegative(),
  /** Key of the newest page, or null when the feed is empty. */
  newest_page: z.string().nullable(),
  page_size: z.number().int().positive(),
  /** Every page, oldest first. */
  pages: z.array(FeedPage),
  /** Sequence number of the newest event handed to the notifier successfully. */
  notified_cursor: z.number().int().nonnegative(),
  /** The dataset versions whose events are in the feed, by dataset name (ascending). */
  versions: z.record(z.string(), z.array(z.number().int().positive())),
  /** The most recent `published` events (oldest first), from which atom.xml and feed.json are rendered. */
  recent: z.array(ChangeEvent),
});
export type FeedIndex = z.infer<typeof FeedIndex>;

/** One event in the feed with its position. */
export interface FeedRecord {
  sequence: number;
  /** Key of the page holding the event. */
  page: string;
  event: ChangeEvent;
}

/** An index for a feed with no events yet. */
export function emptyFeedIndex(pageSize = DEFAULT_PAGE_SIZE): FeedIndex {
  return {
    format: 'ics-lake-feed/1',
    cursor: 0,
    newest_page: null,
    page_size: pageSize,
    pages: [],
    notified_cursor: 0,
    versions: {},
    recent: [],
  };
}

/** The key of the page whose first event has this sequence number. */
export function pageKey(firstSequence: number): string {
  return `${FEED_PAGES_PREFIX}${String(firstSequence).padStart(12, '0')}.jsonl`;
}

/**
 * Read the feed index. When it is missing: an empty index if the feed has no pages yet, else one rebuilt from the
 * pages (see {@link rebuildFeedIndex}), so the pages already published are kept and never rewritten. A damaged
 * index is a LakeDamagedError naming the file.
 */
export async function readFeedIndex(store: LakeStore): Promise<FeedIndex> {
  const index = parseControlFile(store, FEED_INDEX_KEY, FeedIndex, await getJson(store, FEED_INDEX_KEY));
  if (index !== undefined) return index;
  return rebuildFeedIndex(store);
}

/**
 * The index implied by the pages under feed/events/: the contiguous chain of valid pages from sequence 1 (a page
 * after a gap or a damaged page is a crashed run's leftover and is left out). `versions` and `recent` come from
 * the events; `notified_cursor` is set to the cursor, because which events the notifier had taken is lost with
 * the index and resending the whole history would flood subscribers.
 */
export async function rebuildFeedIndex(store: LakeStore): Promise<FeedIndex> {
  const index = emptyFeedIndex();
  const keys = (await store.list(FEED_PAGES_PREFIX))
    .map(({ key }) => key)
    .filter((key) => /\/\d{12}\.jsonl$/.test(key));
  const versions = new Map<string, Set<number>>();
  for (const key of keys.sort()) {
    const first = Number(key.slice(FEED_PAGES_PREFIX.length, FEED_PAGES_PREFIX.length + 12));
    if (first !== index.cursor + 1) break;
    const bytes = await store.get(key);
    if (bytes === undefined) break;
    let events: ChangeEvent[];
    try {
      events = new TextDecoder()
        .decode(bytes)
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => ChangeEvent.parse(JSON.parse(line)));
    } catch {
      break;
    }
    if (events.length === 0) break;
    const page: FeedPage = { key, first, last: first + events.length - 1, sha256: sha256Hex(bytes) };
    index.pages.push(page);
    index.cursor = page.last;
    index.newest_page = key;
    for (const event of events) {
      const { dataset, version, op } = event.data;
      if (!versions.has(dataset)) versions.set(dataset, new Set());
      versions.get(dataset)?.add(version);
      if (op === 'published') index.recent.push(event);
    }
  }
  index.recent = index.recent.slice(-RECENT_ENTRIES);
  index.notified_cursor = index.cursor;
  index.versions = Object.fromEntries(
    [...versions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, set]) => [name, [...set].sort((a, b) => a - b)]),
  );
  return index;
}

/** Write the feed index: the last write of a feed update. */
export function writeFeedIndex(store: LakeStore, index: FeedIndex): Promise<void> {
  return putJson(store, FEED_INDEX_KEY, index);
}

/** Split events into pages of at most `pageSize`, numbered from `cursor + 1` (pure). */
export function planPages(
  cursor: number,
  events: readonly ChangeEvent[],
  pageSize: number,
): { page: FeedPage; events: ChangeEvent[] }[] {
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  const pages: { page: FeedPage; events: ChangeEvent[] }[] = [];
  for (let offset = 0; offset < events.length; offset += pageSize) {
    const chunk = events.slice(offset, offset + pageSize);
    const first = cursor + offset + 1;
    pages.push({ page: { key: pageKey(first), first, last: first + chunk.length - 1 }, events: chunk });
  }
  return pages;
}

/** The sha256 a page's rendered text will have (recorded in the index when the page is listed). */
export function pageHash(text: string): string {
  return sha256Hex(text);
}

/** Render a page: one compact JSON event per line. */
export function renderPage(events: readonly ChangeEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

/** Read one page's records, checking its hash (when the index has one) and every event against the contract. */
export async function readPage(store: LakeStore, page: FeedPage): Promise<FeedRecord[]> {
  const damaged = (what: string) =>
    new LakeDamagedError(
      `${store.location}/${page.key} ${what}`,
      page.key,
      'Repair: restore the page from a backup or S3 object version; feed pages are immutable and are never rewritten',
    );
  const bytes = await store.get(page.key);
  if (bytes === undefined) throw damaged(`is listed in ${FEED_INDEX_KEY} but does not exist`);
  if (page.sha256 !== undefined && sha256Hex(bytes) !== page.sha256)
    throw damaged(
      `does not match the sha256 recorded in ${FEED_INDEX_KEY} (expected ${page.sha256}, found ${sha256Hex(bytes)})`,
    );
  const lines = new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line.length > 0);
  if (lines.length !== page.last - page.first + 1)
    throw damaged(
      `holds ${lines.length} events, expected ${page.last - page.first + 1} (sequence ${page.first}..${page.last})`,
    );
  return lines.map((line, offset) => {
    const parsed = ChangeEvent.safeParse(parseJsonOrUndefined(line));
    if (!parsed.success) throw damaged(`line ${offset + 1} is not a valid change event`);
    return { sequence: page.first + offset, page: page.key, event: parsed.data };
  });
}

/** Write `text` only when the object is missing or differs, so re-runs change nothing. */
export async function putTextIfChanged(
  store: LakeStore,
  key: string,
  text: string,
  contentType: string,
): Promise<boolean> {
  if ((await getText(store, key)) === text) return false;
  await store.put(key, text, { contentType });
  return true;
}
