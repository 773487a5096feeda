import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { latestPaths } from '../../lib/lake/latest-files.ts';
import { type PublishOptions, publishDataset } from '../../lib/lake/publish.ts';
import type { LakeStore } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { repairLatest, verifyDatasets } from '../../lib/lake/verify.ts';
import { readLatestPointer } from '../../lib/lake/versions.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { CountingLakeStore, FaultyLakeStore, InjectedCrash } from '../helpers/faulty-store.ts';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

const FORMATS = ['csv', 'json', 'parquet'] as const;
/** Writes of one publish: three editions, datapackage.json, manifest, latest.json, three copies, the marker. */
const WRITES_PER_VERSION = 10;

function options(day: string): PublishOptions {
  return { asOf: day, createdAt: `${day}T06:30:00Z`, pipelineVersion: 'test-1', lineage: [] };
}

/** A memory lake holding v1 of the regions dataset. */
async function lakeAtV1(): Promise<MemoryLakeStore> {
  const store = new MemoryLakeStore();
  await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
  return store;
}
const publishV2 = (store: LakeStore) =>
  publishDataset(store, regionsDataset, regionRows().slice(1), options('2021-07-01'));

async function bytesOf(store: LakeStore, key: string): Promise<Buffer> {
  const body = await store.get(key);
  if (body === undefined) throw new Error(`${key} is missing`);
  return Buffer.from(body);
}

/** The version each latest/ copy is byte-identical to (0 when it matches none). */
async function copyVersions(store: LakeStore, versions: readonly number[]): Promise<number[]> {
  const found: number[] = [];
  for (const format of FORMATS) {
    const copy = await store.get(latestPaths.file('regions', `regions.${format}`));
    let match = 0;
    for (const version of versions) {
      const original = await bytesOf(store, `datasets/regions/v${version}/regions.${format}`);
      if (copy !== undefined && original.equals(Buffer.from(copy))) match = version;
    }
    found.push(match);
  }
  return found;
}

