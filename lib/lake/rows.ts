import { createHash } from 'node:crypto';
import type { DatasetDefinition } from '../core/dataset.ts';

/** A published row: plain JSON values, keyed by column name. */
export type Row = Record<string, unknown>;

/** JSON with object keys sorted and `undefined` dropped, so equal values always give equal text. */
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

/**
 * sha256 of rows' content, independent of column order: the sorted column names, then one JSON array of values
 * per row in that column order. Rows must already be projected onto plain JSON values (see `projectRow`), which
 * makes `JSON.stringify` canonical for them; hashing in pieces avoids building one large string.
 */
export function rowsContentHash(columns: readonly string[], rows: Iterable<Row>): string {
  const ordered = [...columns].sort();
  const hash = createHash('sha256').update(`${JSON.stringify(ordered)}\n`);
  // The same bytes as one update per row, fed a few thousand rows at a time (an update per row costs more).
  let piece = '';
  let count = 0;
  for (const row of rows) {
    piece += `${JSON.stringify(ordered.map((column) => row[column] ?? null))}\n`;
    if (++count % 2000 === 0) {
      hash.update(piece);
      piece = '';
    }
  }
  return hash.update(piece).digest('hex');
}

/** Hex sha256 of bytes or UTF-8 text. */
export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A comparator ordering rows by the dataset's primary key columns, in order (numbers numerically). */
export function compareByPrimaryKey(definition: DatasetDefinition): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const column of definition.primaryKey) {
      const order = compareValues(a[column], b[column]);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** The rows sorted by primary key (a copy): the one row order every published format uses. */
export function sortRows<T extends Row>(definition: DatasetDefinition, rows: readonly T[]): T[] {
  return [...rows].sort(compareByPrimaryKey(definition));
}

/** Project a row onto the schema's columns, in schema order, with missing values as null. */
export function projectRow(columns: readonly string[], row: Row): Row {
  const projected: Row = {};
  for (const column of columns) projected[column] = row[column] ?? null;
  return projected;
}
