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
 *
 * Published versions are already sorted by primary key, so the usual case is one merge walk over both lists: no
 * map of every row, no key string per row, and nothing sorted afterwards. Inputs that are not strictly ascending
 * on plain keys (see `mergeableKeys`) take the keyed-map path, which gives the same answer.
 */
export function diffRows(
  definition: DatasetDefinition,
  beforeRows: readonly Row[],
  afterRows: readonly Row[],
): RowsDiff {
  const before = mergeableKeys(definition, beforeRows);
  const after = mergeableKeys(definition, afterRows);
  if (before !== null && after !== null && sameKeyTypes(before, after))
    return mergeDiff(definition, beforeRows, afterRows);
  return keyedDiff(definition, beforeRows, afterRows);
}

/** Per primary-key column: the type of every value (`string` or `number`), or undefined for no rows. */
export type KeyTypes = ('string' | 'number' | undefined)[];

/**
 * Whether a merge walk can match these rows exactly as `rowKey` would: every key value a string without the `|`
 * separator or a finite number, one type per column, and the rows strictly ascending by `compareByPrimaryKey`
 * (hence unique). Returns the key columns' types, or null when the rows need the keyed path.
 */
export function mergeableKeys(definition: DatasetDefinition, rows: readonly Row[]): KeyTypes | null {
  const columns = definition.primaryKey;
  const types: KeyTypes = columns.map(() => undefined);
  const compare = compareByPrimaryKey(definition);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row;
    for (let column = 0; column < columns.length; column++) {
      const value = row[columns[column] as string];
      const type =
        typeof value === 'string' && !value.includes('|')
          ? 'string'
          : typeof value === 'number' && Number.isFinite(value)
            ? 'number'
            : null;
      if (type === null || (types[column] !== undefined && types[column] !== type)) return null;
      types[column] = type;
    }
    if (index > 0 && compare(rows[index - 1] as Row, row) >= 0) return null;
  }
  return types;
}

function sameKeyTypes(a: KeyTypes, b: KeyTypes): boolean {
  return a.every((type, column) => type === undefined || b[column] === undefined || type === b[column]);
}

/** The diff of two lists strictly ascending by primary key, in one merge walk (see `mergeableKeys`). */
function mergeDiff(definition: DatasetDefinition, before: readonly Row[], after: readonly Row[]): RowsDiff {
  const declared = Object.keys(definition.schema.shape);
  const compare = compareByPrimaryKey(definition);
  const diff: RowsDiff = { created: [], updated: [], deleted: [] };
  let b = 0;
  let a = 0;
  while (b < before.length || a < after.length) {
    const beforeRow = before[b];
    const afterRow = after[a];
    const order = beforeRow === undefined ? 1 : afterRow === undefined ? -1 : compare(beforeRow, afterRow);
    if (order < 0) {
      diff.deleted.push(beforeRow as Row);
      b++;
    } else if (order > 0) {
      diff.created.push(afterRow as Row);
      a++;
    } else {
      const changed = changedFields(declared, beforeRow as Row, afterRow as Row);
      if (changed.length > 0)
        diff.updated.push({
          key: rowKey(definition, afterRow as Row),
          before: beforeRow as Row,
          after: afterRow as Row,
          changed_fields: changed,
        });
      b++;
      a++;
    }
  }
  return diff;
}

/** The diff by a map of each side keyed by `rowKey`: any rows, in any order (a later duplicate key wins). */
export function keyedDiff(
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
