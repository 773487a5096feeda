import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeDamagedError } from '../../lib/core/errors.ts';
import { diffRows } from '../../lib/lake/diff.ts';
import { lakePaths } from '../../lib/lake/manifest.ts';
import type { LakeStore } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { diffVersions } from '../../lib/lake/version-diff.ts';
import { readVersionRows } from '../../lib/lake/versions.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { publishRegions, type Region, regionTable } from '../helpers/region-versions.ts';

// Issue 15: the diff of two versions walks their JSON editions line against line, parsing only lines that differ.
// It must answer exactly as diffRows on the versions read whole.

const name = regionsDataset.name;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ics-lake-version-diff-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const table = regionTable(['E01', 'E02', 'E03', 'E10', 'E11', 'F01', 'F02'], ['a', ',', '\n', '"', 'é', ']']);

async function publishBoth(store: LakeStore, before: readonly Region[], after: readonly Region[]) {
  await publishRegions(store, before, '2021-01-01');
  return publishRegions(store, after, '2021-02-01');
}

async function wholeDiff(store: LakeStore, older: number, newer: number) {
  const before = older === 0 ? [] : await readVersionRows(store, name, older);
  const after = await readVersionRows(store, name, newer);
  return { diff: diffRows(regionsDataset, before, after), previousRows: before.length, rows: after.length };
}

describe('diffVersions', () => {
  it('equals diffRows of the versions read whole, for random pairs of versions', async () => {
    await fc.assert(
      fc.asyncProperty(
        table.filter((rows) => rows.length > 0),
        table,
        async (before, after) => {
          const store = new MemoryLakeStore();
          const second = await publishBoth(store, before, after);
          const newer = second.version;
          expect(await diffVersions(store, regionsDataset, newer - 1, newer)).toEqual(
            await wholeDiff(store, newer - 1, newer),
          );
          expect(await diffVersions(store, regionsDataset, 0, 1)).toEqual(await wholeDiff(store, 0, 1));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('reads large editions across chunk boundaries on a folder lake', async () => {
    const store = new FolderLakeStore(path.join(dir, 'large'));
    const base = regionRows()[0] as Region;
    const many = (shift: number) =>
      Array.from({ length: 2500 }, (_, i) => ({
        ...base,
        region_code: `${String.fromCharCode(65 + Math.floor(i / 100))}${String(i % 100).padStart(2, '0')}`,
        name: `région ${i} ${'x'.repeat(i % 37)}`,
        population: i % 97 === 0 ? i + shift : i,
      }));
    const before = many(0).filter((_, i) => i % 500 !== 1);
    const after = many(1).filter((_, i) => i % 700 !== 2);
    await publishBoth(store, before, after);
    const walked = await diffVersions(store, regionsDataset, 1, 2);
    expect(walked).toEqual(await wholeDiff(store, 1, 2));
    expect(walked.diff.updated.length).toBeGreaterThan(10);
    expect(walked.diff.created.length + walked.diff.deleted.length).toBeGreaterThan(5);
  });

  it('refuses an edition whose bytes do not match its manifest', async () => {
    const store = new MemoryLakeStore();
    await publishBoth(store, regionRows(), regionRows().slice(1));
    const key = lakePaths.file(name, 2, `${name}.json`);
    const text = new TextDecoder().decode(store.objects.get(key));
    store.objects.set(key, new TextEncoder().encode(text.replace('"population":', '"population": ')));
    await expect(diffVersions(store, regionsDataset, 1, 2)).rejects.toThrow(LakeDamagedError);
    store.objects.set(key, new TextEncoder().encode(text.replace(/\n\]\n$/, '\n')));
    await expect(diffVersions(store, regionsDataset, 1, 2)).rejects.toThrow(/does not match its manifest/);
  });
});
