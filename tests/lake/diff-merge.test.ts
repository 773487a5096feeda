import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDataset, rowKey } from '../../lib/core/dataset.ts';
import { diffByKey } from '../../lib/feed/diff.ts';
import { diffRows, keyedDiff, mergeableKeys } from '../../lib/lake/diff.ts';
import { type Row, sortRows } from '../../lib/lake/rows.ts';

// Issue 15: the merge walk that replaced the keyed maps must give exactly the answer the maps gave, on any input.

/** A composite key of a string and a number, shaped like ics_population's (code, date, age...). */
const definition = defineDataset({
  name: 'merge_test',
  title: 'Merge diff test',
  description: 'Test-only rows with a composite key.',
  schema: z.object({
    code: z.string(),
    age: z.number(),
    value: z.number().nullable(),
    note: z.string().nullable().optional(),
    tags: z.array(z.string()),
  }),
  primaryKey: ['code', 'age'],
  columns: { code: 'Code', age: 'Age', value: 'Value', note: 'Note', tags: 'Tags' },
});

/** Key values from a small space (so before and after overlap), including ones the merge must refuse. */
const plainCode = fc.constantFrom('QE1', 'QHG', 'Q10', 'Q9', 'a', 'A', '');
const awkwardCode = fc.constantFrom('Q|1', 'Q', null, undefined, 7);
const row = (code: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      code,
      age: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constant(0.5)),
      value: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      note: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
      tags: fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
      extra: fc.constantFrom(1, 2),
    },
    { requiredKeys: ['code', 'age', 'value', 'tags'] },
  ) as fc.Arbitrary<Row>;

/** A published version: unique by key and sorted by key, as every version in the lake is. */
const sortedTable = fc
  .uniqueArray(row(plainCode), { selector: (r) => `${r.code}|${r.age}`, maxLength: 40 })
  .map((rows) => sortRows(definition, rows));
/** Anything: awkward keys, any order, duplicates. */
const anyTable = fc.array(row(fc.oneof(plainCode, awkwardCode)), { maxLength: 30 });

describe('diffRows (merge walk)', () => {
  it('equals the keyed-map diff on random sorted versions', () => {
    fc.assert(
      fc.property(sortedTable, sortedTable, (before, after) => {
        expect(mergeableKeys(definition, before)).not.toBeNull();
        expect(diffRows(definition, before, after)).toEqual(keyedDiff(definition, before, after));
      }),
      { numRuns: 500 },
    );
  });

  it('equals the keyed-map diff on any rows, falling back where a walk cannot match keys as rowKey does', () => {
    fc.assert(
      fc.property(fc.oneof(sortedTable, anyTable), fc.oneof(sortedTable, anyTable), (before, after) => {
        expect(diffRows(definition, before, after)).toEqual(keyedDiff(definition, before, after));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the feed the same changes as before on sorted versions', () => {
    fc.assert(
      fc.property(sortedTable, sortedTable, (before, after) => {
        const keyed = keyedDiff(definition, before, after);
        const expected = [
          ...keyed.created.map((r) => [rowKey(definition, r), 'created', null, r]),
          ...keyed.updated.map((u) => [u.key, 'updated', u.before, u.after]),
          ...keyed.deleted.map((r) => [rowKey(definition, r), 'deleted', r, null]),
        ].sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : String(x[0]) > String(y[0]) ? 1 : 0));
        const changes = diffByKey(definition, before, after);
        expect(changes.map((c) => [c.key, c.op, c.before, c.after])).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses the walk for unsorted, duplicate, separator-bearing or mixed-type keys', () => {
    const a = { code: 'A', age: 1, value: 1, tags: [] };
    const b = { code: 'B', age: 1, value: 1, tags: [] };
    expect(mergeableKeys(definition, [a, b])).toEqual(['string', 'number']);
    expect(mergeableKeys(definition, [b, a])).toBeNull();
    expect(mergeableKeys(definition, [a, a])).toBeNull();
    expect(mergeableKeys(definition, [{ ...a, code: 'A|1' }])).toBeNull();
    expect(mergeableKeys(definition, [a, { ...b, age: '2' }])).toBeNull();
    expect(mergeableKeys(definition, [{ ...a, code: null }])).toBeNull();
  });

  it('still refuses duplicate keys in the feed when the rows are not a sorted version', () => {
    const a = { code: 'A', age: 1, value: 1, tags: [] };
    expect(() => diffByKey(definition, [a, a], [])).toThrow(/expected unique primary keys/);
  });
});
