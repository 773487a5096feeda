import { describe, expect, it } from 'vitest';
import { LakeConflictError, SourceDataError } from '../../lib/core/errors.ts';
import { Manifest } from '../../lib/lake/manifest.ts';
import { type PublishOptions, publishDataset } from '../../lib/lake/publish.ts';
import { sha256Hex } from '../../lib/lake/rows.ts';
import { getJson, getText, type LakeStore } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import {
  committedVersionNumbers,
  listVersions,
  newestCommittedVersion,
  readLatest,
  readLatestPointer,
  readVersionRows,
  versionAsOf,
} from '../../lib/lake/versions.ts';
import { regionRows, regionsDataset, regionsRetyped, regionsWithWebsite } from '../fixtures/lake/datasets.ts';
import { CountingLakeStore, lakeHashes } from '../helpers/faulty-store.ts';

function options(day: string, extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    asOf: `${day}T00:00:00Z`,
    createdAt: `${day}T06:30:00Z`,
    pipelineVersion: 'test-1',
    lineage: [{ sha256: sha256Hex(`raw ${day}`), url: `https://www.england.nhs.uk/${day}` }],
    sources: [{ title: 'NHS England', path: 'https://www.england.nhs.uk/' }],
    ...extra,
  };
}

/** Assert that latest.json points at a committed version whose every file matches the manifest's hashes. */
async function expectLatestComplete(store: LakeStore, name: string): Promise<number | undefined> {
  const pointer = await readLatestPointer(store, name);
  if (pointer === undefined) return undefined;
  const manifestText = await getText(store, pointer.manifest);
  expect(manifestText).toBeDefined();
  expect(sha256Hex(manifestText ?? '')).toBe(pointer.manifest_sha256);
  const manifest = Manifest.parse(JSON.parse(manifestText ?? ''));
  for (const file of manifest.files) {
    const body = await store.get(`datasets/${name}/v${manifest.version}/${file.name}`);
    expect(body && sha256Hex(body)).toBe(file.sha256);
    expect(body?.byteLength).toBe(file.bytes);
  }
  const datapackage = await store.get(`datasets/${name}/v${manifest.version}/datapackage.json`);
  expect(datapackage && sha256Hex(datapackage)).toBe(manifest.datapackage.sha256);
  return manifest.version;
}

