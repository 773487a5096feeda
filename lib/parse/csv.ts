import Papa from 'papaparse';
import { SourceDataError, SourceLayoutError } from '../core/errors.ts';

/**
 * Shared helpers for the papaparse-based parsers: header normalisation, finding columns by name, count and date
 * parsing with typed, single-line errors that name the source and the document.
 */

/** Where a document came from, for error messages. */
export interface ParseContext {
  sourceId: string;
  url: string;
}

/** How many non-empty rows may precede the header (third-party copies sometimes carry a title line or two). */
export const MAX_PREAMBLE_ROWS = 10;

/**
 * Canonical form of a column name: BOM and surrounding space removed, lower case, runs of anything but letters and
 * digits collapsed to `_`. "Number of Patients", "NUMBER_OF_PATIENTS" and " number-of-patients" all give
 * `number_of_patients`.
 */
export function normaliseHeader(name: string): string {
  return name
    .replace(/^\ufeff/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Quote a value for an error message, truncated so the message stays one readable line. */
export function quoteValue(value: string): string {
  const text = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  return JSON.stringify(text);
}

function where(context: ParseContext): string {
  return `${context.sourceId}: ${context.url}`;
}

/** A SourceLayoutError whose message names the source and URL. */
export function layoutError(context: ParseContext, message: string): SourceLayoutError {
  return new SourceLayoutError(
    `${where(context)}: ${message}`.replace(/\s+/g, ' '),
    context.sourceId,
    context.url,
  );
}

/** A SourceDataError whose message names the source and URL. */
export function dataError(context: ParseContext, message: string): SourceDataError {
  return new SourceDataError(
    `${where(context)}: ${message}`.replace(/\s+/g, ' '),
    context.sourceId,
    context.url,
  );
}

/** Index of the first column whose normalised name is one of `aliases` (in alias order), or -1. */
export function findColumn(normalisedHeader: readonly string[], aliases: readonly string[]): number {
  for (const alias of aliases) {
    const index = normalisedHeader.indexOf(alias);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * Find every wanted column by name. Each entry lists accepted normalised names, the first being the published
 * spelling used in the error. Throws one SourceLayoutError naming all missing columns and the header found.
 */
export function requireColumns<K extends string>(
  rawHeader: readonly string[],
  wanted: Record<K, readonly [string, ...string[]]>,
  context: ParseContext,
): Record<K, number> {
  const normalised = rawHeader.map(normaliseHeader);
  const found = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(wanted) as K[]) {
    const aliases = wanted[key];
    const index = findColumn(normalised, aliases);
    if (index < 0) {
      const [preferred, alternative] = aliases;
      missing.push(
        alternative
          ? `${preferred.toUpperCase()} (or ${alternative.toUpperCase()})`
          : preferred.toUpperCase(),
      );
    }
    found[key] = index;
  }
  if (missing.length > 0) {
    throw layoutError(
      context,
      `expected column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} but the header has ${rawHeader.map((cell) => cell.replace(/^\ufeff/, '').trim()).join(', ')}`,
    );
  }
  return found;
}

/**
 * Parse a count cell. Accepts plain digits, and digits grouped by commas ("1,234") because spreadsheet exports
 * quote such cells; rejects anything else, including negative numbers, decimals and blanks.
 */
export function parseCount(cell: string, context: ParseContext, line: number, column: string): number {
  const text = cell.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d{1,3}(,\d{3})+$/.test(text)) return Number(text.replaceAll(',', ''));
  if (/^-\s*\d/.test(text)) {
    throw dataError(
      context,
      `row ${line}: expected a count of zero or more in ${column} but found ${quoteValue(text)}`,
    );
  }
  throw dataError(context, `row ${line}: expected a whole number in ${column} but found ${quoteValue(text)}`);
}

const MONTHS: Record<string, string> = {
  JAN: '01',
  FEB: '02',
  MAR: '03',
  APR: '04',
  MAY: '05',
  JUN: '06',
  JUL: '07',
  AUG: '08',
  SEP: '09',
  OCT: '10',
  NOV: '11',
  DEC: '12',
};

function isRealDate(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

/**
 * Parse an NHS Digital extract date: `01JAN2021` (CCG era) or `2021-01-01` (sub-ICB era). Any other format is a
 * SourceDataError, because guessing day/month order silently is how wrong months get published.
 */
export function parseExtractDate(cell: string, context: ParseContext, line: number): string {
  const text = cell.trim().toUpperCase();
  let iso: string | null = null;
  const compact = /^(\d{2})([A-Z]{3})(\d{4})$/.exec(text);
  if (compact) {
    const month = MONTHS[compact[2] ?? ''];
    if (month) iso = `${compact[3]}-${month}-${compact[1]}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    iso = text;
  }
  if (iso === null || !isRealDate(iso)) {
    throw dataError(
      context,
      `row ${line}: expected EXTRACT_DATE like 01JAN2021 or 2021-01-01 but found ${quoteValue(cell)}`,
    );
  }
  return iso;
}

/** Check an ISO date given by a caller. */
export function requireIsoDate(value: string, context: ParseContext, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isRealDate(value)) {
    throw dataError(context, `expected ${what} as an ISO date (YYYY-MM-DD) but found ${quoteValue(value)}`);
  }
  return value;
}

/** A CSV line break, as papaparse names them. */
export type CsvNewline = '\r\n' | '\n' | '\r';

/** The line break papaparse guesses for `text` (from its first megabyte, outside quoted fields). */
export function guessCsvNewline(text: string): CsvNewline {
  return Papa.parse<string[]>(text, { delimiter: ',', preview: 1 }).meta.linebreak as CsvNewline;
}

/**
 * papaparse's result for `text`. With a known line break (a stream parsed piece by piece) this runs papaparse's
 * exported `Parser`, the class `Papa.parse` itself runs, without the streamer and handle `Papa.parse` wraps around
 * it on every call: over the ~1,400 pieces of a 92 MB GP file that wrapper made V8 move the parsed rows to the old
 * generation (about 13 full collections per file, against 1 in three files without it), and the stage took twice
 * the CPU time.
 */
function papaparseResult(text: string, newline: CsvNewline | undefined): Papa.ParseResult<string[]> {
  if (newline === undefined) return Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true });
  return new Papa.Parser({ delimiter: ',', newline }).parse(text, 0, false);
}

/**
 * Parse comma-separated text into rows of cells, skipping empty lines. Malformed quoting is a SourceDataError.
 * Without `newline`, papaparse guesses it on every call by splitting the text on CR and on LF: a caller parsing a
 * stream piece by piece passes the line break it guessed once, as papaparse's own streaming does.
 */
export function parseCsvRows(text: string, context: ParseContext, newline?: CsvNewline): string[][] {
  const result = papaparseResult(text.replace(/^\ufeff/, ''), newline);
  const fatal = result.errors.find((error) => error.type === 'Quotes');
  if (fatal) {
    throw dataError(context, `row ${(fatal.row ?? 0) + 1}: malformed CSV (${fatal.message})`);
  }
  const rows = result.data;
  // An empty line, or one holding only spaces, parses as one blank cell: drop it.
  for (let index = rows.length - 1; index >= 0; index -= 1) {
    const row = rows[index];
    if (row && row.length === 1 && (row[0] ?? '').trim() === '') rows.splice(index, 1);
  }
  return rows;
}

/**
 * Locate the header among the first rows: the first row for which `isHeader` holds on its normalised cells.
 * Returns its index, or -1 when none of the first MAX_PREAMBLE_ROWS + 1 rows qualifies.
 */
export function findHeaderRow(
  rows: readonly string[][],
  isHeader: (normalised: string[]) => boolean,
): number {
  const limit = Math.min(rows.length, MAX_PREAMBLE_ROWS + 1);
  for (let index = 0; index < limit; index += 1) {
    const row = rows[index];
    if (row && isHeader(row.map(normaliseHeader))) return index;
  }
  return -1;
}

/** Check a data row has as many cells as the header. */
export function checkRowWidth(
  row: readonly string[],
  headerWidth: number,
  context: ParseContext,
  line: number,
): void {
  if (row.length !== headerWidth) {
    throw dataError(
      context,
      `row ${line}: expected ${headerWidth} fields as in the header but found ${row.length}`,
    );
  }
}

/** The cell at `index`, trimmed; empty string when the column is absent (index -1). */
export function cellAt(row: readonly string[], index: number): string {
  if (index < 0) return '';
  return (row[index] ?? '').trim();
}

/** A one-line summary of zod issues for an error message. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}`)
    .join('; ');
}
