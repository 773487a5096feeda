import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceDataError } from '../../lib/core/errors.ts';
import { readVersionRowsContaining } from '../../lib/lake/catalog-read.ts';
import { lakeDataPackage } from '../../lib/lake/datapackage.ts';
import { diffRows } from '../../lib/lake/diff.ts';
import { latestPaths } from '../../lib/lake/latest-files.ts';
import { type Manifest, partFiles } from '../../lib/lake/manifest.ts';
import { type PartitionedRows, type PublishOptions, publishDataset } from '../../lib/lake/publish.ts';
import type { Row } from '../../lib/lake/rows.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { verifyDatasets } from '../../lib/lake/verify.ts';
import { diffVersions } from '../../lib/lake/version-diff.ts';
import { openVersionFile, readManifest, readVersionRows } from '../../lib/lake/versions.ts';
import { type MonthlyRow, monthlyDataset, monthlyRows, monthsFrom2020 } from '../fixtures/lake/monthly.ts';

/**
 * A memory lake that records which keys were written and which were read. (MemoryLakeStore builds putStream on
 * put and getStream on get, so the wrapper counts calls at the port, not inside the adapter.)
 */
class RecordingStore extends MemoryLakeStore {
  written: string[] = [];
  read: string[] = [];
  private inside = false;
  private async record<T>(list: string[], key: string, call: () => Promise<T>): Promise<T> {
    if (!this.inside) list.push(key);
    const outer = !this.inside;
    this.inside = true;
    try {
      return await call();
    } finally {
      if (outer) this.inside = false;
    }
  }
  override put(key: string, body: Uint8Array | string): Promise<void> {
    return this.record(this.written, key, () => super.put(key, body));
  }
  override putStream(key: string, body: Readable): Promise<void> {
    return this.record(this.written, key, () => super.putStream(key, body));
  }
  override putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    return this.record(this.written, key, () => super.putIfAbsent(key, body));
  }
  override getStream(key: string): Promise<Readable | undefined> {
    return this.record(this.read, key, () => super.getStream(key));
  }
  override get(key: string): Promise<Uint8Array | undefined> {
    return this.record(this.read, key, () => super.get(key));
  }
  reset(): void {
    this.written = [];
    this.read = [];
  }
}

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

function options(day: string): PublishOptions {
  return { asOf: day, createdAt: `${day}T06:00:00Z`, pipelineVersion: 'test-1', lineage: [] };
}

/** PartitionedRows over whole months: the fingerprint of a month is its `bump`; `built` records every call. */
function lazyRows(
  months: readonly string[],
  bumps: Record<string, number> = {},
): PartitionedRows & { built: string[][] } {
  const built: string[][] = [];
  const inputs = new Map<string, string>(months.map((month) => [month, `bump ${bumps[month] ?? 0}`]));
  inputs.set('rebased', `months ${months.join(',')} ${JSON.stringify(bumps)}`);
  return {
    inputs,
    built,
    build(partitions) {
      built.push([...partitions].sort());
      const wanted = months.filter((month) => partitions.has(month));
      const rows = wanted.flatMap((month) => monthlyRows([month], bumps[month] ?? 0));
      // The re-based series spans every month.
      const rebased = partitions.has('rebased')
        ? months.flatMap((month) => monthlyRows([month], bumps[month] ?? 0))
        : [];
      return [
        ...rows.filter((row) => row.basis === 'as_published'),
        ...rebased.filter((row) => row.basis === 'rebased'),
      ];
    },
  };
}

function partsOf(store: MemoryLakeStore): string[] {
  return [...store.objects.keys()].filter((key) => key.startsWith('datasets/monthly/parts/')).sort();
}

const byKey = (a: Row, b: Row) =>
  `${a.area}|${a.reference_date}|${a.basis}` < `${b.area}|${b.reference_date}|${b.basis}` ? -1 : 1;