describe('publishDataset', () => {
  it('writes the three editions, datapackage.json, the manifest, latest.json and the latest/ copies for v1', async () => {
    const store = new MemoryLakeStore();
    const result = await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    expect(result.status).toBe('published');
    expect([...store.objects.keys()].sort()).toEqual([
      'datasets/regions/latest.json',
      'datasets/regions/latest/manifest.json',
      'datasets/regions/latest/regions.csv',
      'datasets/regions/latest/regions.json',
      'datasets/regions/latest/regions.parquet',
      'datasets/regions/v1/datapackage.json',
      'datasets/regions/v1/manifest.json',
      'datasets/regions/v1/regions.csv',
      'datasets/regions/v1/regions.json',
      'datasets/regions/v1/regions.parquet',
    ]);
    const manifest = await readLatest(store, 'regions');
    expect(manifest).toMatchObject({
      version: 1,
      release: '1.0.0',
      change_kind: 'initial',
      previous_version: null,
      as_of: '2021-04-01T00:00:00.000Z',
      created_at: '2021-04-01T06:30:00.000Z',
      rows: 4,
      schema_change: false,
      pipeline_version: 'test-1',
      changes: { created: 4, updated: 0, deleted: 0, created_keys: ['E01', 'E02', 'E03', 'E10'] },
    });
    expect(manifest?.files.map((file) => [file.name, file.rows])).toEqual([
      ['regions.csv', 4],
      ['regions.json', 4],
      ['regions.parquet', 4],
    ]);
    expect(manifest?.schema).toMatchObject({
      type: 'object',
      properties: { population: { type: 'integer' } },
    });
    await expectLatestComplete(store, 'regions');
  });

  it('writes nothing when the same rows are published again, in any order and with new lineage', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    const before = await lakeHashes(store);
    const counting = new CountingLakeStore(store);
    const again = await publishDataset(
      counting,
      regionsDataset,
      regionRows().reverse(),
      options('2021-05-01'),
    );
    expect(again).toEqual({ status: 'unchanged', version: 1 });
    expect(counting.writes).toBe(0);
    expect(await lakeHashes(store)).toEqual(before);
  });

  it('summarises created, updated and deleted keys against the previous version', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    const [e02, , e10, e03] = regionRows();
    const next = [
      { ...(e02 as NonNullable<typeof e02>), population: 3_200_000 },
      e10,
      e03,
      { ...(e03 as NonNullable<typeof e03>), region_code: 'E04', name: 'New region' },
    ];
    const result = await publishDataset(store, regionsDataset, next, options('2021-07-01'));
    expect(result.status).toBe('published');
    if (result.status !== 'published') return;
    expect(result.manifest).toMatchObject({
      version: 2,
      release: '1.1.0',
      previous_version: 1,
      change_kind: 'data',
      schema_change: false,
      changes: {
        created: 1,
        updated: 1,
        deleted: 1,
        created_keys: ['E04'],
        updated_keys: ['E02'],
        deleted_keys: ['E01'],
      },
    });
    expect((await readVersionRows(store, 'regions', 2)).map((row) => row.region_code)).toEqual([
      'E02',
      'E03',
      'E04',
      'E10',
    ]);
    expect((await readVersionRows(store, 'regions', 1)).map((row) => row.region_code)).toEqual([
      'E01',
      'E02',
      'E03',
      'E10',
    ]);
  });

  it('flags an added column as a schema change and bumps the major release', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    const rows = regionRows().map((row) => ({ ...row, website: null }));
    const result = await publishDataset(store, regionsWithWebsite, rows, options('2021-05-01'));
    expect(result.status === 'published' && result.manifest).toMatchObject({
      release: '2.0.0',
      change_kind: 'schema',
      schema_change: true,
      schema_changes: { added: ['website'], removed: [], retyped: [] },
    });
  });

  it('flags a retyped column as a schema change even when no row changed', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    const result = await publishDataset(store, regionsRetyped, regionRows(), options('2021-05-01'));
    expect(result.status === 'published' && result.manifest).toMatchObject({
      version: 2,
      schema_change: true,
      schema_changes: { added: [], removed: [], retyped: ['population'] },
      changes: { created: 0, updated: 0, deleted: 0 },
    });
  });

  it('writes nothing for a run whose as-of instant is older than the newest version (history is not rewritten)', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-07-01'));
    const before = await lakeHashes(store);
    const result = await publishDataset(store, regionsDataset, regionRows().slice(1), options('2021-04-01'));
    expect(result).toEqual({ status: 'superseded', version: 1 });
    expect(await lakeHashes(store)).toEqual(before);
  });

  it('publishes a correction made at the same as-of instant as the newest version', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-07-01'));
    const result = await publishDataset(store, regionsDataset, regionRows().slice(1), options('2021-07-01'));
    expect(result).toMatchObject({ status: 'published', version: 2 });
  });

  it('refuses a row that fails the schema and writes nothing', async () => {
    const store = new MemoryLakeStore();
    const rows: unknown[] = [...regionRows(), { ...regionRows()[0], region_code: 'E99', population: 1.5 }];
    await expect(publishDataset(store, regionsDataset, rows, options('2021-04-01'))).rejects.toThrow(
      /row 4 does not match the schema: population/,
    );
    expect(store.objects.size).toBe(0);
  });

  it('refuses duplicate primary keys and writes nothing', async () => {
    const store = new MemoryLakeStore();
    const rows = [...regionRows(), regionRows()[1]];
    await expect(publishDataset(store, regionsDataset, rows, options('2021-04-01'))).rejects.toThrow(
      SourceDataError,
    );
    expect(store.objects.size).toBe(0);
  });

  it('overwrites a crash leftover (a version folder without a manifest) on the next publish', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    await store.put('datasets/regions/v2/regions.csv', 'half-written garbage');
    const result = await publishDataset(store, regionsDataset, regionRows().slice(1), options('2021-05-01'));
    expect(result).toMatchObject({ status: 'published', version: 2 });
    expect(await expectLatestComplete(store, 'regions')).toBe(2);
  });

  it('fails with LakeConflictError when another writer committed the same version number first', async () => {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    // A racing writer's manifest appears between our listing and our commit.
    const racing: LakeStore = Object.create(store, {
      putIfAbsent: {
        value: async (key: string, body: Uint8Array | string) => {
          await store.put(key, '{"another":"writer"}\n');
          return store.putIfAbsent(key, body);
        },
      },
    });
    await expect(
      publishDataset(racing, regionsDataset, regionRows().slice(1), options('2021-05-01')),
    ).rejects.toThrow(LakeConflictError);
    expect((await readLatestPointer(store, 'regions'))?.version).toBe(1);
  });
});