describe('datasets/<name>/latest/', () => {
  it('holds byte-identical copies of the newest version after every publish, on a folder lake', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'lake-latest-'));
    folders.push(folder);
    const store = new FolderLakeStore(folder);
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    expect(await copyVersions(store, [1])).toEqual([1, 1, 1]);
    await publishV2(store);
    expect(await copyVersions(store, [1, 2])).toEqual([2, 2, 2]);
    expect(await bytesOf(store, latestPaths.marker('regions'))).toEqual(
      await bytesOf(store, 'datasets/regions/v2/manifest.json'),
    );
    expect(await verifyDatasets(store)).toEqual([]);
  });

  it('a rerun with the same rows writes nothing, latest/ included', async () => {
    const current = await lakeAtV1();
    const counting = new CountingLakeStore(current);
    const again = await publishDataset(counting, regionsDataset, regionRows(), options('2021-04-02'));
    expect(again.status).toBe('unchanged');
    expect(counting.writes).toBe(0);
  });

  // v2's writes are 11..20: its latest.json is write 16, the copies 17..19 and latest/manifest.json 20.
  it.each([15, 16, 17, 18, 19, 20])(
    'a crash at write %i of v2 never puts the copies ahead of latest.json; the next run brings them forward',
    async (k) => {
      const current = await lakeAtV1();
      const faulty = new FaultyLakeStore(current, k - WRITES_PER_VERSION);
      await expect(publishV2(faulty)).rejects.toThrow(InjectedCrash);

      const pointer = await readLatestPointer(current, 'regions');
      const copies = await copyVersions(current, [1, 2]);
      // Each copy is one committed version's bytes, and never newer than what latest.json announces.
      for (const version of copies) expect(version).toBeGreaterThan(0);
      expect(Math.max(...copies)).toBeLessThanOrEqual(pointer?.version ?? 0);
      if (k <= 17) expect(copies).toEqual([1, 1, 1]);
      // Copies left behind by an interrupted run are a note for verify, not damage (at 15 v2 never committed).
      const findings = await verifyDatasets(current);
      expect(findings.filter((finding) => finding.key.startsWith('datasets/regions/latest/'))).toEqual(
        k === 15 ? [] : [expect.objectContaining({ level: 'note', repairable: 'latest' })],
      );

      // The next run sees unchanged rows (v2 is committed, or rewritten when the crash fell before the manifest).
      await publishV2(current);
      expect(await copyVersions(current, [1, 2])).toEqual([2, 2, 2]);
      expect(await verifyDatasets(current)).toEqual([]);
      const counting = new CountingLakeStore(current);
      await publishV2(counting);
      expect(counting.writes).toBe(0);
    },
  );

  it('verify names a damaged or missing copy, and verify --repair copies the newest version again', async () => {
    const current = await lakeAtV1();
    await publishV2(current);
    await current.put(latestPaths.file('regions', 'regions.csv'), 'region_code\r\nX99\r\n');
    const damaged = await verifyDatasets(current);
    expect(damaged).toEqual([
      expect.objectContaining({
        level: 'problem',
        key: 'datasets/regions/latest/',
        message: expect.stringContaining('regions.csv foreign'),
        repairable: 'latest',
      }),
    ]);
    await current.delete(latestPaths.file('regions', 'regions.parquet'));
    expect(await repairLatest(current, 'regions')).toBe(2);
    expect(await copyVersions(current, [1, 2])).toEqual([2, 2, 2]);
    expect(await verifyDatasets(current)).toEqual([]);
  });

  it('verify calls a marker that copies no committed manifest a problem, not a lag', async () => {
    const current = await lakeAtV1();
    await current.put(latestPaths.marker('regions'), '{"version":1}\n');
    expect(await verifyDatasets(current)).toEqual([
      expect.objectContaining({
        level: 'problem',
        message: expect.stringContaining('manifest.json foreign'),
      }),
    ]);
  });

  it('latest/ is not mistaken for a version folder by verify', async () => {
    const current = await lakeAtV1();
    expect(await verifyDatasets(current)).toEqual([]);
    await current.delete(latestPaths.marker('regions'));
    expect(await verifyDatasets(current)).toEqual([
      expect.objectContaining({
        level: 'note',
        message: expect.stringMatching(/^behind v1 \(manifest.json missing\)/),
      }),
    ]);
  });
});

/** A loopback static server for a lake folder, answering as CloudFront does: `/<key>` → the object. */
async function serveFolder(folder: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const key = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname.slice(1));
    const file = path.join(folder, key);
    if (key.includes('..') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200);
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the README one-liners against latest/', () => {
  it('DuckDB reads the Parquet and CSV copies of a local lake, and curl fetches them over HTTP', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'lake-latest-tools-'));
    folders.push(folder);
    const store = new FolderLakeStore(folder);
    await publishDataset(store, regionsDataset, regionRows(), options('2021-04-01'));
    await publishV2(store);

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const latest = path.join(folder, 'datasets/regions/latest');
      for (const from of [`'${latest}/regions.parquet'`, `read_csv('${latest}/regions.csv')`]) {
        const reader = await connection.runAndReadAll(
          `SELECT count(*) AS n, count(*) FILTER (WHERE region_code = 'E02') AS e02 FROM ${from}`,
        );
        // v2 dropped E02: the copies are the newest version's rows.
        expect(reader.getRowObjectsJson(), from).toEqual([{ n: '3', e02: '0' }]);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }

    const server = await serveFolder(folder);
    try {
      const { stdout } = await promisify(execFile)(
        'curl',
        ['-fsS', `${server.url}/datasets/regions/latest/regions.csv`],
        { encoding: 'buffer' },
      );
      expect(Buffer.from(stdout)).toEqual(await bytesOf(store, 'datasets/regions/v2/regions.csv'));
    } finally {
      await server.close();
    }
  });
});