describe('publishing a partitioned dataset from rows', () => {
  it('writes one content-addressed file per partition and format, and a rerun writes nothing', async () => {
    const store = new RecordingStore();
    const rows = monthlyRows(monthsFrom2020(3));
    const first = await publishDataset(store, monthlyDataset, rows, options('2020-04-01'));
    if (first.status !== 'published') throw new Error(first.status);
    const files = first.manifest.files;
    expect(new Set(files.map((file) => file.partition))).toEqual(
      new Set(['2020-01', '2020-02', '2020-03', 'rebased']),
    );
    expect(files).toHaveLength(12);
    for (const file of files) {
      expect(file.path).toMatch(
        new RegExp(`^datasets/monthly/parts/${file.partition}/[0-9a-f]{64}\\.${file.format}$`),
      );
      expect(file.content_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(file.inputs).toBeUndefined();
    }
    expect(first.manifest.rows).toBe(rows.length);
    // No edition in the version folder: only its datapackage.json and manifest.
    expect([...store.objects.keys()].filter((key) => key.startsWith('datasets/monthly/v1/')).sort()).toEqual([
      'datasets/monthly/v1/datapackage.json',
      'datasets/monthly/v1/manifest.json',
    ]);

    store.reset();
    const again = await publishDataset(store, monthlyDataset, [...rows].reverse(), options('2020-05-01'));
    expect(again).toEqual({ status: 'unchanged', version: 1 });
    expect(store.written).toEqual([]);
  });

  it('writes only the partitions whose rows changed, and summarises the changes from them alone', async () => {
    const store = new RecordingStore();
    const before = monthlyRows(monthsFrom2020(3));
    await publishDataset(store, monthlyDataset, before, options('2020-04-01'));
    const v1 = (await readManifest(store, 'monthly', 1)) as Manifest;
    // February changes, April arrives, and the re-based series moves with it.
    const after = [
      ...monthlyRows(['2020-01', '2020-03']),
      ...monthlyRows(['2020-02'], 5),
      ...monthlyRows(['2020-04']),
    ].filter((row) => row.basis === 'as_published' || row.reference_date !== '2020-02-01');
    store.reset();
    const result = await publishDataset(store, monthlyDataset, after, options('2020-05-01'));
    if (result.status !== 'published') throw new Error(result.status);

    const writtenParts = store.written.filter((key) => key.includes('/parts/'));
    expect(new Set(writtenParts.map((key) => key.split('/')[3]))).toEqual(
      new Set(['2020-02', '2020-04', 'rebased']),
    );
    expect(writtenParts).toHaveLength(9);
    // January and March are carried forward by reference, never read.
    const carried = v1.files.filter((file) => ['2020-01', '2020-03'].includes(file.partition ?? ''));
    for (const file of carried) {
      expect(result.manifest.files).toContainEqual(file);
      expect(store.read).not.toContain(file.path);
    }
    const expected = diffRows(monthlyDataset, before, after);
    expect(result.manifest.changes.created).toBe(expected.created.length);
    expect(result.manifest.changes.updated).toBe(expected.updated.length);
    expect(result.manifest.changes.deleted).toBe(expected.deleted.length);
    expect(new Set(result.manifest.changes.updated_keys)).toEqual(
      new Set(expected.updated.map((update) => update.key)),
    );
    expect(result.manifest.changes.deleted_keys).toEqual([
      'QE1|2020-02-01|rebased',
      'QF7|2020-02-01|rebased',
      'QOP|2020-02-01|rebased',
    ]);
  });

  it('refuses a bad row, a duplicate key or a bad partition name with one line, writing nothing', async () => {
    const store = new RecordingStore();
    const rows = monthlyRows(monthsFrom2020(2));
    const bad = [...rows, { ...rows[0], value: 'many' }];
    await expect(publishDataset(store, monthlyDataset, bad, options('2020-03-01'))).rejects.toThrow(
      /row 12 does not match the schema: value/,
    );
    await expect(
      publishDataset(store, monthlyDataset, [...rows, rows[3]], options('2020-03-01')),
    ).rejects.toThrow(/expected unique primary key/);
    const odd = { ...monthlyDataset, partition: { description: 'broken', of: () => '../up' } };
    await expect(publishDataset(store, odd, rows, options('2020-03-01'))).rejects.toThrow(
      /expected a partition name matching .* found "..\/up"/,
    );
    expect(store.written).toEqual([]);
  });
});

describe('a bad row after a crash', () => {
  it('writes nothing, not even the roll-forward of latest.json the crash left behind', async () => {
    const store = new RecordingStore();
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(2)), options('2020-03-01'));
    store.objects.delete('datasets/monthly/latest.json');
    store.reset();
    const bad = [...monthlyRows(monthsFrom2020(3)), { area: 'QE1' }];
    await expect(publishDataset(store, monthlyDataset, bad, options('2020-04-01'))).rejects.toThrow(
      /does not match the schema/,
    );
    const lazyBad: PartitionedRows = { inputs: new Map([['2020-03', 'x']]), build: () => [{ area: 'QE1' }] };
    await expect(publishDataset(store, monthlyDataset, lazyBad, options('2020-04-01'))).rejects.toThrow(
      /does not match the schema/,
    );
    expect(store.written).toEqual([]);
    // The next good publish rolls it forward.
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(2)), options('2020-04-01'));
    expect(store.written).toEqual(['datasets/monthly/latest.json']);
  });
});

