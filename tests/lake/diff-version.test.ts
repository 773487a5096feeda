import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LakeDamagedError } from '../../lib/core/errors.ts';
import { diffRows, diffWithVersion } from '../../lib/lake/diff.ts';
import { lakePaths } from '../../lib/lake/manifest.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { readVersionRows } from '../../lib/lake/versions.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { publishRegions, type Region, regionTable } from '../helpers/region-versions.ts';

// Issue 15: publish diffs the new rows against the previous version as it streams from the lake, so a full-history
// version is never held twice. The answer must be the one the in-memory diff gives.

const table = regionTable(['E01', 'E02', 'E03', 'E10', 'E11', 'F01']);

async function committed(rows: readonly Region[]): Promise<MemoryLakeStore> {
  const store = new MemoryLakeStore();
  await publishRegions(store, rows, '2021-01-01');
  return store;
}

describe('diffWithVersion', () => {
  it('gives the diff of the version read whole, for random versions', async () => {
    await fc.assert(
      fc.asyncProperty(
        table.filter((rows) => rows.length > 0),
        table,
        async (before, after) => {
          const store = await committed(before);
          const sorted = [...after].sort((a, b) => (a.region_code < b.region_code ? -1 : 1));
          const whole = diffRows(
            regionsDataset,
            await readVersionRows(store, regionsDataset.name, 1),
            sorted,
          );
          expect(await diffWithVersion(store, regionsDataset, 1, sorted)).toEqual(whole);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives the same diff when the new rows are not sorted (the keyed fallback)', async () => {
    const store = await committed(regionRows());
    const shuffled = [...regionRows()].reverse().map((row, index) => ({ ...row, population: index }));
    const whole = diffRows(regionsDataset, await readVersionRows(store, regionsDataset.name, 1), shuffled);
    expect(await diffWithVersion(store, regionsDataset, 1, shuffled)).toEqual(whole);
    expect(whole.updated.length).toBeGreaterThan(0);
  });

  it('refuses a previous version whose JSON edition does not match its manifest', async () => {
    const store = await committed(regionRows());
    const key = lakePaths.file(regionsDataset.name, 1, `${regionsDataset.name}.json`);
    const bytes = store.objects.get(key) as Uint8Array;
    store.objects.set(key, new TextEncoder().encode(new TextDecoder().decode(bytes).replace('E02', 'E09')));
    await expect(diffWithVersion(store, regionsDataset, 1, [])).rejects.toThrow(LakeDamagedError);
    await expect(diffWithVersion(store, regionsDataset, 1, [])).rejects.toThrow(
      /does not match its manifest/,
    );
  });
});
