import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileKey, Manifest } from '../../lib/lake/manifest.ts';
import { type PublishOptions, publishDataset } from '../../lib/lake/publish.ts';
import { sha256Hex } from '../../lib/lake/rows.ts';
import { getText, type LakeStore } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { readLatestPointer } from '../../lib/lake/versions.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { monthlyDataset, monthlyRows, monthsFrom2020 } from '../fixtures/lake/monthly.ts';
import { CountingLakeStore, FaultyLakeStore, InjectedCrash, lakeHashes } from '../helpers/faulty-store.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';

let fauxqs: Fauxqs;
const folders: string[] = [];
let buckets = 0;
beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  await fauxqs.stop();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/**
 * `crashPoints` limits the slower HTTP run to the commit points (manifest, latest.json) and the latest/ copies
 * after them; the others try every write.
 */
const adapters: { name: string; create(): Promise<LakeStore>; crashPoints?: number[] }[] = [
  { name: 'memory', create: async () => new MemoryLakeStore() },
  {
    name: 'folder',
    create: async () => {
      const folder = await mkdtemp(path.join(tmpdir(), 'lake-crash-'));
      folders.push(folder);
      return new FolderLakeStore(folder);
    },
  },
  {
    name: 's3 (fauxqs)',
    create: async () => {
      const client = fauxqsS3Client(fauxqs);
      const bucket = `crash-${++buckets}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3LakeStore({ client, bucket, enforcesConditionalCreate: false });
    },
    crashPoints: [5, 6, 7, 10, 16, 25],
  },
];

function options(day: string): PublishOptions {
  return {
    asOf: day,
    createdAt: `${day}T06:30:00Z`,
    pipelineVersion: 'test-1',
    lineage: [{ sha256: sha256Hex(`raw ${day}`), url: `https://www.england.nhs.uk/${day}` }],
  };
}

/** Three runs of a replayed history: v1 (4 rows), v2 (a row deleted), v3 (every population changed). */
const history = [
  { rows: regionRows(), day: '2021-04-01' },
  { rows: regionRows().slice(1), day: '2021-07-01' },
  {
    rows: regionRows()
      .slice(1)
      .map((row) => ({ ...row, population: row.population + 1 })),
    day: '2021-10-01',
  },
];

async function replay(store: LakeStore): Promise<void> {
  for (const step of history) await publishDataset(store, regionsDataset, step.rows, options(step.day));
}

/** The version latest.json points at, after checking that every file of it matches the manifest's hashes. */
async function completeLatestVersion(store: LakeStore): Promise<number | undefined> {
  const pointer = await readLatestPointer(store, 'regions');
  if (pointer === undefined) return undefined;
  const manifestText = await getText(store, pointer.manifest);
  expect(sha256Hex(manifestText ?? '')).toBe(pointer.manifest_sha256);
  const manifest = Manifest.parse(JSON.parse(manifestText ?? ''));
  for (const file of [...manifest.files, { name: 'datapackage.json', ...manifest.datapackage }]) {
    const body = await store.get(`datasets/regions/v${manifest.version}/${file.name}`);
    expect(body && sha256Hex(body), file.name).toBe(file.sha256);
  }
  return manifest.version;
}

describe.each(adapters)('crash safety on the $name store', (adapter) => {
  it('keeps latest.json on a complete version after a crash at every write, and a rerun gives the same lake', async () => {
    const clean = await adapter.create();
    const counter = new CountingLakeStore(clean);
    await replay(counter);
    const expected = await lakeHashes(clean);
    // Ten writes per version: three editions, datapackage.json, the manifest, latest.json, then the three
    // latest/ copies and latest/manifest.json.
    expect(counter.writes).toBe(30);

    const crashPoints =
      adapter.crashPoints ?? Array.from({ length: counter.writes }, (_, index) => index + 1);
    for (const k of crashPoints) {
      const store = await adapter.create();
      await expect(replay(new FaultyLakeStore(store, k))).rejects.toThrow(InjectedCrash);
      const visible = await completeLatestVersion(store);
      // The pointer is the 6th write of each version: it lags by one version until that write lands.
      expect(visible, `latest version after a crash at write ${k}`).toBe(
        k <= 6 ? undefined : Math.floor((k + 3) / 10),
      );
      await replay(store);
      expect(await lakeHashes(store), `lake after a crash at write ${k} and a clean rerun`).toEqual(expected);
    }
  });
});

/**
 * The same protocol for a partitioned dataset: part files (written only when absent, shared between versions)
 * come before the manifest, so a crash leaves at most parts no manifest lists, which the rerun reuses.
 */
const partitionedHistory = [
  { rows: monthlyRows(monthsFrom2020(2)), day: '2020-03-01' },
  { rows: monthlyRows(monthsFrom2020(3)), day: '2020-04-01' },
  { rows: monthlyRows(monthsFrom2020(3, 1), 1), day: '2020-05-01' },
];

async function replayPartitioned(store: LakeStore): Promise<void> {
  for (const step of partitionedHistory)
    await publishDataset(store, monthlyDataset, step.rows, options(step.day));
}

/** The version latest.json points at, after checking every part it lists against the manifest's hashes. */
async function completeLatestPartitioned(store: LakeStore): Promise<number | undefined> {
  const pointer = await readLatestPointer(store, 'monthly');
  if (pointer === undefined) return undefined;
  const manifest = Manifest.parse(JSON.parse((await getText(store, pointer.manifest)) ?? ''));
  for (const file of manifest.files) {
    const body = await store.get(fileKey(manifest, file));
    expect(body && sha256Hex(body), file.path).toBe(file.sha256);
  }
  return manifest.version;
}

describe.each(adapters)('crash safety of a partitioned dataset on the $name store', (adapter) => {
  it('keeps latest.json on a complete version after a crash at every write, and a rerun gives the same lake', async () => {
    const clean = await adapter.create();
    const counter = new CountingLakeStore(clean);
    await replayPartitioned(counter);
    const expected = await lakeHashes(clean);
    const crashPoints =
      adapter.crashPoints === undefined
        ? Array.from({ length: counter.writes }, (_, index) => index + 1)
        : [1, 6, 9, 12, Math.floor(counter.writes / 2), counter.writes];
    for (const k of crashPoints) {
      const store = await adapter.create();
      await expect(replayPartitioned(new FaultyLakeStore(store, k))).rejects.toThrow(InjectedCrash);
      const visible = await completeLatestPartitioned(store);
      expect(visible === undefined || visible <= 3, `latest after a crash at write ${k}`).toBe(true);
      await replayPartitioned(store);
      expect(await lakeHashes(store), `lake after a crash at write ${k} and a clean rerun`).toEqual(expected);
    }
  });
});
