import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowKey } from '../../lib/core/dataset.ts';
import { applyChanges, diffByKey, type Row } from '../../lib/feed/diff.ts';
import { rowChangeEvent } from '../../lib/feed/events.ts';
import { canonicalJson } from '../../lib/lake/rows.ts';
import { populationDefinition } from './definitions.ts';

const definition = populationDefinition;

/** Random population tables: keys drawn from a small space so before/after overlap, values that often coincide. */
const table = fc.uniqueArray(
  fc.record({
    ics_code: fc.constantFrom('QE1', 'QHG', 'QJ2', 'QKS'),
    reference_date: fc.constantFrom('2020-06-30', '2021-06-30'),
    measure: fc.constantFrom('all', 'female', 'male'),
    value: fc.integer({ min: 0, max: 3 }),
    note: fc.option(fc.constantFrom('a', 'b', '<script>'), { nil: null }),
    tags: fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
  }),
  { selector: (row) => rowKey(definition, row), maxLength: 24 },
);

function canonicalTable(rows: readonly Row[]): string[] {
  return rows.map((row) => canonicalJson(row)).sort();
}

describe('diffByKey', () => {
  it('produces events that turn the before table into the after table', () => {
    fc.assert(
      fc.property(table, table, (before, after) => {
        const events = diffByKey(definition, before, after).map((change) =>
          rowChangeEvent(definition, 2, '2021-07-01T00:00:00Z', change),
        );
        const applied = applyChanges(
          definition,
          before,
          events.map((event) => ({
            key: event.data.key,
            op: event.data.op as 'created' | 'updated' | 'deleted',
            after: event.data.after,
          })),
        );
        expect(canonicalTable(applied)).toEqual(canonicalTable(after));
      }),
      { numRuns: 300 },
    );
  });

  it('emits nothing for rows that are unchanged, and names exactly the differing fields of updates', () => {
    fc.assert(
      fc.property(table, table, (before, after) => {
        const beforeByKey = new Map(before.map((row) => [rowKey(definition, row), row]));
        const afterByKey = new Map(after.map((row) => [rowKey(definition, row), row]));
        const changes = diffByKey(definition, before, after);
        const changedKeys = new Set(changes.map((change) => change.key));
        for (const [key, row] of beforeByKey) {
          const other = afterByKey.get(key);
          const unchanged = other !== undefined && canonicalJson(other) === canonicalJson(row);
          expect(changedKeys.has(key)).toBe(!unchanged);
        }
        for (const change of changes.filter((c) => c.op === 'updated')) {
          const old = beforeByKey.get(change.key) as Row;
          const current = afterByKey.get(change.key) as Row;
          const differing = Object.keys(old).filter(
            (field) => canonicalJson(old[field]) !== canonicalJson(current[field]),
          );
          expect([...change.changedFields].sort()).toEqual(differing.sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives every event a deterministic id that is unique within the version', () => {
    fc.assert(
      fc.property(table, table, (before, after) => {
        const build = () =>
          diffByKey(definition, before, after).map(
            (change) => rowChangeEvent(definition, 7, '2021-07-01T00:00:00Z', change).id,
          );
        const ids = build();
        expect(build()).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 100 },
    );
  });

  it('treats key order and missing-versus-null as equal, and arrays by value', () => {
    const before = [
      { ics_code: 'QE1', reference_date: '2021', measure: 'all', value: 1, note: null, tags: ['x'] },
    ];
    const after = [{ tags: ['x'], value: 1, measure: 'all', reference_date: '2021', ics_code: 'QE1' }];
    expect(diffByKey(definition, before, after)).toEqual([]);
    const retagged = [{ ...after[0], tags: ['x', 'y'] }];
    expect(diffByKey(definition, before, retagged)).toMatchObject([
      { op: 'updated', changedFields: ['tags'] },
    ]);
  });

  it('refuses a table with a duplicate primary key instead of guessing', () => {
    const row = { ics_code: 'QE1', reference_date: '2021', measure: 'all', value: 1 };
    expect(() => diffByKey(definition, [row, { ...row, value: 2 }], [])).toThrow(
      /unique primary keys.*QE1\|2021\|all/,
    );
  });
});
