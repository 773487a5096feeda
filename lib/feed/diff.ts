import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { diffRows, mergeableKeys, type RowsDiff } from '../lake/diff.ts';
import type { Row } from '../lake/rows.ts';

export type { Row };

/** One row-level change between two versions of a dataset, found by primary key. */
export interface RowChange {
  /** The row's primary key, as `rowKey` renders it (e.g. `QE1|2021-01-01`). */
  key: string;
  op: 'created' | 'updated' | 'deleted';
  /** The row in the older version; `null` when created. */
  before: Row | null;
  /** The row in the newer version; `null` when deleted. */
  after: Row | null;
  /** Columns whose value differs, in schema column order (then any extra columns, sorted). */
  changedFields: string[];
}

/** Columns of a created or deleted row that carry a value, in schema column order (then extras, sorted). */
function populatedColumns(definition: DatasetDefinition, row: Row): string[] {
  const declared = Object.keys(definition.schema.shape);
  const extra = Object.keys(row)
    .filter((column) => !declared.includes(column))
    .sort();
  return [...declared, ...extra].filter((column) => (row[column] ?? null) !== null);
}

function assertUniqueKeys(definition: DatasetDefinition, rows: readonly Row[], side: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = rowKey(definition, row);
    if (seen.has(key)) {
      throw new RangeError(
        `diffByKey(${definition.name}): expected unique primary keys (${definition.primaryKey.join(', ')}) in the ${side} table, found ${JSON.stringify(key)} twice`,
      );
    }
    seen.add(key);
  }
}

/**
 * The changes that turn `before` into `after`, matched by primary key and sorted by key: the lake's `diffRows`
 * as one ordered list of operations. Unchanged rows produce nothing; a row is `updated` when any column differs
 * by value.
 */
export function diffByKey(
  definition: DatasetDefinition,
  before: readonly Row[],
  after: readonly Row[],
): RowChange[] {
  // Rows strictly ascending on plain keys (every published version) are unique already: no set of every key.
  if (mergeableKeys(definition, before) === null) assertUniqueKeys(definition, before, 'before');
  if (mergeableKeys(definition, after) === null) assertUniqueKeys(definition, after, 'after');
  return changesOf(definition, diffRows(definition, before, after));
}

/** The lake's diff as one list of row changes sorted by key (`rowKey` text order), as the feed writes them. */
export function changesOf(definition: DatasetDefinition, diff: RowsDiff): RowChange[] {
  const changes: RowChange[] = [
    ...diff.created.map((row) => ({
      key: rowKey(definition, row),
      op: 'created' as const,
      before: null,
      after: row,
      changedFields: populatedColumns(definition, row),
    })),
    ...diff.updated.map((update) => ({
      key: update.key,
      op: 'updated' as const,
      before: update.before,
      after: update.after,
      changedFields: update.changed_fields,
    })),
    ...diff.deleted.map((row) => ({
      key: rowKey(definition, row),
      op: 'deleted' as const,
      before: row,
      after: null,
      changedFields: populatedColumns(definition, row),
    })),
  ];
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Apply changes to a table (by primary key): the inverse of `diffByKey`, used to check it and by consumers. */
export function applyChanges(
  definition: DatasetDefinition,
  before: readonly Row[],
  changes: readonly Pick<RowChange, 'key' | 'op' | 'after'>[],
): Row[] {
  const byKey = new Map(before.map((row) => [rowKey(definition, row), row] as const));
  for (const change of changes) {
    if (change.op === 'deleted') byKey.delete(change.key);
    else if (change.after !== null) byKey.set(change.key, change.after);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
