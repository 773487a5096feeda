import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { canonicalJson, compareByPrimaryKey, type Row } from './rows.ts';
import type { LakeStore } from './store.ts';
import { forEachVersionRow, readVersionRows } from './versions.ts';

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

/** Columns whose values differ: schema columns in order, then any extra columns sorted. */
export function changedFields(declared: readonly string[], before: Row, after: Row): string[] {
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
  const merge = new MergeDiff(definition, afterRows);
  for (const row of beforeRows) if (!merge.push(row)) break;
  return merge.finish() ?? keyedDiff(definition, beforeRows, afterRows);
}

/**
 * The diff of a committed version (read as it streams, never held whole) against rows in memory: the publish's
 * change summary costs memory for the changes, not for the previous version. Falls back to reading the version
 * whole and `diffRows` when its rows cannot be merge-walked.
 */
export async function diffWithVersion(
  store: LakeStore,
  definition: DatasetDefinition,
  version: number,
  afterRows: readonly Row[],
  afterKeyTypes?: KeyTypes | null,
): Promise<RowsDiff> {
  return diffWithSource(
    definition,
    {
      eachRow: (onRow) => forEachVersionRow(store, definition.name, version, onRow),
      readAll: () => readVersionRows(store, definition.name, version),
    },
    afterRows,
    afterKeyTypes,
  );
}

/** Older rows that can be streamed one at a time (`eachRow`, a TypeError when not one row per line) or read whole. */
export interface RowSource {
  eachRow(onRow: (row: Row) => void): Promise<void>;
  readAll(): Promise<Row[]>;
}

/** As diffWithVersion, for any streamed source of older rows (a version, or one partition's file). */
export async function diffWithSource(
  definition: DatasetDefinition,
  source: RowSource,
  afterRows: readonly Row[],
  afterKeyTypes?: KeyTypes | null,
): Promise<RowsDiff> {
  const merge = new MergeDiff(definition, afterRows, afterKeyTypes);
  if (merge.mergeable) {
    const streamed = await source
      .eachRow((row) => {
        merge.push(row);
      })
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof TypeError) return false;
          throw error;
        },
      );
    const diff = streamed ? merge.finish() : null;
    if (diff !== null) return diff;
  }
  return diffRows(definition, await source.readAll(), afterRows);
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
      const type = keyType(row[columns[column] as string]);
      if (type === null || (types[column] !== undefined && types[column] !== type)) return null;
      types[column] = type;
    }
    if (index > 0 && compare(rows[index - 1] as Row, row) >= 0) return null;
  }
  return types;
}

/**
 * A merge walk fed the older rows one at a time against the newer rows in memory (strictly ascending on plain
 * keys, see `mergeableKeys`). `push` returns false, and `finish` null, as soon as the older rows turn out not to
 * be mergeable the same way; the caller then diffs by keyed maps.
 */
class MergeDiff {
  readonly mergeable: boolean;
  private readonly diff: RowsDiff = { created: [], updated: [], deleted: [] };
  private readonly declared: string[];
  private readonly compare: (a: Row, b: Row) => number;
  private readonly types: KeyTypes;
  private previous: Row | undefined;
  private next = 0;
  private failed = false;

  /** `afterTypes`: mergeableKeys of `after`, when the caller has it already (it is a pass over every row). */
  constructor(
    private readonly definition: DatasetDefinition,
    private readonly after: readonly Row[],
    afterTypes?: KeyTypes | null,
  ) {
    const types = afterTypes === undefined ? mergeableKeys(definition, after) : afterTypes && [...afterTypes];
    this.mergeable = types !== null;
    this.types = types ?? [];
    this.declared = Object.keys(definition.schema.shape);
    this.compare = compareByPrimaryKey(definition);
  }

  push(row: Row): boolean {
    if (!this.mergeable || this.failed) return false;
    const ascending = this.previous === undefined || this.compare(this.previous, row) < 0;
    if (!ascending || !this.plainKey(row)) {
      this.failed = true;
      return false;
    }
    this.previous = row;
    let afterRow = this.after[this.next];
    while (afterRow !== undefined && this.compare(afterRow, row) < 0) {
      this.diff.created.push(afterRow);
      afterRow = this.after[++this.next];
    }
    if (afterRow === undefined || this.compare(afterRow, row) !== 0) {
      this.diff.deleted.push(row);
      return true;
    }
    this.next += 1;
    const changed = changedFields(this.declared, row, afterRow);
    if (changed.length > 0)
      this.diff.updated.push({
        key: rowKey(this.definition, afterRow),
        before: row,
        after: afterRow,
        changed_fields: changed,
      });
    return true;
  }

  finish(): RowsDiff | null {
    if (!this.mergeable || this.failed) return null;
    for (; this.next < this.after.length; this.next++) this.diff.created.push(this.after[this.next] as Row);
    return this.diff;
  }

  /** The row's key values are of the kinds and types the walk matches as `rowKey` does (see mergeableKeys). */
  private plainKey(row: Row): boolean {
    const columns = this.definition.primaryKey;
    for (let column = 0; column < columns.length; column++) {
      const type = keyType(row[columns[column] as string]);
      if (type === null) return false;
      if (this.types[column] === undefined) this.types[column] = type;
      else if (this.types[column] !== type) return false;
    }
    return true;
  }
}

function keyType(value: unknown): 'string' | 'number' | null {
  if (typeof value === 'string') return value.includes('|') ? null : 'string';
  return typeof value === 'number' && Number.isFinite(value) ? 'number' : null;
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
