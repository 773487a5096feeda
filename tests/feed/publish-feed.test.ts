import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UncommittedVersionError } from '../../lib/core/errors.ts';
import type { ChangeEvent } from '../../lib/feed/events.ts';
import { FEED_INDEX_KEY, readFeedIndex } from '../../lib/feed/feed-files.ts';
import {
  type CommittedVersion,
  findVersionsMissingFromFeed,
  syncFeed,
  writeFeedForVersions,
} from '../../lib/feed/publish-feed.ts';
import { readEvents } from '../../lib/feed/read.ts';
import { getJson, getText } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { commitVersion, coverageDefinition, icsDefinition, icsRow } from './definitions.ts';

// v2 designates two ICSs and changes nothing else about them, so each gives one (designated) event.
const v1Rows = [
  icsRow('QE1', { name: 'Devon' }),
  icsRow('QHG', { region_code: 'Y56', name: 'Kent and Medway' }),
  icsRow('QJ2'),
];
const v2Rows = [
  icsRow('QE1', { status: 'ics', designated_from: '2021-04-01', name: 'Devon' }),
  icsRow('QHG', {
    region_code: 'Y56',
    status: 'ics',
    designated_from: '2021-04-01',
    name: 'Kent and Medway',
  }),
  icsRow('QKS'),
];

async function lakeWithTwoIcsVersions() {
  const store = new MemoryLakeStore();
  const m1 = await commitVersion(store, 'ics', 1, '2020-04-01T00:00:00.000Z', v1Rows);
  const m2 = await commitVersion(store, 'ics', 2, '2021-04-01T00:00:00.000Z', v2Rows);
  const versions: CommittedVersion[] = [
    {
      definition: icsDefinition,
      version: 1,
      asOf: '2020-04-01T00:00:00.000Z',
      previousRows: [],
      rows: v1Rows,
      manifestKey: m1,
    },
    {
      definition: icsDefinition,
      version: 2,
      asOf: '2021-04-01T00:00:00.000Z',
      previousRows: v1Rows,
      rows: v2Rows,
      manifestKey: m2,
    },
  ];
  return { store, versions };
}

function feedPages(store: MemoryLakeStore): Map<string, string> {
  return new Map(
    [...store.objects.entries()]
      .filter(([key]) => key.startsWith('feed/events/'))
      .map(([key, value]) => [key, new TextDecoder().decode(value)]),
  );
}

