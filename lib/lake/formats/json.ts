import type { Column } from '../columns.ts';
import type { Row } from '../rows.ts';

/**
 * JSON edition: one JSON array, one row object per line (so it diffs well and DuckDB's `read_json` and any
 * JSON library read it). Values are raw: no formula guard, nulls as `null`, arrays as arrays, dates as ISO text.
 *
 * Editions are written and read in pieces, never as one string: a full-history `ics_population` edition passes
 * V8's limit on a string's length (about 512 MiB), and one string would also double the memory a publish needs.
 */
export const JSON_MEDIA_TYPE = 'application/json';

/** Rows per piece of rendered text: large enough to keep the per-piece overhead negligible. */
const ROWS_PER_PIECE = 2000;

/** The JSON edition as pieces of text (their concatenation is the edition), keys in schema column order. */
export function* jsonEditionPieces(columns: readonly Column[], rows: Iterable<Row>): Generator<string> {
  let piece = '';
  let count = 0;
  for (const row of rows) {
    const ordered: Row = {};
    for (const column of columns) ordered[column.name] = row[column.name] ?? null;
    piece += `${count === 0 ? '[\n' : ',\n'}${JSON.stringify(ordered)}`;
    count += 1;
    if (count % ROWS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield count === 0 ? '[]\n' : `${piece}\n]\n`;
}

/** Render rows (already validated and sorted) as the JSON edition, keys in schema column order. */
export function renderJson(columns: readonly Column[], rows: Iterable<Row>): string {
  return [...jsonEditionPieces(columns, rows)].join('');
}

/** Parse the JSON edition back into rows. */
export function parseJsonRows(text: string): Row[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new TypeError('Expected the JSON edition to be an array of rows');
  return parsed as Row[];
}

/** Editions up to this size that are not one row per line are still read, whole, as any JSON array. */
const WHOLE_PARSE_LIMIT = 64 * 1024 * 1024;

/**
 * Parse a JSON edition from its bytes as they stream, one row per line as `jsonEditionPieces` writes it, so no
 * string larger than a row is ever built. A small file in another layout (any JSON array) is parsed whole.
 * With `onRow`, each row is handed over as it is read and none is kept (the result is then empty).
 */
export async function parseJsonEditionStream(
  chunks: AsyncIterable<Uint8Array>,
  onRow?: (row: Row) => void,
): Promise<Row[]> {
  const lines = new LineRows(onRow);
  const kept: Buffer[] = [];
  let size = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.length;
    if (size <= WHOLE_PARSE_LIMIT) kept.push(bytes);
    const text = carry.length === 0 ? bytes : Buffer.concat([carry, bytes]);
    let start = 0;
    for (let end = text.indexOf(10, start); end !== -1; end = text.indexOf(10, start)) {
      if (lines.ok) lines.add(text.toString('utf8', start, end));
      start = end + 1;
    }
    carry = text.subarray(start);
  }
  if (carry.length > 0 && lines.ok) lines.add(carry.toString('utf8'));
  if (lines.ok && lines.closed) return lines.rows;
  // Rows already handed to `onRow` cannot be taken back: that caller reads the file again another way.
  if (size > WHOLE_PARSE_LIMIT || onRow !== undefined)
    throw new TypeError('Expected the JSON edition to hold one row object per line between "[" and "]"');
  return parseJsonRows(Buffer.concat(kept).toString('utf8'));
}

/** The line-by-line reading of a JSON edition: `[`, then `{…},` lines, the last without its comma, then `]`. */
class LineRows {
  rows: Row[] = [];
  ok = true;
  closed = false;
  private opened = false;

  constructor(private readonly onRow?: (row: Row) => void) {}

  add(line: string): void {
    if (this.closed) {
      this.ok = line === '';
    } else if (!this.opened) {
      this.opened = true;
      if (line === '[]') this.closed = true;
      else this.ok = line === '[';
    } else if (line === ']') {
      this.closed = true;
    } else if (line.startsWith('{')) {
      try {
        const row = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Row;
        if (this.onRow) this.onRow(row);
        else this.rows.push(row);
      } catch {
        // Not one row per line after all: the whole-file parse decides (and reports) below.
        this.ok = false;
      }
    } else {
      this.ok = false;
    }
  }
}