describe('publishing a partitioned dataset from PartitionedRows', () => {
  it('rebuilds many partitions a batch at a time, into the same version one build gives', async () => {
    const months = monthsFrom2020(30);
    const batched = new MemoryLakeStore();
    const whole = new MemoryLakeStore();
    await publishDataset(batched, monthlyDataset, lazyRows(months), options('2022-07-01'));
    await publishDataset(whole, monthlyDataset, monthlyRows(months), options('2022-07-01'));
    // A new code version moves every fingerprint: every partition is built again, a batch at a time.
    const rebuild = lazyRows(months, Object.fromEntries(months.map((month) => [month, 1])));
    const result = await publishDataset(batched, monthlyDataset, rebuild, options('2022-08-01'));
    const wholeResult = await publishDataset(
      whole,
      monthlyDataset,
      monthlyRows(months, 1),
      options('2022-08-01'),
    );
    expect(rebuild.built.map((batch) => batch.length)).toEqual([12, 12, 7]);
    expect(rebuild.built.flat().sort()).toEqual([...months, 'rebased'].sort());
    if (result.status !== 'published' || wholeResult.status !== 'published') throw new Error('not published');
    const comparable = (manifest: Manifest) => ({
      content_hash: manifest.content_hash,
      rows: manifest.rows,
      changes: manifest.changes,
      files: manifest.files.map(({ inputs: _inputs, ...file }) => file),
    });
    expect(comparable(result.manifest)).toEqual(comparable(wholeResult.manifest));
    expect(result.manifest.changes.updated).toBe(months.length * 6);
  });

  it('writes no part when a bad row is in the first batch, and says which partition was not asked for', async () => {
    const store = new MemoryLakeStore();
    const months = monthsFrom2020(14);
    const rows = lazyRows(months);
    const build = rows.build.bind(rows);
    rows.build = async (partitions) => [...(await build(partitions)), ...monthlyRows(['2021-02'])];
    await expect(publishDataset(store, monthlyDataset, rows, options('2021-03-01'))).rejects.toThrow(
      /expected rows of the partitions asked for .* in partition 2021-02/,
    );
    expect(partsOf(store)).toEqual([]);
  });

  it('builds only the partitions whose inputs changed and carries the rest forward unread', async () => {
    const store = new RecordingStore();
    const v1Rows = lazyRows(monthsFrom2020(4));
    const v1 = await publishDataset(store, monthlyDataset, v1Rows, options('2020-05-01'));
    expect(v1Rows.built).toEqual([['2020-01', '2020-02', '2020-03', '2020-04', 'rebased']]);
    if (v1.status !== 'published') throw new Error(v1.status);
    expect(v1.manifest.files.find((file) => file.partition === '2020-02')?.inputs).toBe('bump 0');

    // Same inputs: nothing built, nothing written.
    store.reset();
    const same = lazyRows(monthsFrom2020(4));
    expect(await publishDataset(store, monthlyDataset, same, options('2020-06-01'))).toEqual({
      status: 'unchanged',
      version: 1,
    });
    expect(same.built).toEqual([]);
    expect(store.written).toEqual([]);

    // A new month: only it and the re-based series are built; the others are neither read nor written.
    store.reset();
    const next = lazyRows(monthsFrom2020(5));
    const v2 = await publishDataset(store, monthlyDataset, next, options('2020-06-01'));
    if (v2.status !== 'published') throw new Error(v2.status);
    expect(next.built).toEqual([['2020-05', 'rebased']]);
    expect(store.read.filter((key) => /\/parts\/2020-0[1-4]\//.test(key))).toEqual([]);
    expect(v2.manifest.changes.created).toBe(6);
    expect(v2.manifest.rows).toBe(30);
    expect(await readVersionRows(store, 'monthly', 2)).toHaveLength(30);

    // A month dropped from inputs is dropped from the version, its rows deleted.
    const dropped = lazyRows(monthsFrom2020(4, 1));
    const v3 = await publishDataset(store, monthlyDataset, dropped, options('2020-07-01'));
    if (v3.status !== 'published') throw new Error(v3.status);
    expect(dropped.built).toEqual([['rebased']]);
    expect(v3.manifest.files.some((file) => file.partition === '2020-01')).toBe(false);
    expect(v3.manifest.changes.deleted).toBe(6);
  });

  it('refuses rows outside the partitions asked for', async () => {
    const store = new RecordingStore();
    const lazy: PartitionedRows = {
      inputs: new Map([['2020-01', 'a']]),
      build: () => monthlyRows(['2020-01', '2020-02']).filter((row) => row.basis === 'as_published'),
    };
    await expect(publishDataset(store, monthlyDataset, lazy, options('2020-03-01'))).rejects.toThrow(
      SourceDataError,
    );
    await expect(publishDataset(store, monthlyDataset, lazy, options('2020-03-01'))).rejects.toThrow(
      /expected rows of the partitions asked for \(2020-01\), found row "QE1\|2020-02-01\|as_published" in partition 2020-02/,
    );
    expect(store.written).toEqual([]);
  });

  it('gives the same version content hash as the same rows published as an array', async () => {
    const lazyStore = new MemoryLakeStore();
    const arrayStore = new MemoryLakeStore();
    const lazy = await publishDataset(
      lazyStore,
      monthlyDataset,
      lazyRows(monthsFrom2020(3)),
      options('2020-04-01'),
    );
    const array = await publishDataset(
      arrayStore,
      monthlyDataset,
      monthlyRows(monthsFrom2020(3)),
      options('2020-04-01'),
    );
    if (lazy.status !== 'published' || array.status !== 'published') throw new Error('not published');
    expect(lazy.manifest.content_hash).toBe(array.manifest.content_hash);
    expect(partsOf(lazyStore)).toEqual(partsOf(arrayStore));
  });
});

describe('reading a partitioned version', () => {
  async function twoVersions(): Promise<{ store: RecordingStore; rows: MonthlyRow[] }> {
    const store = new RecordingStore();
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(3)), options('2020-04-01'));
    const rows = monthlyRows(monthsFrom2020(4));
    await publishDataset(store, monthlyDataset, rows, options('2020-05-01'));
    return { store, rows };
  }

  it('reads CSV and JSON as one edition each: the CSV header once, one JSON array, every row once', async () => {
    const { store, rows } = await twoVersions();
    const manifest = (await readManifest(store, 'monthly', 2)) as Manifest;
    const text = async (format: 'csv' | 'json') => {
      const chunks: Buffer[] = [];
      for await (const chunk of await openVersionFile(store, manifest, format))
        chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    };
    const json = JSON.parse(await text('json')) as Row[];
    expect([...json].sort(byKey)).toEqual([...rows].sort(byKey));
    const csv = await text('csv');
    expect(csv.match(/^area,reference_date,basis,value,note\r$/gm)).toHaveLength(1);
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(rows.length);
    expect(parsed.data.filter((row) => row.note === 'a "quoted", note')).toHaveLength(rows.length / 3);
    expect((await readVersionRows(store, 'monthly', 2)).sort(byKey)).toEqual([...rows].sort(byKey));
  });

  it('fails a stream whose part does not match its manifest, naming the part', async () => {
    const { store } = await twoVersions();
    const manifest = (await readManifest(store, 'monthly', 2)) as Manifest;
    const part = partFiles(manifest, 'csv')[1];
    const key = part?.path ?? '';
    const bytes = store.objects.get(key) as Uint8Array;
    store.objects.set(key, Buffer.concat([bytes, Buffer.from('QZZ,2020-02-01,as_published,1,\r\n')]));
    const drain = async () => {
      for await (const _chunk of await openVersionFile(store, manifest, 'csv')) {
        // reading is the check
      }
    };
    await expect(drain()).rejects.toThrow(new RegExp(`${key} does not match its manifest`));
  });

  it('refuses to concatenate Parquet parts, pointing at DuckDB and the part list', async () => {
    const { store } = await twoVersions();
    const manifest = (await readManifest(store, 'monthly', 2)) as Manifest;
    await expect(openVersionFile(store, manifest, 'parquet')).rejects.toThrow(
      /stored in 5 partitions: read its Parquet parts as one table with DuckDB/,
    );
  });

  it('diffs two versions by walking only the partitions whose hash differs', async () => {
    const { store, rows } = await twoVersions();
    const changed = monthlyRows(monthsFrom2020(4)).map((row) =>
      row.reference_date === '2020-03-01' && row.area === 'QF7' ? { ...row, value: row.value + 1 } : row,
    );
    await publishDataset(store, monthlyDataset, changed, options('2020-06-01'));
    store.reset();
    const walked = await diffVersions(store, monthlyDataset, 2, 3);
    expect(walked.diff).toEqual(diffRows(monthlyDataset, rows, changed));
    expect(walked.diff.updated.map((update) => update.key)).toEqual([
      'QF7|2020-03-01|as_published',
      'QF7|2020-03-01|rebased',
    ]);
    expect(walked.rows).toBe(changed.length);
    const partitionsRead = new Set(
      store.read.filter((key) => key.includes('/parts/')).map((key) => key.split('/')[3]),
    );
    expect(partitionsRead).toEqual(new Set(['2020-03', 'rebased']));
  });
});

