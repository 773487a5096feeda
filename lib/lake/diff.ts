import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { canonicalJson, compareByPrimaryKey, type Row } from './rows.ts';

/** A row present in both versions whose values differ. */
export interface RowUpdate {
  /** The primary key as `rowKey` renders it. */
  key: string;
  before: Row;
  after: Row;
  /** Columns whose values differ: schema columns in order, then any extra columns sorted. */
  changed_fields: string[];
}

/** Row-level differences between two versions of a dataset. */
export interface RowsDiff {
  created: Row[];
  updated: RowUpdate[];
  deleted: Row[];
}

function changedFields(declared: readonly string[], before: Row, after: Row): string[] {
  const extra: string[] = [];
  for (const column of Object.keys(before)) if (!declared.includes(column)) extra.push(column);
  for (const column of Object.keys(after))
    if (!declared.includes(column) && !(column in before)) extra.push(column);
  return [...declared, ...extra.sort()].filter((column) => !sameValue(before[column], after[column]));
}

/** Value equality for published cells: null equals missing, arrays and objects compare by canonical JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if ((a ?? null) === (b ?? null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Created, updated (with field-level before/after) and deleted rows between two row sets, matched by primary
 * key and each list sorted by key. Null and missing values compare equal.
 */
export function diffRows(
  definition: DatasetDefinition,
  beforeRows: readonly Row[],
  afterRows: readonly Row[],
): RowsDiff {
  const declared = Object.keys(definition.schema.shape);
  const byKey = (rows: readonly Row[]) => new Map(rows.map((row) => [rowKey(definition, row), row] as const));
  const before = byKey(beforeRows);
  const after = byKey(afterRows);
  const compare = compareByPrimaryKey(definition);
  const created = [...after].filter(([key]) => !before.has(key)).map(([, row]) => row);
  const deleted = [...before].filter(([key]) => !after.has(key)).map(([, row]) => row);
  const updated: RowUpdate[] = [];
  for (const [key, afterRow] of after) {
    const beforeRow = before.get(key);
    if (beforeRow === undefined) continue;
    const changed = changedFields(declared, beforeRow, afterRow);
    if (changed.length > 0)
      updated.push({ key, before: beforeRow, after: afterRow, changed_fields: changed });
  }
  return {
    created: created.sort(compare),
    updated: updated.sort((a, b) => compare(a.after, b.after)),
    deleted: deleted.sort(compare),
  };
}
