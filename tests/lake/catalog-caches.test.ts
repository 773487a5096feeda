import { describe, expect, it } from 'vitest';
import { readVersionRowsContaining } from '../../lib/lake/catalog-read.ts';
import { fileKey, partFiles } from '../../lib/lake/manifest.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import {
  listVersionSummaries,
  summariseVersion,
  versionSummariesKey,
} from '../../lib/lake/version-summaries.ts';
import { listVersions, readLatest } from '../../lib/lake/versions.ts';
import { type IcsPopulationRow, icsPopulationDataset } from '../../lib/normalise/datasets.ts';
import { monthlyDataset, monthlyRows, monthsFrom2020 } from '../fixtures/lake/monthly.ts';

// Issue 15: the catalog reads a summary of every version and the headline rows of the newest one; at full history
// that was every manifest (~1 MB each for ics_population) and every part, at every release. Both are now cached
// by what never changes (a committed version, a content-addressed part), and must say what reading whole says.

const HEADLINE = ['"sex":"ALL"', '"age_band":"ALL"'];

/** A store that records the keys read, so a test can see what a call had to read. */
class ReadCountingStore extends MemoryLakeStore {
  readonly reads: string[] = [];
  readonly lists: string[] = [];
  override async get(key: string): Promise<Uint8Array | undefined> {
    this.reads.push(key);
    return super.get(key);
  }
  override list(prefix: string) {
    this.lists.push(prefix);
    return super.list(prefix);
  }
}

function publishMonth(store: MemoryLakeStore, months: readonly string[], bump = 0) {
  const asOf = `${months.at(-1)}-28T00:00:00.000Z`;
  return publishDataset(store, monthlyDataset, monthlyRows(months, bump), {
    pipelineVersion: 'test',
    lineage: [],
    asOf,
    createdAt: asOf,
  });
}

/** Population rows for some months: ALL/ALL totals, a sex split and a re-based series, for two ICSs. */
function populationRows(months: readonly string[]): IcsPopulationRow[] {
  const source = { source_url: 'https://example.org/gp.csv', source_sha256: 'a'.repeat(64) };
  return months.flatMap((month, index) =>
    ['QE1', 'QOP'].flatMap((ics_code, position) => {
      const base = {
        ics_code,
        reference_date: `${month}-01`,
        measure: 'registered_patients' as const,
        footprint: '2022-07',
        method: 'gp_by_sub_icb',
        ...source,
      };
      const total = 1_000_000 + 1000 * index + position;
      return [
        { ...base, sex: 'ALL' as const, age_band: 'ALL', basis: 'as_published' as const, value: total },
        { ...base, sex: 'MALE' as const, age_band: 'ALL', basis: 'as_published' as const, value: 490_000 },
        { ...base, sex: 'ALL' as const, age_band: '42', basis: 'as_published' as const, value: 12_000 },
        { ...base, sex: 'ALL' as const, age_band: 'ALL', basis: 'rebased' as const, value: total + 5 },
      ];
    }),
  );
}

