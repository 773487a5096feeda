import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventId, publishedEvent } from '../../lib/feed/events.ts';
import { type CommittedVersion, writeFeedForVersions } from '../../lib/feed/publish-feed.ts';
import { renderAtom, renderJsonFeed, safeHttpUrl } from '../../lib/feed/syndication.ts';
import { getText } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import {
  commitVersion,
  coverageDefinition,
  designationsDefinition,
  icsDefinition,
  icsRow,
} from './definitions.ts';

/** Debian's python3-feedparser (not the pyenv python on PATH); CI installs it. */
const SYSTEM_PYTHON = '/usr/bin/python3';

interface ParsedFeed {
  bozo: number;
  bozo_exception: string;
  version: string;
  entries: {
    title: string;
    link: string;
    links: string[];
    summary: string;
    content: string;
    updated: string;
  }[];
}

function parseWithFeedparser(xml: string): ParsedFeed {
  const script = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": int(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
  "entries": [{"title": e.get("title", ""), "link": e.get("link", ""),
               "links": [l.get("href", "") for l in e.get("links", [])],
               "summary": e.get("summary", ""), "content": "".join(c.value for c in e.get("content", [])),
               "updated": e.get("updated", "")} for e in d.entries]}))
`;
  return JSON.parse(
    execFileSync(SYSTEM_PYTHON, ['-c', script], { input: xml, encoding: 'utf8' }),
  ) as ParsedFeed;
}

/** JSON Feed 1.1: the required members (https://www.jsonfeed.org/version/1.1/), strictly typed. */
const JsonFeed11 = z.object({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string().min(1),
  authors: z.array(z.object({ name: z.string() })).optional(),
  items: z.array(
    z
      .object({
        id: z.string().min(1),
        url: z.string().optional(),
        title: z.string().optional(),
        content_html: z.string().optional(),
        content_text: z.string().optional(),
        date_published: z.iso.datetime({ offset: true }).optional(),
        attachments: z.array(z.object({ url: z.string().min(1), mime_type: z.string().min(1) })).optional(),
      })
      .refine(
        (item) => item.content_html !== undefined || item.content_text !== undefined,
        'content_html or content_text',
      ),
  ),
});

const HOSTILE_NAME = `Devon <script>alert("x")</script> "quoted' ]]> & co`;

async function hostileLake() {
  const store = new MemoryLakeStore();
  const v1 = [icsRow('QE1')];
  const v2 = [icsRow('QE1', { name: HOSTILE_NAME, status: 'ics', designated_from: '2021-04-01' })];
  const designations = [
    { ics_code: 'QE1', source_url: 'javascript:alert(1)', wave: 1 },
    { ics_code: 'QE1', source_url: 'https://www.england.nhs.uk/2021/04/wave-4/?a=1&b="2"', wave: 4 },
  ];
  const versions: CommittedVersion[] = [
    {
      definition: icsDefinition,
      version: 1,
      asOf: '2020-04-01T00:00:00.000Z',
      previousRows: [],
      rows: v1,
      manifestKey: await commitVersion(store, 'ics', 1, '2020-04-01T00:00:00.000Z', v1),
    },
    {
      definition: icsDefinition,
      version: 2,
      asOf: '2021-04-01T00:00:00.000Z',
      previousRows: v1,
      rows: v2,
      manifestKey: await commitVersion(store, 'ics', 2, '2021-04-01T00:00:00.000Z', v2),
    },
    {
      definition: designationsDefinition,
      version: 1,
      asOf: '2021-04-01T00:00:00.000Z',
      previousRows: [],
      rows: designations,
      manifestKey: await commitVersion(
        store,
        'ics_designations',
        1,
        '2021-04-01T00:00:00.000Z',
        designations,
      ),
    },
  ];
  await writeFeedForVersions(store, versions);
  return store;
}

