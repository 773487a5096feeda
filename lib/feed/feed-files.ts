import { z } from 'zod';
import { getText, type LakeStore, putJson } from '../lake/store.ts';
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

/** Read the feed index, or an empty one when the feed does not exist yet. */
export async function readFeedIndex(store: LakeStore): Promise<FeedIndex> {
  const text = await getText(store, FEED_INDEX_KEY);
  if (text === undefined) return emptyFeedIndex();
  const parsed = FeedIndex.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${store.location}/${FEED_INDEX_KEY}: expected a feed index, found: ${parsed.error.message}`,
    );
  }
  return parsed.data;
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

/** Render a page: one compact JSON event per line. */
export function renderPage(events: readonly ChangeEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

/** Read one page's records, validating every event against the contract. */
export async function readPage(store: LakeStore, page: FeedPage): Promise<FeedRecord[]> {
  const text = await getText(store, page.key);
  if (text === undefined)
    throw new Error(`${store.location}/${FEED_INDEX_KEY} lists ${page.key}, which does not exist`);
  const lines = text.split('\n').filter((line) => line.length > 0);
  if (lines.length !== page.last - page.first + 1) {
    throw new Error(
      `${store.location}/${page.key}: expected ${page.last - page.first + 1} events (sequence ${page.first}..${page.last}), found ${lines.length}`,
    );
  }
  return lines.map((line, offset) => ({
    sequence: page.first + offset,
    page: page.key,
    event: ChangeEvent.parse(JSON.parse(line)),
  }));
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