describe('verify and the stable latest/ copies of a partitioned dataset', () => {
  it('copies only the partitions a release changed, and removes the copies of dropped ones', async () => {
    const store = new RecordingStore();
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(3)), options('2020-04-01'));
    store.reset();
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(3, 1)), options('2020-05-01'));
    const copies = store.written.filter((key) => key.startsWith(latestPaths.prefix('monthly')));
    expect(copies.sort()).toEqual(
      [
        ...['csv', 'json', 'parquet'].flatMap((format) => [
          `datasets/monthly/latest/monthly-2020-04.${format}`,
          `datasets/monthly/latest/monthly-rebased.${format}`,
        ]),
        'datasets/monthly/latest/manifest.json',
      ].sort(),
    );
    const latest = [...store.objects.keys()]
      .filter((key) => key.startsWith('datasets/monthly/latest/'))
      .sort();
    expect(latest.filter((key) => key.includes('2020-01'))).toEqual([]);
    const manifest = (await readManifest(store, 'monthly', 2)) as Manifest;
    for (const file of manifest.files)
      expect(Buffer.from(store.objects.get(latestPaths.file('monthly', file.name)) ?? [])).toEqual(
        Buffer.from(store.objects.get(file.path ?? '') ?? []),
      );
    expect(await verifyDatasets(store)).toEqual([]);
  });

  it('hashes a part shared by many versions once, and reports parts no version holds as repairable notes', async () => {
    const store = new RecordingStore();
    for (let count = 1; count <= 4; count++)
      await publishDataset(
        store,
        monthlyDataset,
        monthlyRows(monthsFrom2020(count)),
        options(`2020-0${count + 1}-01`),
      );
    const january = (await readManifest(store, 'monthly', 1))?.files.find((file) => file.format === 'csv');
    store.reset();
    expect(await verifyDatasets(store)).toEqual([]);
    expect(store.read.filter((key) => key === january?.path)).toHaveLength(1);

    const orphan =
      'datasets/monthly/parts/2020-09/0000000000000000000000000000000000000000000000000000000000000000.csv';
    await store.put(orphan, 'area\r\n');
    const damaged = january?.path ?? '';
    await store.put(damaged, 'not the part');
    const findings = await verifyDatasets(store);
    expect(findings.filter((finding) => finding.key === orphan)).toMatchObject([
      { level: 'note', repairable: 'orphan' },
    ]);
    // The damaged shared part is one problem, not one per version holding it.
    expect(findings.filter((finding) => finding.key === damaged)).toMatchObject([
      { level: 'problem', message: expect.stringMatching(/does not match its manifest/) },
    ]);
  });
});

