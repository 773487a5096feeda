import { Feed } from 'feed';
import type { ChangeEvent } from './events.ts';

/**
 * atom.xml and feed.json: one entry per published dataset version, newest first, rendered from the
 * `published` events kept in the feed index. Output depends only on those events, never on the clock.
 */

export const ATOM_KEY = 'feed/atom.xml';
export const JSON_FEED_KEY = 'feed/feed.json';

const FEED_TITLE = "ics-lake: changes to England's Integrated Care Systems open data";
const FEED_DESCRIPTION =
  'One entry per published dataset version: what changed (designations, statutory ICBs, names, codes, coverage) with links to the files.';

/**
 * Links are written relative to the feed folder unless a public base URL is given. The `feed` package insists on
 * absolute URLs, so a reserved placeholder origin stands in and is rewritten to `../` afterwards.
 */
const PLACEHOLDER_BASE = 'https://ics-lake.invalid/';

/** Options for rendering the syndication feeds. */
export interface SyndicationOptions {
  /** The lake's public base URL; links are relative (`../datasets/...`) when absent. */
  baseUrl?: string;
}

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An http(s) URL in normalised form, or undefined for anything else (javascript:, data:, relative, garbage). */
export function safeHttpUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function mimeType(key: string): string | undefined {
  if (key.endsWith('.csv')) return 'text/csv';
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.jsonl')) return 'application/jsonl';
  if (key.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  return undefined;
}

/** One syndication entry, derived from a `published` event. */
interface Entry {
  id: string;
  title: string;
  summary: string;
  /** Lake key of the manifest (the entry's main link). */
  manifest: string;
  files: string[];
  sources: string[];
  date: Date;
  dataset: string;
}

function toEntry(event: ChangeEvent): Entry | undefined {
  const summary = event.data.summary;
  if (event.data.op !== 'published' || summary === undefined) return undefined;
  return {
    id: `urn:ics-lake:event:${event.id}`,
    title: `${event.data.dataset} v${event.data.version}: ${summary.text}`,
    summary: summary.text,
    manifest: summary.manifest,
    files: summary.files,
    sources: (summary.sources ?? []).flatMap((url) => safeHttpUrl(url) ?? []),
    date: new Date(event.time),
    dataset: event.data.dataset,
  };
}

function entriesNewestFirst(published: readonly ChangeEvent[]): Entry[] {
  return published.flatMap((event) => toEntry(event) ?? []).reverse();
}

function contentHtml(entry: Entry, link: (key: string) => string): string {
  const files = entry.files
    .map(
      (key) => `<li><a href="${escapeHtml(link(key))}">${escapeHtml(key.split('/').at(-1) ?? key)}</a></li>`,
    )
    .join('');
  const sources =
    entry.sources.length === 0
      ? ''
      : `<p>Sources:</p><ul>${entry.sources.map((url) => `<li><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`).join('')}</ul>`;
  return `<p>${escapeHtml(entry.summary)}</p><p>Files:</p><ul>${files}</ul>${sources}`;
}

/** Render Atom 1.0 from the recent `published` events (oldest first in, newest first out). */
export function renderAtom(published: readonly ChangeEvent[], options: SyndicationOptions = {}): string {
  const base = options.baseUrl ?? PLACEHOLDER_BASE;
  const link = (key: string) => new URL(encodeKey(key), base).href;
  const entries = entriesNewestFirst(published);
  const feed = new Feed({
    id: options.baseUrl === undefined ? 'urn:ics-lake:feed' : link('feed/atom.xml'),
    title: FEED_TITLE,
    description: FEED_DESCRIPTION,
    updated: entries[0]?.date ?? new Date(0),
    generator: 'ics-lake',
    language: 'en-GB',
    copyright: 'Contains public sector information licensed under the Open Government Licence v3.0.',
    ...(options.baseUrl === undefined
      ? {}
      : { link: options.baseUrl, feedLinks: { atom: link('feed/atom.xml') } }),
  });
  for (const entry of entries) {
    feed.addItem({
      id: entry.id,
      // The feed package writes title/summary/content as CDATA of type="html": escaping here keeps source text
      // inert and also removes any `]]>` that would end the CDATA section early.
      title: escapeHtml(entry.title),
      description: escapeHtml(entry.summary),
      content: contentHtml(entry, link),
      link: link(entry.manifest),
      date: entry.date,
      category: [{ term: entry.dataset }],
    });
  }
  const xml = feed.atom1();
  return `${options.baseUrl === undefined ? xml.replaceAll(`"${PLACEHOLDER_BASE}`, '"../') : xml}\n`;
}

/**
 * Render JSON Feed 1.1 with the same entries. Written directly because the `feed` package emits JSON Feed 1.0
 * (singular `author`, version 1).
 */
export function renderJsonFeed(published: readonly ChangeEvent[], options: SyndicationOptions = {}): string {
  const link = (key: string) =>
    options.baseUrl === undefined ? `../${encodeKey(key)}` : new URL(encodeKey(key), options.baseUrl).href;
  const items = entriesNewestFirst(published).map((entry) => ({
    id: entry.id,
    url: link(entry.manifest),
    title: entry.title,
    summary: entry.summary,
    content_text: entry.summary,
    content_html: contentHtml(entry, link),
    date_published: entry.date.toISOString(),
    tags: [entry.dataset],
    attachments: entry.files.flatMap((key) => {
      const type = mimeType(key);
      return type === undefined ? [] : [{ url: link(key), mime_type: type }];
    }),
  }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: FEED_TITLE,
    description: FEED_DESCRIPTION,
    language: 'en-GB',
    authors: [{ name: 'ics-lake' }],
    ...(options.baseUrl === undefined
      ? {}
      : { home_page_url: options.baseUrl, feed_url: new URL('feed/feed.json', options.baseUrl).href }),
    items,
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