describe('atom.xml and feed.json', () => {
  it('parse with feedparser as well-formed Atom 1.0, newest first, with links to the version files', async () => {
    const store = await hostileLake();
    const parsed = parseWithFeedparser((await getText(store, 'feed/atom.xml')) ?? '');
    expect(parsed.bozo_exception).toBe('');
    expect(parsed.bozo).toBe(0);
    expect(parsed.version).toBe('atom10');
    expect(parsed.entries.map((entry) => entry.title.split(':')[0])).toEqual([
      'ics_designations v1',
      'ics v2',
      'ics v1',
    ]);
    expect(parsed.entries[1]?.link).toBe('../datasets/ics/v2/manifest.json');
    expect(parsed.entries[1]?.content).toContain('href="../datasets/ics/v2/ics.csv"');
    expect(parsed.entries[1]?.updated).toBe('2021-04-01T00:00:00.000Z');
  });

  it('escape source-derived text: no live markup, no broken quotes or CDATA, no javascript: links', async () => {
    const store = await hostileLake();
    const atom = (await getText(store, 'feed/atom.xml')) ?? '';
    const json = (await getText(store, 'feed/feed.json')) ?? '';
    for (const text of [
      atom,
      JSON.parse(json)
        .items.map((i: { content_html: string }) => i.content_html)
        .join(''),
    ]) {
      expect(text).not.toContain('<script');
      expect(text).not.toMatch(/javascript:/i);
    }
    const parsed = parseWithFeedparser(atom);
    expect(parsed.bozo).toBe(0);
    // The title is type="html": the hostile name arrives as character references that render as text.
    expect(parsed.entries[1]?.title).toContain(
      '&#60;script&#62;alert("x")&#60;/script&#62; "quoted\' ]]&#62; &#38; co',
    );
    expect(parsed.entries[1]?.title).not.toContain('<script');
    expect(parsed.entries[1]?.content).not.toContain('<script');
    const designations = parsed.entries[0];
    expect(designations?.content).toContain(
      'href="https://www.england.nhs.uk/2021/04/wave-4/?a=1&#38;b=%222%22"',
    );
    expect(designations?.content).not.toContain('alert(1)');
  });

  it('feed.json is JSON Feed 1.1 with the same entries as the Atom feed', async () => {
    const store = await hostileLake();
    const feed = JsonFeed11.parse(JSON.parse((await getText(store, 'feed/feed.json')) ?? ''));
    const atom = parseWithFeedparser((await getText(store, 'feed/atom.xml')) ?? '');
    expect(feed.items.map((item) => item.url)).toEqual(atom.entries.map((entry) => entry.link));
    expect(feed.items[1]?.title).toContain(HOSTILE_NAME);
    // datapackage.json, the CSV, JSON and Parquet editions, and the manifest.
    expect(feed.items[1]?.attachments?.map((a) => a.mime_type)).toEqual([
      'application/json',
      'text/csv',
      'application/json',
      'application/vnd.apache.parquet',
      'application/json',
    ]);
  });

  it('keeps only the 100 most recent published versions', async () => {
    const store = new MemoryLakeStore();
    const versions: CommittedVersion[] = [];
    let previous: Record<string, unknown>[] = [];
    for (let version = 1; version <= 103; version += 1) {
      const asOf = new Date(Date.UTC(2020, 0, version)).toISOString();
      const rows = [
        ...previous,
        { date: asOf.slice(0, 10), ics_count: version, coverage_pct: version / 103 },
      ];
      const manifestKey = await commitVersion(store, 'ics_coverage', version, asOf, rows);
      versions.push({
        definition: coverageDefinition,
        version,
        asOf,
        previousRows: previous,
        rows,
        manifestKey,
      });
      previous = rows;
    }
    await writeFeedForVersions(store, versions);
    const atom = parseWithFeedparser((await getText(store, 'feed/atom.xml')) ?? '');
    expect(atom.entries.length).toBe(100);
    expect(atom.entries[0]?.title).toMatch(/^ics_coverage v103: coverage 99% → 100%$/);
    expect(atom.entries.at(-1)?.title).toMatch(/^ics_coverage v4: /);
    const feed = JsonFeed11.parse(JSON.parse((await getText(store, 'feed/feed.json')) ?? ''));
    expect(feed.items.length).toBe(100);
  });

  it('uses absolute links under a public base URL and drops non-http source links', () => {
    const event = publishedEvent('ics', 2, '2021-04-01T00:00:00Z', {
      rows: 1,
      created: 0,
      updated: 1,
      deleted: 0,
      text: 'x',
      manifest: 'datasets/ics/v2/manifest.json',
      files: ['datasets/ics/v2/ics.csv'],
      sources: ['javascript:alert(1)', 'data:text/html,hi', 'https://example.org/a'],
    });
    expect(event.id).toBe(eventId('ics', 2, '', 'published'));
    const atom = parseWithFeedparser(renderAtom([event], { baseUrl: 'https://data.example.org/lake/' }));
    expect(atom.entries[0]?.link).toBe('https://data.example.org/lake/datasets/ics/v2/manifest.json');
    expect(atom.entries[0]?.content).toContain('https://example.org/a');
    expect(atom.entries[0]?.content).not.toMatch(/javascript:|data:text/);
    const json = JsonFeed11.parse(
      JSON.parse(renderJsonFeed([event], { baseUrl: 'https://data.example.org/lake/' })),
    );
    expect(json.items[0]?.attachments?.[0]?.url).toBe(
      'https://data.example.org/lake/datasets/ics/v2/ics.csv',
    );
    expect(safeHttpUrl(' JaVaScRiPt:alert(1)')).toBeUndefined();
  });
});