describe('version summaries for the catalog', () => {
  it('equal the summaries of the manifests read whole, and a new version reads only its own manifests', async () => {
    const store = new ReadCountingStore();
    const months = monthsFrom2020(6);
    for (let count = 1; count <= months.length; count++) await publishMonth(store, months.slice(0, count));
    await publishMonth(store, months, 7); // every partition changes
    expect(await listVersionSummaries(store, monthlyDataset.name)).toEqual(await wholeSummaries(store));

    await publishMonth(store, [...months, '2020-07'], 7);
    store.reads.length = 0;
    store.lists.length = 0;
    const summaries = await listVersionSummaries(store, monthlyDataset.name);
    const manifestsRead = store.reads.filter((key) => key.endsWith('/manifest.json'));
    // The versions come from the cache and latest.json: nothing is listed, whatever the number of versions.
    expect(store.lists).toEqual([]);
    expect(summaries).toEqual(await wholeSummaries(store));
    expect(manifestsRead).toEqual([
      `datasets/monthly/v${summaries.length}/manifest.json`,
      `datasets/monthly/v${summaries.length - 1}/manifest.json`,
    ]);
    expect(new Set(summaries.at(-1)?.files.map((file) => file.partition))).toEqual(
      new Set(['2020-07', 'rebased']),
    );
  });

  it('does not trust a cache that is damaged, made for another dataset, or names a version not committed', async () => {
    const store = new ReadCountingStore();
    const months = monthsFrom2020(3);
    for (let count = 1; count <= months.length; count++) await publishMonth(store, months.slice(0, count));
    const whole = await wholeSummaries(store);
    const key = versionSummariesKey(monthlyDataset.name);

    await store.put(key, '{"cache_version":1,"dataset":"monthly","versions":[{"version":');
    expect(await listVersionSummaries(store, monthlyDataset.name)).toEqual(whole);

    const forged = { ...whole[0], version: 99, rows: 1 };
    await store.put(
      key,
      JSON.stringify({ cache_version: 1, dataset: 'monthly', versions: [...whole, forged] }),
    );
    expect(await listVersionSummaries(store, monthlyDataset.name)).toEqual(whole);
    expect(JSON.parse(new TextDecoder().decode(store.objects.get(key))).versions).toHaveLength(whole.length);

    await store.put(key, JSON.stringify({ cache_version: 1, dataset: 'other', versions: whole }));
    expect(await listVersionSummaries(store, monthlyDataset.name)).toEqual(whole);
  });
});

async function wholeSummaries(store: MemoryLakeStore) {
  const manifests = await listVersions(store, monthlyDataset.name);
  return manifests.map((manifest, index) => summariseVersion(manifest, manifests[index - 1]));
}

describe('the headline rows of a partitioned ics_population', () => {
  async function publishPopulation(store: MemoryLakeStore, months: readonly string[]) {
    const asOf = `${months.at(-1)}-28T00:00:00.000Z`;
    await publishDataset(store, icsPopulationDataset, populationRows(months), {
      pipelineVersion: 'test',
      lineage: [],
      asOf,
      createdAt: asOf,
    });
    const latest = await readLatest(store, icsPopulationDataset.name);
    if (latest === undefined) throw new Error('not published');
    return latest;
  }

  it('are the ALL/ALL rows of every part, and a release scans only the parts it wrote', async () => {
    const store = new ReadCountingStore();
    const months = monthsFrom2020(5);
    let latest = await publishPopulation(store, months.slice(0, 4));
    await readVersionRowsContaining(store, latest, HEADLINE);
    latest = await publishPopulation(store, months);

    store.reads.length = 0;
    const rows = await readVersionRowsContaining(store, latest, HEADLINE);
    const expected = populationRows(months).filter((row) => row.sex === 'ALL' && row.age_band === 'ALL');
    expect(sortedKeys(rows)).toEqual(sortedKeys(expected));
    const partsRead = store.reads.filter((key) => key.includes('/parts/'));
    const wrote = new Set(['2020-05', 'rebased-2020']);
    expect(partsRead.sort()).toEqual(
      partFiles(latest, 'json')
        .filter((file) => wrote.has(file.partition ?? ''))
        .map((file) => fileKey(latest, file))
        .sort(),
    );

    // The same answer from a lake without the cache, and from one whose cache is damaged.
    const fresh = new MemoryLakeStore();
    for (const [key, body] of store.objects)
      if (!key.startsWith('state/catalog/')) await fresh.put(key, body);
    expect(sortedKeys(await readVersionRowsContaining(fresh, latest, HEADLINE))).toEqual(sortedKeys(rows));
    await store.put('state/catalog/ics_population-lines.json', '{"needles":');
    expect(sortedKeys(await readVersionRowsContaining(store, latest, HEADLINE))).toEqual(sortedKeys(rows));
  });
});

function sortedKeys(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((row) => `${row.ics_code}|${row.reference_date}|${row.basis}|${row.value}`).sort();
}