describe('Frictionless descriptors of a partitioned dataset', () => {
  it('list the parts as one multi-part resource per format, which DuckDB reads as the whole table', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'lake-parts-'));
    folders.push(folder);
    const store = new FolderLakeStore(folder);
    await publishDataset(store, monthlyDataset, monthlyRows(monthsFrom2020(3)), options('2020-04-01'));
    const rows = monthlyRows(monthsFrom2020(6), 1);
    await publishDataset(store, monthlyDataset, rows, options('2020-07-01'));
    const manifest = (await readManifest(store, 'monthly', 2)) as Manifest;
    const descriptor = lakeDataPackage([{ definition: monthlyDataset, manifest }], [], manifest.as_of);
    const parquet = descriptor.resources.find((resource) => resource.format === 'parquet');
    const paths = parquet?.path as string[];
    expect(paths).toHaveLength(7);
    for (const part of paths)
      expect(part).toMatch(/^datasets\/monthly\/parts\/[^/]+\/[0-9a-f]{64}\.parquet$/);
    const version = JSON.parse(
      Buffer.from((await store.get('datasets/monthly/v2/datapackage.json')) ?? []).toString('utf8'),
    ) as { resources: { format: string; path: string[] }[] };
    expect(version.resources.find((resource) => resource.format === 'csv')?.path[0]).toMatch(
      /^\.\.\/parts\//,
    );

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = paths.map((part) => `'${path.join(folder, part)}'`).join(', ');
      const reader = await connection.runAndReadAll(
        `select area, strftime(reference_date, '%Y-%m-%d') as reference_date, basis, value::integer as value, note from read_parquet([${list}]) order by area, reference_date, basis`,
      );
      expect(reader.getRowObjectsJson()).toEqual([...rows].sort(byKey));
      const csvPaths = descriptor.resources.find((resource) => resource.format === 'csv')?.path as string[];
      const csvList = csvPaths.map((part) => `'${path.join(folder, part)}'`).join(', ');
      const csv = await connection.runAndReadAll(
        `select count(*)::integer as n from read_csv([${csvList}], header = true)`,
      );
      expect(csv.getRowObjectsJson()).toEqual([{ n: rows.length }]);
    } finally {
      connection.closeSync();
    }
  });
});

