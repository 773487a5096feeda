import type { DatasetDefinition } from '../core/dataset.ts';
import { rowKey } from '../core/dataset.ts';

/** A table row as published (JSON values). */
export type Row = Record<string, unknown>;

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

/**
 * JSON with object keys sorted, so two rows compare by value regardless of key order.
 * `undefined` and `null` compare equal, because both mean "no value" once published as JSON.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function columnOrder(definition: DatasetDefinition, rows: readonly (Row | null)[]): string[] {
  const declared = Object.keys(definition.schema.shape);
  const extra = new Set<string>();
  for (const row of rows) {
    if (row === null) continue;
    for (const column of Object.keys(row)) if (!declared.includes(column)) extra.add(column);
  }
  return [...declared, ...[...extra].sort()];
}

function changedColumns(definition: DatasetDefinition, before: Row | null, after: Row | null): string[] {
  return columnOrder(definition, [before, after]).filter(
    (column) => canonicalJson(before?.[column]) !== canonicalJson(after?.[column]),
  );
}

function indexByKey(definition: DatasetDefinition, rows: readonly Row[], side: string): Map<string, Row> {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const key = rowKey(definition, row);
    if (byKey.has(key)) {
      throw new RangeError(
        `diffByKey(${definition.name}): expected unique primary keys (${definition.primaryKey.join(', ')}) in the ${side} table, found ${JSON.stringify(key)} twice`,
      );
    }
    byKey.set(key, row);
  }
  return byKey;
}

/**
 * The changes that turn `before` into `after`, matched by primary key and sorted by key.
 * Unchanged rows produce nothing; a row is `updated` when any column differs by value.
 */
export function diffByKey(
  definition: DatasetDefinition,
  before: readonly Row[],
  after: readonly Row[],
): RowChange[] {
  const beforeByKey = indexByKey(definition, before, 'before');
  const afterByKey = indexByKey(definition, after, 'after');
  const keys = [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])].sort();
  const changes: RowChange[] = [];
  for (const key of keys) {
    const old = beforeByKey.get(key) ?? null;
    const current = afterByKey.get(key) ?? null;
    if (old === null && current !== null) {
      changes.push({
        key,
        op: 'created',
        before: null,
        after: current,
        changedFields: changedColumns(definition, null, current),
      });
    } else if (old !== null && current === null) {
      changes.push({
        key,
        op: 'deleted',
        before: old,
        after: null,
        changedFields: changedColumns(definition, old, null),
      });
    } else if (old !== null && current !== null) {
      const changedFields = changedColumns(definition, old, current);
      if (changedFields.length > 0)
        changes.push({ key, op: 'updated', before: old, after: current, changedFields });
    }
  }
  return changes;
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