async function collect(iterable: AsyncIterable<{ sequence: number; event: ChangeEvent }>) {
  const out: { sequence: number; event: ChangeEvent }[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

describe('writeFeedForVersions', () => {
  it('writes one event per changed row and one published event per version, in version order', async () => {
    const { store, versions } = await lakeWithTwoIcsVersions();
    const { events } = await writeFeedForVersions(store, [...versions].reverse());
    expect(events.map((event) => [event.data.version, event.type, event.subject])).toEqual([
      [1, 'uk.nhs.ics.ics.created', 'QE1'],
      [1, 'uk.nhs.ics.ics.created', 'QHG'],
      [1, 'uk.nhs.ics.ics.created', 'QJ2'],
      [1, 'uk.nhs.ics.dataset.published', 'ics'],
      [2, 'uk.nhs.ics.ics.designated', 'QE1'],
      [2, 'uk.nhs.ics.ics.designated', 'QHG'],
      [2, 'uk.nhs.ics.ics.deleted', 'QJ2'],
      [2, 'uk.nhs.ics.ics.created', 'QKS'],
      [2, 'uk.nhs.ics.dataset.published', 'ics'],
    ]);
    const published = events.at(-1);
    expect(published?.data.summary).toMatchObject({ rows: 3, created: 1, updated: 2, deleted: 1 });
    expect(published?.data.summary?.text).toContain('2 ICSs designated: Devon, Kent and Medway');
    expect(published?.data.summary?.files).toEqual([
      'datasets/ics/v2/datapackage.json',
      'datasets/ics/v2/ics.csv',
      'datasets/ics/v2/ics.json',
      'datasets/ics/v2/ics.parquet',
      'datasets/ics/v2/manifest.json',
    ]);
    expect(published?.time).toBe('2021-04-01T00:00:00.000Z');
    const index = await readFeedIndex(store);
    expect(index).toMatchObject({
      cursor: 9,
      versions: { ics: [1, 2] },
      newest_page: 'feed/events/000000000001.jsonl',
    });
    expect(await getJson(store, 'feed/schema/v1.json')).toMatchObject({ type: 'object' });
  });

  it('adds no line when the same versions are written again (replays deduplicate)', async () => {
    const { store, versions } = await lakeWithTwoIcsVersions();
    await writeFeedForVersions(store, versions);
    const pages = feedPages(store);
    const index = await getText(store, FEED_INDEX_KEY);
    const atom = await getText(store, 'feed/atom.xml');
    const again = await writeFeedForVersions(store, versions);
    expect(again.events).toEqual([]);
    expect(again.skipped).toEqual([
      { dataset: 'ics', version: 1 },
      { dataset: 'ics', version: 2 },
    ]);
    expect(feedPages(store)).toEqual(pages);
    expect(await getText(store, FEED_INDEX_KEY)).toBe(index);
    expect(await getText(store, 'feed/atom.xml')).toBe(atom);
  });

  it('gives identical events (ids included) when a fresh lake replays the same history', async () => {
    const first = await lakeWithTwoIcsVersions();
    const second = await lakeWithTwoIcsVersions();
    await writeFeedForVersions(first.store, first.versions);
    await writeFeedForVersions(second.store, [second.versions[0] as CommittedVersion]);
    await writeFeedForVersions(second.store, [second.versions[1] as CommittedVersion]);
    const ids = async (store: MemoryLakeStore) => (await collect(readEvents(store))).map((r) => r.event.id);
    expect(await ids(second.store)).toEqual(await ids(first.store));
  });

  it('refuses a version whose manifest is missing or that latest.json does not yet cover', async () => {
    const { store, versions } = await lakeWithTwoIcsVersions();
    await store.delete('datasets/ics/v2/manifest.json');
    await expect(writeFeedForVersions(store, versions)).rejects.toBeInstanceOf(UncommittedVersionError);
    const fresh = await lakeWithTwoIcsVersions();
    // latest.json still names v1: the crash fell between v2's manifest and its pointer.
    const v1Manifest = (await fresh.store.get('datasets/ics/v1/manifest.json')) ?? new Uint8Array();
    const pointer = JSON.parse(new TextDecoder().decode(await fresh.store.get('datasets/ics/latest.json')));
    await fresh.store.put(
      'datasets/ics/latest.json',
      JSON.stringify({
        ...pointer,
        version: 1,
        manifest: 'datasets/ics/v1/manifest.json',
        manifest_sha256: createHash('sha256').update(v1Manifest).digest('hex'),
      }),
    );
    await expect(writeFeedForVersions(fresh.store, fresh.versions)).rejects.toThrow(
      /latest\.json to point at v2/,
    );
    expect(await fresh.store.exists(FEED_INDEX_KEY)).toBe(false);
  });

  it('bounds pages, never rewrites a listed page, and resumes from a cursor', async () => {
    const { store, versions } = await lakeWithTwoIcsVersions();
    await writeFeedForVersions(store, [versions[0] as CommittedVersion], { pageSize: 3 });
    const firstPages = feedPages(store);
    expect([...firstPages.keys()]).toEqual([
      'feed/events/000000000001.jsonl',
      'feed/events/000000000004.jsonl',
    ]);
    await writeFeedForVersions(store, [versions[1] as CommittedVersion], { pageSize: 3 });
    const pages = feedPages(store);
    for (const [key, text] of firstPages) expect(pages.get(key)).toBe(text);
    expect([...pages.keys()]).toEqual([
      'feed/events/000000000001.jsonl',
      'feed/events/000000000004.jsonl',
      'feed/events/000000000005.jsonl',
      'feed/events/000000000008.jsonl',
    ]);
    for (const text of pages.values()) expect(text.trim().split('\n').length).toBeLessThanOrEqual(3);
    const all = await collect(readEvents(store));
    expect(all.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const resumed = await collect(readEvents(store, { since: 5 }));
    expect(resumed.map((r) => r.sequence)).toEqual([6, 7, 8, 9]);
    expect(resumed.map((r) => r.event.id)).toEqual(all.slice(5).map((r) => r.event.id));
    const byDate = await collect(readEvents(store, { since: '2021-01-01', type: 'uk.nhs.ics.ics.*' }));
    expect(byDate.map((r) => r.event.type)).toEqual([
      'uk.nhs.ics.ics.designated',
      'uk.nhs.ics.ics.designated',
      'uk.nhs.ics.ics.deleted',
      'uk.nhs.ics.ics.created',
    ]);
  });

  it('overwrites a page left unlisted by a run that crashed before writing the index', async () => {
    const { store, versions } = await lakeWithTwoIcsVersions();
    await store.put('feed/events/000000000001.jsonl', 'half-written garbage\n');
    await writeFeedForVersions(store, versions);
    expect((await collect(readEvents(store))).length).toBe(9);
  });

  it('carries the region of an ICS on population-like rows and the coverage change in the ics summary', async () => {
    const store = new MemoryLakeStore();
    const asOf = '2021-04-01T00:00:00.000Z';
    const coverageBefore = [{ date: '2020-04-01', ics_count: 18, coverage_pct: 69 }];
    const coverageAfter = [...coverageBefore, { date: '2021-04-01', ics_count: 42, coverage_pct: 100 }];
    await commitVersion(store, 'ics', 1, '2020-04-01T00:00:00.000Z', v1Rows);
    const m2 = await commitVersion(store, 'ics', 2, asOf, v2Rows);
    await commitVersion(store, 'ics_coverage', 1, '2020-04-01T00:00:00.000Z', coverageBefore);
    const c2 = await commitVersion(store, 'ics_coverage', 2, asOf, coverageAfter);
    const { events } = await writeFeedForVersions(store, [
      { definition: icsDefinition, version: 2, asOf, previousRows: v1Rows, rows: v2Rows, manifestKey: m2 },
      {
        definition: coverageDefinition,
        version: 2,
        asOf,
        previousRows: coverageBefore,
        rows: coverageAfter,
        manifestKey: c2,
      },
    ]);
    const icsPublished = events.find((e) => e.data.op === 'published' && e.data.dataset === 'ics');
    expect(icsPublished?.data.summary?.text).toMatch(
      /^2 ICSs designated: Devon, Kent and Medway; .*coverage 69% → 100%$/,
    );
    const coveragePublished = events.find(
      (e) => e.data.op === 'published' && e.data.dataset === 'ics_coverage',
    );
    expect(coveragePublished?.data.summary?.text).toBe('coverage 69% → 100%');
    expect(events.find((e) => e.subject === 'QHG')?.regioncode).toBe('Y56');
  });
});

describe('repair', () => {
  it('finds committed versions missing from the feed and syncFeed emits them once', async () => {
    const { store } = await lakeWithTwoIcsVersions();
    await commitVersion(store, 'ics_coverage', 1, '2020-04-01T00:00:00.000Z', [
      { date: '2020-04-01', ics_count: 18, coverage_pct: 0.69 },
    ]);
    // A version whose data files were written but whose manifest was not (a crash before the commit point).
    await store.put('datasets/ics/v3/ics.json', '[]');
    const missing = await findVersionsMissingFromFeed(store, [icsDefinition, coverageDefinition]);
    expect(missing.map((m) => `${m.definition.name} v${m.version}`)).toEqual([
      'ics v1',
      'ics v2',
      'ics_coverage v1',
    ]);

    const first = await syncFeed(store, [icsDefinition, coverageDefinition]);
    expect(
      first.events
        .filter((e) => e.data.op === 'published')
        .map((e) => `${e.data.dataset} v${e.data.version}`),
    ).toEqual(['ics v1', 'ics_coverage v1', 'ics v2']);
    expect(await findVersionsMissingFromFeed(store, [icsDefinition, coverageDefinition])).toEqual([]);
    expect((await syncFeed(store, [icsDefinition, coverageDefinition])).events).toEqual([]);
  });

  it('a crash between commit and feed is repaired by the next run with the same feed as an uncrashed run', async () => {
    const crashed = await lakeWithTwoIcsVersions();
    await writeFeedForVersions(crashed.store, [crashed.versions[0] as CommittedVersion]);
    // v2 committed, then the run died before writing its events.
    await syncFeed(crashed.store, [icsDefinition]);
    const clean = await lakeWithTwoIcsVersions();
    await writeFeedForVersions(clean.store, [clean.versions[0] as CommittedVersion]);
    await writeFeedForVersions(clean.store, [clean.versions[1] as CommittedVersion]);
    expect(feedPages(crashed.store)).toEqual(feedPages(clean.store));
    expect(await getText(crashed.store, FEED_INDEX_KEY)).toBe(await getText(clean.store, FEED_INDEX_KEY));
  });
});