describe('headline rows of a partitioned version', () => {
  it('streams each part across chunk boundaries and finds exactly the rows a full read and a filter find', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'lake-parts-headline-'));
    folders.push(folder);
    const store = new FolderLakeStore(folder);
    const rows = ['2020-01', '2020-02', '2020-03'].flatMap((month) =>
      Array.from({ length: 1500 }, (_, index) => ({
        area: `A${String(index).padStart(4, '0')}`,
        reference_date: `${month}-01`,
        basis: index % 7 === 0 ? ('rebased' as const) : ('as_published' as const),
        value: index,
        note: index % 5 === 0 ? 'headline' : 'x'.repeat(index % 50),
      })),
    );
    await publishDataset(store, monthlyDataset, rows, options('2020-04-01'));
    const manifest = (await readManifest(store, 'monthly', 1)) as Manifest;
    expect(Math.max(...partFiles(manifest, 'json').map((file) => file.bytes))).toBeGreaterThan(2 * 65_536);
    const found = await readVersionRowsContaining(store, manifest, ['"note":"headline"']);
    const expected = (await readVersionRows(store, 'monthly', 1)).filter((row) => row.note === 'headline');
    expect(found.sort(byKey)).toEqual(expected.sort(byKey));
    expect(found).toHaveLength(3 * 300);
    // The logical JSON and CSV editions, joined across the folder store's 64 KiB chunks.
    const text = async (format: 'csv' | 'json') => {
      const chunks: Buffer[] = [];
      for await (const chunk of await openVersionFile(store, manifest, format))
        chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    };
    expect((JSON.parse(await text('json')) as Row[]).sort(byKey)).toEqual([...rows].sort(byKey));
    const csv = Papa.parse<Record<string, string>>(await text('csv'), { header: true, skipEmptyLines: true });
    expect(csv.errors).toEqual([]);
    expect(csv.data).toHaveLength(rows.length);
  });
});