describe('version history', () => {
  async function threeVersions(): Promise<MemoryLakeStore> {
    const store = new MemoryLakeStore();
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    await publishDataset(store, regionsDataset, regionRows().slice(1), options('2021-07-01'));
    await publishDataset(store, regionsDataset, regionRows().slice(2), options('2022-07-01'));
    return store;
  }

  it('lists committed versions oldest first and ignores folders without a manifest', async () => {
    const store = await threeVersions();
    await store.put('datasets/regions/v4/regions.csv', 'leftover');
    expect(
      (await listVersions(store, 'regions')).map((manifest) => [manifest.version, manifest.rows]),
    ).toEqual([
      [1, 4],
      [2, 3],
      [3, 2],
    ]);
  });

  it('answers versionAsOf exactly at the version boundaries', async () => {
    const store = await threeVersions();
    const at = async (instant: string) => (await versionAsOf(store, 'regions', instant))?.version;
    expect(await at('2021-03-31T23:59:59.999Z')).toBeUndefined();
    expect(await at('2021-04-01')).toBe(1);
    expect(await at('2021-04-01T00:00:00Z')).toBe(1);
    expect(await at('2021-06-30T23:59:59.999Z')).toBe(1);
    expect(await at('2021-07-01')).toBe(2);
    expect(await at('2022-06-30')).toBe(2);
    expect(await at('2022-07-01T00:00:00.000Z')).toBe(3);
    expect(await at('2030-01-01')).toBe(3);
    expect(await versionAsOf(store, 'regions', new Date('2021-07-01T00:00:00Z'))).toMatchObject({
      version: 2,
    });
  });

  it('refuses an instant that is not an ISO date', async () => {
    const store = await threeVersions();
    await expect(versionAsOf(store, 'regions', '01/07/2021')).rejects.toThrow(/ISO date/);
  });

  it('stores latest.json as a pointer to the newest manifest', async () => {
    const store = await threeVersions();
    expect(await getJson(store, 'datasets/regions/latest.json')).toMatchObject({
      dataset: 'regions',
      version: 3,
      as_of: '2022-07-01T00:00:00.000Z',
      manifest: 'datasets/regions/v3/manifest.json',
    });
  });
});

describe('newestCommittedVersion', () => {
  /** A memory lake that records the prefixes listed. */
  class ListingStore extends MemoryLakeStore {
    lists: string[] = [];
    override list(prefix: string) {
      this.lists.push(prefix);
      return super.list(prefix);
    }
  }

  it('follows latest.json and the versions committed after it, lists only without a usable pointer', async () => {
    const store = new ListingStore();
    for (const [index, day] of ['2021-04-01', '2021-05-01', '2021-06-01'].entries()) {
      const rows = regionRows().map((row) => ({ ...row, name: `${row.name} ${index}` }));
      await publishDataset(store, regionsDataset, rows, options(day));
    }
    store.lists.length = 0;
    expect(await newestCommittedVersion(store, 'regions')).toBe(3);
    expect(store.lists).toEqual([]);
    // A run that committed v3 but crashed before moving the pointer: v3 is still found, by probing, not listing.
    const pointer = await readLatestPointer(store, 'regions');
    await store.put(
      'datasets/regions/latest.json',
      JSON.stringify({ ...pointer, version: 2, manifest: 'datasets/regions/v2/manifest.json' }),
    );
    expect(await newestCommittedVersion(store, 'regions')).toBe(3);
    expect(store.lists).toEqual([]);
    // A leftover v4 without a manifest is not committed; a damaged or missing pointer falls back to the listing.
    await store.put('datasets/regions/v4/regions.csv', 'partial');
    await store.put('datasets/regions/latest.json', '{"not": "a pointer"');
    expect(await newestCommittedVersion(store, 'regions')).toBe(3);
    await store.delete('datasets/regions/latest.json');
    expect(await newestCommittedVersion(store, 'regions')).toBe(3);
    expect(store.lists).toEqual(['datasets/regions/v', 'datasets/regions/v']);
    expect(await committedVersionNumbers(store, 'regions')).toEqual([1, 2, 3]);
  });
});
