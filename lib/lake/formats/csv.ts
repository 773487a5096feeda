import type { Column } from '../columns.ts';
import type { Row } from '../rows.ts';

/**
 * CSV edition choices, documented for researchers:
 * - UTF-8 without BOM, a header row, RFC 4180 quoting and CRLF line endings (RFC 4180's record separator).
 * - Rows in primary-key order (the caller sorts); nulls are empty cells.
 * - Arrays are joined with `;` (a `;` inside an element is not escaped; our array columns hold codes).
 * - Dates are ISO `YYYY-MM-DD`; numbers are JavaScript's shortest round-trip form.
 * - Formula-injection guard, CSV only: a text cell that begins with `=`, `+`, `-`, `@`, tab or CR gets a
 *   leading apostrophe, so spreadsheets show it as text. Numeric and boolean columns are never prefixed, so
 *   `-5` in an integer column stays a number. JSON and Parquet keep the raw value.
 */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/** Prefix a spreadsheet formula trigger with an apostrophe (text cells only). */
export function guardFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** Quote a field when RFC 4180 requires it (comma, quote, CR or LF), doubling inner quotes. */
export function quoteCsvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellText(column: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (column.kind) {
    case 'integer':
    case 'number':
    case 'boolean':
      return String(value);
    case 'array':
      return guardFormula((value as unknown[]).map((item) => (item === null ? '' : String(item))).join(';'));
    default:
      return guardFormula(String(value));
  }
}

/** Rows per piece of rendered text (see jsonEditionPieces: editions are never one string). */
const ROWS_PER_PIECE = 2000;

/** The CSV edition as pieces of text (their concatenation is the edition). */
export function* csvEditionPieces(columns: readonly Column[], rows: Iterable<Row>): Generator<string> {
  let piece = `${columns.map((column) => quoteCsvField(column.name)).join(',')}\r\n`;
  let count = 0;
  for (const row of rows) {
    piece += `${columns.map((column) => quoteCsvField(cellText(column, row[column.name]))).join(',')}\r\n`;
    count += 1;
    if (count % ROWS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield piece;
}

/** Render rows (already validated and sorted) as the CSV edition. */
export function renderCsv(columns: readonly Column[], rows: Iterable<Row>): string {
  return [...csvEditionPieces(columns, rows)].join('');
}