describe('a lake written before partitions', () => {
  it('moves to partitions on the next publish: the change summary, diff, readers and latest/ all follow', async () => {
    const store = new RecordingStore();
    const whole = { ...monthlyDataset, partition: undefined };
    const before = monthlyRows(monthsFrom2020(3));
    await publishDataset(store, whole, before, options('2020-04-01'));
    expect(store.objects.has('datasets/monthly/latest/monthly.csv')).toBe(true);
    const after = monthlyRows(monthsFrom2020(4));
    const result = await publishDataset(store, monthlyDataset, after, options('2020-05-01'));
    if (result.status !== 'published') throw new Error(result.status);
    expect(result.manifest.changes.created).toBe(6);
    expect(result.manifest.changes.updated + result.manifest.changes.deleted).toBe(0);
    const walked = await diffVersions(store, monthlyDataset, 1, 2);
    expect(walked.diff).toEqual(diffRows(monthlyDataset, before, after));
    expect((await readVersionRows(store, 'monthly', 2)).sort(byKey)).toEqual([...after].sort(byKey));
    const latest = [...store.objects.keys()]
      .filter((key) => key.startsWith('datasets/monthly/latest/'))
      .sort();
    expect(latest).not.toContain('datasets/monthly/latest/monthly.csv');
    expect(latest).toContain('datasets/monthly/latest/monthly-2020-04.parquet');
    expect(await verifyDatasets(store)).toEqual([]);
  });

  it('moves rows between partitions when the partitioning changes: the same key is the same row, not deleted and created', async () => {
    const store = new RecordingStore();
    const before = monthlyRows(monthsFrom2020(14));
    await publishDataset(store, monthlyDataset, before, options('2021-03-01'));
    // The re-based series is now split by year; one re-based figure moved, and a month arrives.
    const byYear = {
      ...monthlyDataset,
      partition: {
        of: (row: Row) =>
          row.basis === 'rebased'
            ? `rebased-${String(row.reference_date).slice(0, 4)}`
            : String(row.reference_date).slice(0, 7),
        description: 'one partition per reference month, and one per year of the re-based series',
      },
    };
    const after = monthlyRows(monthsFrom2020(15)).map((row) =>
      row.area === 'QF7' && row.reference_date === '2020-03-01' && row.basis === 'rebased'
        ? { ...row, value: row.value + 1 }
        : row,
    );
    const result = await publishDataset(store, byYear, after, options('2021-04-01'));
    if (result.status !== 'published') throw new Error(result.status);
    expect(new Set(result.manifest.files.map((file) => file.partition))).toContain('rebased-2020');
    expect(result.manifest.files.map((file) => file.partition)).not.toContain('rebased');
    expect(result.manifest.changes).toMatchObject({ created: 6, updated: 1, deleted: 0 });
    expect(result.manifest.changes.updated_keys).toEqual(['QF7|2020-03-01|rebased']);
    const walked = await diffVersions(store, byYear, 1, 2);
    expect(walked.diff).toEqual(diffRows(byYear, before, after));
    const latest = [...store.objects.keys()].filter((key) => key.startsWith('datasets/monthly/latest/'));
    expect(latest).not.toContain('datasets/monthly/latest/monthly-rebased.csv');
    expect(latest).toContain('datasets/monthly/latest/monthly-rebased-2021.csv');
    expect(await verifyDatasets(store)).toEqual([]);
  });
});
