import type { Column } from '../columns.ts';
import type { Row } from '../rows.ts';

/**
 * JSON edition: one JSON array, one row object per line (so it diffs well and DuckDB's `read_json` and any
 * JSON library read it). Values are raw: no formula guard, nulls as `null`, arrays as arrays, dates as ISO text.
 */
export const JSON_MEDIA_TYPE = 'application/json';

/** Render rows (already validated and sorted) as the JSON edition, keys in schema column order. */
export function renderJson(columns: readonly Column[], rows: Iterable<Row>): string {
  const lines: string[] = [];
  for (const row of rows) {
    const ordered: Row = {};
    for (const column of columns) ordered[column.name] = row[column.name] ?? null;
    lines.push(JSON.stringify(ordered));
  }
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** Parse the JSON edition back into rows. */
export function parseJsonRows(text: string): Row[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new TypeError('Expected the JSON edition to be an array of rows');
  return parsed as Row[];
}
