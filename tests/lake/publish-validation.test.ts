import { describe, expect, it } from 'vitest';
import { SourceDataError } from '../../lib/core/errors.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';

// Issue 15: uniqueness is now checked on the sorted rows without a set of every key; the refusals and their
// messages must be the ones the single validating pass gave.

const options = { pipelineVersion: 'test', lineage: [], asOf: '2021-01-01', createdAt: '2021-01-01' };

async function refusal(rows: readonly unknown[]): Promise<string> {
  const store = new MemoryLakeStore();
  const error = await publishDataset(store, regionsDataset, rows, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SourceDataError);
  expect(store.objects.size).toBe(0);
  return (error as Error).message;
}

describe('publishDataset refusals', () => {
  const [a, b, c] = regionRows() as [object, object, object];

  it('names both rows of a duplicate key, in the order given', async () => {
    expect(await refusal([a, b, c, { ...b }])).toMatch(
      /expected unique primary key \(region_code\), found "E01" in rows 1 and 3/,
    );
  });

  it('reports a duplicate before a later row that breaks the schema, and a bad row before a later duplicate', async () => {
    const bad = { ...c, population: 'many' };
    expect(await refusal([a, b, { ...a }, bad])).toMatch(/found "E02" in rows 0 and 2/);
    expect(await refusal([a, bad, { ...a }])).toMatch(/row 1 does not match the schema: population/);
  });

  it('publishes unique rows in any order', async () => {
    const store = new MemoryLakeStore();
    const result = await publishDataset(store, regionsDataset, [c, a, b], options);
    expect(result.status).toBe('published');
  });
});
