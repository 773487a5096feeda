import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import {
  type CsvNewline,
  cellAt,
  checkRowWidth,
  dataError,
  describeIssues,
  findColumn,
  guessCsvNewline,
  layoutError,
  MAX_PREAMBLE_ROWS,
  normaliseHeader,
  type ParseContext,
  parseCount,
  parseCsvRows,
  parseExtractDate,
  requireColumns,
} from './csv.ts';
import { GpRegistrationRow } from './records.ts';

/**
 * NHS Digital "Patients Registered at a GP Practice" files, streamed with papaparse: the totals file
 * (gp-reg-pat-prac-all), the practice-level single-year-of-age files (gp-reg-pat-prac-sing-age-male/-female) and the
 * organisation-level one (gp-reg-pat-prac-sing-age-regions), in both header eras.
 */

export const GP_REGISTRATIONS_SOURCE_ID = 'nhsd-gp-registrations';

const PATIENTS = ['number_of_patients', 'patients', 'number_patients'] as const;
const SUB_ICB_CODE = ['sub_icb_location_code', 'ccg_code', 'sub_icb_code', 'sicbl_code'] as const;
const SUB_ICB_ONS = [
  'ons_sub_icb_location_code',
  'ons_ccg_code',
  'ccg_ons_code',
  'sub_icb_location_ons_code',
  'ons_sub_icb_code',
] as const;
const PRACTICE_CODE = ['code', 'practice_code', 'org_code'] as const;

/** What a header says about a file: its era (by the sub-ICB column's name) and whether rows are practices. */
export interface GpFileLayout {
  /** `ccg`: CCG_CODE/ONS_CCG_CODE (to mid-2022); `sub_icb`: SUB_ICB_LOCATION_CODE/ONS_SUB_ICB_LOCATION_CODE. */
  era: 'ccg' | 'sub_icb';
  /** `practice`: one row per practice (totals, sing-age male/female); `org`: ORG_TYPE/ORG_CODE rows (regions file). */
  level: 'practice' | 'org';
}

/** Classify a header row (raw cells). Returns null when it is not a GP registrations header. */
export function detectGpLayout(rawHeader: readonly string[]): GpFileLayout | null {
  const header = rawHeader.map(normaliseHeader);
  if (findColumn(header, PATIENTS) < 0) return null;
  if (header.includes('org_type')) {
    const orgLevelEra = header.some((name) => name.includes('sub_icb') || name.includes('sicbl'))
      ? 'sub_icb'
      : 'ccg';
    return { era: orgLevelEra, level: 'org' };
  }
  const subIcb = findColumn(header, SUB_ICB_CODE);
  const name = subIcb >= 0 ? header[subIcb] : '';
  return { era: name === 'ccg_code' ? 'ccg' : 'sub_icb', level: 'practice' };
}

/**
 * Organisation levels of a regions file that are CCGs / sub-ICB locations. Rows at other levels (region, ICB, PCN,
 * national) are skipped: registrations reach ICSs through sub-ICB locations, and counting a region row as well
 * would double count.
 */
const ORG_LEVELS: Record<string, 'ccg' | 'sub_icb'> = {
  ccg: 'ccg',
  sicbl: 'sub_icb',
  sub_icb: 'sub_icb',
  sub_icb_location: 'sub_icb',
  sub_icb_locations: 'sub_icb',
};

/**
 * The end of the last complete record in `text`: just after the last line break that is not inside a quoted field.
 * A line break is outside quotes when an even number of `"` precede it (an escaped `""` counts twice).
 */
function lastRecordEnd(text: string): number {
  if (!text.includes('"')) return text.lastIndexOf('\n') + 1;
  let insideQuotes = false;
  let end = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 34) insideQuotes = !insideQuotes;
    else if (code === 10 && !insideQuotes) end = index + 1;
  }
  return end;
}

/**
 * Stream batches of CSV rows (arrays of cells) from a byte stream. Papaparse parses each run of complete records
 * as it arrives; only the unfinished last record is carried over, so memory stays flat for any file size, and the
 * stream's own async iteration gives backpressure. Bytes are decoded with a StringDecoder so a multi-byte character
 * split across chunks stays whole.
 */
async function* csvRowBatches(
  input: NodeJS.ReadableStream | Readable,
  context: ParseContext,
): AsyncGenerator<string[][]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let firstPiece = true;
  // Guessed once from the first piece: papaparse would otherwise split every piece on CR and LF to guess again.
  let newline: CsvNewline | undefined;
  const parsePiece = (piece: string): string[][] => {
    const text = firstPiece ? piece.replace(/^\ufeff/, '') : piece;
    firstPiece = false;
    newline ??= guessCsvNewline(text);
    return parseCsvRows(text, context, newline);
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const end = lastRecordEnd(text);
    if (end === 0) {
      carry = text;
      continue;
    }
    carry = text.slice(end);
    yield parsePiece(text.slice(0, end));
  }
  const rest = carry + decoder.end();
  if (rest.trim().length > 0) yield parsePiece(rest);
}

const SEXES = new Set(['ALL', 'MALE', 'FEMALE']);
const AGES = new Set(['ALL', '95+', ...Array.from({ length: 95 }, (_, age) => String(age))]);
const IsoDate = z.iso.date();
// Files hold one or two distinct extract dates: remember the verdict per spelling (bounded, in case of junk).
const isoDateVerdicts = new Map<string, boolean>();

function isIsoDate(value: string): boolean {
  let verdict = isoDateVerdicts.get(value);
  if (verdict === undefined) {
    verdict = IsoDate.safeParse(value).success;
    if (isoDateVerdicts.size > 256) isoDateVerdicts.clear();
    isoDateVerdicts.set(value, verdict);
  }
  return verdict;
}

/**
 * A hand-written check that accepts exactly the rows the GpRegistrationRow schema accepts (a property test holds
 * the two together). Running it on every row, and the schema itself on the first row and every
 * SCHEMA_SAMPLE_INTERVAL-th row and on any row it rejects, keeps multi-million-row files fast: the schema's copy of
 * each row was a large share of the parse time.
 */
export function isValidGpRegistrationRow(row: GpRegistrationRow): boolean {
  return (
    typeof row.extract_date === 'string' &&
    isIsoDate(row.extract_date) &&
    typeof row.sub_icb_code === 'string' &&
    row.sub_icb_code.length >= 3 &&
    (row.sub_icb_ons_code === null || typeof row.sub_icb_ons_code === 'string') &&
    typeof row.org_code === 'string' &&
    row.org_code.length >= 1 &&
    typeof row.org_type === 'string' &&
    SEXES.has(row.sex) &&
    AGES.has(row.age) &&
    Number.isSafeInteger(row.patients) &&
    row.patients >= 0
  );
}

/** The schema also validates every this-many-th row, as a guard on the hand-written check. */
export const SCHEMA_SAMPLE_INTERVAL = 1000;

/** Parse a GP registrations CSV stream into validated rows, one at a time (memory stays flat for any file size). */
export async function* parseGpRegistrations(
  input: NodeJS.ReadableStream | Readable,
  options: { sourceId?: string; url: string },
): AsyncGenerator<GpRegistrationRow> {
  for await (const batch of parseGpRegistrationBatches(input, options)) yield* batch;
}

/** Where the columns are, in a practice-level file or an organisation-level (regions) file. */
type GpColumns =
  | {
      kind: 'practice';
      extractDate: number;
      subIcb: number;
      subIcbOns: number;
      practice: number;
      sex: number;
      age: number;
      patients: number;
    }
  | {
      kind: 'org';
      extractDate: number;
      orgType: number;
      orgCode: number;
      onsCode: number;
      sex: number;
      age: number;
      patients: number;
    };

/** The columns of a header row of a detected layout (missing required columns are a layout error). */
function gpColumnsFor(row: string[], layout: GpFileLayout, context: ParseContext): GpColumns {
  const normalised = row.map(normaliseHeader);
  if (layout.level === 'org') {
    const found = requireColumns(
      row,
      {
        extractDate: ['extract_date'],
        orgType: ['org_type'],
        orgCode: ['org_code'],
        sex: ['sex'],
        age: ['age'],
        patients: PATIENTS,
      },
      context,
    );
    return { kind: 'org', ...found, onsCode: findColumn(normalised, ['ons_code', 'org_ons_code']) };
  }
  const found = requireColumns(
    row,
    {
      extractDate: ['extract_date'],
      subIcb: SUB_ICB_CODE,
      practice: PRACTICE_CODE,
      sex: ['sex'],
      age: ['age'],
      patients: PATIENTS,
    },
    context,
  );
  return { kind: 'practice', ...found, subIcbOns: findColumn(normalised, SUB_ICB_ONS) };
}

/** What reading the data rows carries from row to row. */
interface GpRowReader {
  columns: GpColumns;
  header: string[];
  /** The count column's name as the header spells it, for error messages. */
  patientsColumn: string;
  context: ParseContext;
  /** Data rows seen (org rows of other levels included), for the sampled schema check and the empty check. */
  dataRows: number;
  // Extract dates and org types repeat on every row: parse each distinct spelling once.
  extractDates: Map<string, string>;
  orgLevels: Map<string, 'ccg' | 'sub_icb' | null>;
}

/** One data row as a record, or null for an organisation row of a level we do not use. */
function readGpRow(reader: GpRowReader, row: string[], line: number): GpRegistrationRow | null {
  const { columns, context } = reader;
  checkRowWidth(row, reader.header.length, context, line);
  const rawDate = cellAt(row, columns.extractDate);
  let extractDate = reader.extractDates.get(rawDate);
  if (extractDate === undefined) {
    extractDate = parseExtractDate(rawDate, context, line);
    reader.extractDates.set(rawDate, extractDate);
  }
  // Cells are nearly always already canonical: look them up before normalising a copy.
  const rawSex = cellAt(row, columns.sex);
  const sex = SEXES.has(rawSex) ? rawSex : rawSex.toUpperCase();
  if (!SEXES.has(sex)) {
    throw dataError(
      context,
      `row ${line}: expected SEX of ALL, MALE or FEMALE but found ${JSON.stringify(sex)}`,
    );
  }
  const rawAge = cellAt(row, columns.age);
  const age = AGES.has(rawAge) ? rawAge : rawAge.toUpperCase().replace(/\s+/g, '');
  const patients = parseCount(row[columns.patients] ?? '', context, line, reader.patientsColumn);
  reader.dataRows += 1;
  // Records are built as whole literals in one property order: this is the hot path of the largest files.
  if (columns.kind === 'practice') {
    return {
      extract_date: extractDate,
      sub_icb_code: cellAt(row, columns.subIcb),
      sub_icb_ons_code: cellAt(row, columns.subIcbOns) || null,
      org_code: cellAt(row, columns.practice),
      org_type: 'practice',
      sex: sex as GpRegistrationRow['sex'],
      age,
      patients,
    };
  }
  const rawType = cellAt(row, columns.orgType);
  let level = reader.orgLevels.get(rawType);
  if (level === undefined) {
    level = ORG_LEVELS[normaliseHeader(rawType)] ?? null;
    reader.orgLevels.set(rawType, level);
  }
  if (level === null) return null;
  const orgCode = cellAt(row, columns.orgCode);
  return {
    extract_date: extractDate,
    sub_icb_code: orgCode,
    sub_icb_ons_code: cellAt(row, columns.onsCode) || null,
    org_code: orgCode,
    org_type: level,
    sex: sex as GpRegistrationRow['sex'],
    age,
    patients,
  };
}

/** The full zod check on any row the fast check doubts, and on a sample of the rest. */
function checkGpRow(reader: GpRowReader, candidate: GpRegistrationRow, line: number): void {
  if (isValidGpRegistrationRow(candidate) && reader.dataRows % SCHEMA_SAMPLE_INTERVAL !== 1) return;
  const checked = GpRegistrationRow.safeParse(candidate);
  if (!checked.success) {
    throw dataError(
      reader.context,
      `row ${line}: invalid GP registration row (${describeIssues(checked.error.issues)})`,
    );
  }
}

/**
 * Parse a GP registrations CSV stream into batches of validated rows, one batch per parsed chunk of the stream.
 * Yielding a batch rather than each row keeps the per-row cost to plain function calls: an async generator step
 * per row costs more than parsing the row.
 */
export async function* parseGpRegistrationBatches(
  input: NodeJS.ReadableStream | Readable,
  options: { sourceId?: string; url: string },
): AsyncGenerator<GpRegistrationRow[]> {
  const context: ParseContext = {
    sourceId: options.sourceId ?? GP_REGISTRATIONS_SOURCE_ID,
    url: options.url,
  };
  let line = 0;
  let firstRow: string[] | null = null;
  let reader: GpRowReader | null = null;

  batches: for await (const batch of csvRowBatches(input, context)) {
    const parsed: GpRegistrationRow[] = [];
    for (const row of batch) {
      line += 1;
      if (reader === null) {
        // Before the header: look for it within the preamble.
        firstRow ??= row;
        const layout = detectGpLayout(row);
        if (layout === null) {
          if (line > MAX_PREAMBLE_ROWS) break batches;
          continue;
        }
        const columns = gpColumnsFor(row, layout, context);
        reader = {
          columns,
          header: row,
          patientsColumn: row[columns.patients]?.trim() ?? 'NUMBER_OF_PATIENTS',
          context,
          dataRows: 0,
          extractDates: new Map(),
          orgLevels: new Map(),
        };
        continue;
      }
      const candidate = readGpRow(reader, row, line);
      if (candidate === null) continue;
      checkGpRow(reader, candidate, line);
      parsed.push(candidate);
    }
    if (parsed.length > 0) yield parsed;
  }

  if (reader === null) {
    if (firstRow === null)
      throw dataError(context, 'empty file: expected a header and at least one data row');
    throw layoutError(
      context,
      `expected a GP registrations header with NUMBER_OF_PATIENTS in the first ${MAX_PREAMBLE_ROWS + 1} rows but the first row is ${firstRow.join(', ')}`,
    );
  }
  if (reader.dataRows === 0)
    throw dataError(context, 'empty table: the header is not followed by any data row');
}

// ---------------------------------------------------------------------------------------------------------------
// Aggregation

const SexOrder = ['ALL', 'MALE', 'FEMALE'] as const;
const AGE_SLOTS = 97; // 0..94, 95+, ALL
const ALL_AGE_SLOT = 96;

function ageSlot(age: string): number {
  if (age === 'ALL') return ALL_AGE_SLOT;
  if (age === '95+') return 95;
  return Number(age);
}

function slotAge(slot: number): string {
  if (slot === ALL_AGE_SLOT) return 'ALL';
  if (slot === 95) return '95+';
  return String(slot);
}

export const GpSubIcbTotal = z.object({
  sub_icb_code: z.string().min(3),
  sub_icb_ons_code: z.string().nullable(),
  patients: z.number().int().nonnegative(),
  /** Practices with an ALL/ALL row; 0 when the totals come from organisation-level rows. */
  practice_count: z.number().int().nonnegative(),
});
export type GpSubIcbTotal = z.infer<typeof GpSubIcbTotal>;

export const GpSexAgeCount = z.object({
  sub_icb_code: z.string().min(3),
  sex: z.enum(SexOrder),
  /** `0`..`94`, `95+`, or `ALL` for a sex's all-ages row (SEX=ALL, AGE=ALL is in `totals` instead). */
  age: z.string().regex(/^(ALL|95\+|\d|[1-8]\d|9[0-4])$/),
  patients: z.number().int().nonnegative(),
});
export type GpSexAgeCount = z.infer<typeof GpSexAgeCount>;

/** One practice of a totals file: its SEX=ALL, AGE=ALL count and the sub-ICB location (CCG) it sat in. */
export const GpPracticeTotal = z.object({
  practice_code: z.string().min(1),
  sub_icb_code: z.string().min(3),
  patients: z.number().int().nonnegative(),
});
export type GpPracticeTotal = z.infer<typeof GpPracticeTotal>;

/** One row of a practice mapping file (gp-reg-pat-prac-map): where a practice sat on the extract date. */
export const GpPracticeMapping = z.object({
  practice_code: z.string().min(1),
  sub_icb_code: z.string().min(3),
  sub_icb_ons_code: z.string().nullable(),
  /** The ICB (STP before July 2022) ODS code, when the file has that column. */
  icb_code: z.string().nullable(),
  icb_ons_code: z.string().nullable(),
  /** The commissioning region ODS code (Y56...), when present. */
  region_code: z.string().nullable(),
});
export type GpPracticeMapping = z.infer<typeof GpPracticeMapping>;

/** GP registrations summed to sub-ICB locations (or CCGs): totals and sex x single year of age. */
export const GpRegistrationAggregate = z.object({
  extract_date: z.iso.date(),
  /** Rows consumed, at every level. */
  row_count: z.number().int().nonnegative(),
  practice_row_count: z.number().int().nonnegative(),
  org_row_count: z.number().int().nonnegative(),
  /** Distinct practices seen. */
  practice_count: z.number().int().nonnegative(),
  /**
   * Which rows the figures were summed from: practice rows when present, else organisation rows; `mapping` for a
   * practice mapping file, which carries no counts (see `practice_map`).
   */
  basis: z.enum(['practice', 'org', 'mapping']),
  /** Sum of `totals`. */
  total_patients: z.number().int().nonnegative(),
  /** SEX=ALL, AGE=ALL per sub-ICB location that has such rows, sorted by code. */
  totals: z.array(GpSubIcbTotal),
  /** Every (sex, age) present other than ALL/ALL, per sub-ICB location; empty for a totals-only file. */
  by_sex_age: z.array(GpSexAgeCount),
  /** SEX=ALL, AGE=ALL per practice, sorted by practice code: what lineage and re-basing follow. */
  practices: z.array(GpPracticeTotal).default([]),
  /** The rows of a practice mapping file, sorted by practice code; empty for count files. */
  practice_map: z.array(GpPracticeMapping).default([]),
});
export type GpRegistrationAggregate = z.infer<typeof GpRegistrationAggregate>;

interface LevelSums {
  /** Per sub-ICB location: patients per (sex, age slot). */
  sums: Map<string, Float64Array>;
  /** Per sub-ICB location: which (sex, age slot) keys occurred, so zero counts are kept apart from absent ones. */
  present: Map<string, Uint8Array>;
  onsCodes: Map<string, string | null>;
  practicesWithTotal: Map<string, number>;
  rows: number;
}

function newLevel(): LevelSums {
  return { sums: new Map(), present: new Map(), onsCodes: new Map(), practicesWithTotal: new Map(), rows: 0 };
}

/** Sum GP registration rows to sub-ICB locations; a repeated (organisation, sex, age) key is a SourceDataError. */
export async function aggregateGpRegistrations(
  rows: AsyncIterable<GpRegistrationRow>,
  options: { sourceId?: string; url?: string } = {},
): Promise<GpRegistrationAggregate> {
  const aggregator = createAggregator(options);
  for await (const row of rows) aggregator.add(row);
  return aggregator.finish();
}

/** `aggregateGpRegistrations` over batches of rows (from `parseGpRegistrationBatches`): the pipeline's fast path. */
export async function aggregateGpRegistrationBatches(
  batches: AsyncIterable<readonly GpRegistrationRow[]>,
  options: { sourceId?: string; url?: string } = {},
): Promise<GpRegistrationAggregate> {
  const aggregator = createAggregator(options);
  for await (const batch of batches) for (const row of batch) aggregator.add(row);
  return aggregator.finish();
}

function createAggregator(options: { sourceId?: string; url?: string }): {
  add(row: GpRegistrationRow): void;
  finish(): GpRegistrationAggregate;
} {
  const context: ParseContext = {
    sourceId: options.sourceId ?? GP_REGISTRATIONS_SOURCE_ID,
    url: options.url ?? '(stream)',
  };
  const practice = newLevel();
  const org = newLevel();
  // Duplicate detection: one bit per (sex, age) key per organisation, all in one pooled bitmap, so memory grows by
  // a few dozen bytes per organisation (not per row, and without one small buffer object per organisation).
  const seen = new Map<string, number>();
  const flagBytes = Math.ceil((3 * AGE_SLOTS) / 8);
  let flagPool = new Uint8Array(flagBytes * 1024);
  const practiceTotals: GpPracticeTotal[] = [];
  let extractDate: string | null = null;
  let rowCount = 0;
  // A file lists each organisation's rows together, and organisations by sub-ICB location: remember the last of
  // each looked up, so most rows skip the map lookups.
  let lastOrg = { key: '', index: -1 };
  let lastArea: { level: LevelSums; code: string; sums: Float64Array; present: Uint8Array } | null = null;

  const orgIndexOf = (orgKey: string): number => {
    if (orgKey === lastOrg.key) return lastOrg.index;
    let orgIndex = seen.get(orgKey);
    if (orgIndex === undefined) {
      orgIndex = seen.size;
      seen.set(orgKey, orgIndex);
      if ((orgIndex + 1) * flagBytes > flagPool.length) {
        const grown = new Uint8Array(flagPool.length * 2);
        grown.set(flagPool);
        flagPool = grown;
      }
    }
    lastOrg = { key: orgKey, index: orgIndex };
    return orgIndex;
  };

  const areaOf = (level: LevelSums, row: GpRegistrationRow): { sums: Float64Array; present: Uint8Array } => {
    const code = row.sub_icb_code;
    if (lastArea !== null && lastArea.level === level && lastArea.code === code) return lastArea;
    let sums = level.sums.get(code);
    let present = level.present.get(code);
    if (!sums || !present) {
      sums = new Float64Array(3 * AGE_SLOTS);
      present = new Uint8Array(3 * AGE_SLOTS);
      level.sums.set(code, sums);
      level.present.set(code, present);
      level.onsCodes.set(code, row.sub_icb_ons_code);
    }
    lastArea = { level, code, sums, present };
    return lastArea;
  };

  const add = (row: GpRegistrationRow): void => {
    rowCount += 1;
    if (extractDate === null) extractDate = row.extract_date;
    else if (row.extract_date !== extractDate) {
      throw dataError(
        context,
        `expected one extract date per file but found ${extractDate} and ${row.extract_date} (row ${rowCount})`,
      );
    }
    const sexIndex = row.sex === 'ALL' ? 0 : row.sex === 'MALE' ? 1 : 2;
    const slot = sexIndex * AGE_SLOTS + ageSlot(row.age);
    const isPractice = row.org_type === 'practice';
    const orgIndex = orgIndexOf(isPractice ? row.org_code : `${row.org_type}:${row.org_code}`);
    const flagByte = orgIndex * flagBytes + (slot >> 3);
    const flagBit = 1 << (slot & 7);
    if (((flagPool[flagByte] ?? 0) & flagBit) !== 0) {
      throw dataError(
        context,
        `duplicate key: ${isPractice ? 'practice' : row.org_type} ${row.org_code}, SEX ${row.sex}, AGE ${row.age} appears more than once (row ${rowCount})`,
      );
    }
    flagPool[flagByte] = (flagPool[flagByte] ?? 0) | flagBit;

    const level = isPractice ? practice : org;
    level.rows += 1;
    const { sums, present } = areaOf(level, row);
    sums[slot] = (sums[slot] ?? 0) + row.patients;
    present[slot] = 1;
    if (isPractice && slot === ALL_AGE_SLOT) {
      practiceTotals.push({
        practice_code: row.org_code,
        sub_icb_code: row.sub_icb_code,
        patients: row.patients,
      });
      level.practicesWithTotal.set(
        row.sub_icb_code,
        (level.practicesWithTotal.get(row.sub_icb_code) ?? 0) + 1,
      );
    }
  };

  const finish = (): GpRegistrationAggregate => {
    if (extractDate === null) throw dataError(context, 'empty table: no GP registration rows to aggregate');
    const basis = practice.rows > 0 ? 'practice' : 'org';
    const chosen = basis === 'practice' ? practice : org;
    const codes = [...chosen.sums.keys()].sort();
    const totals: GpSubIcbTotal[] = [];
    const bySexAge: GpSexAgeCount[] = [];
    for (const code of codes) {
      const sums = chosen.sums.get(code) ?? new Float64Array(3 * AGE_SLOTS);
      const present = chosen.present.get(code) ?? new Uint8Array(3 * AGE_SLOTS);
      if (present[ALL_AGE_SLOT] === 1) {
        totals.push({
          sub_icb_code: code,
          sub_icb_ons_code: chosen.onsCodes.get(code) ?? null,
          patients: sums[ALL_AGE_SLOT] ?? 0,
          practice_count: chosen.practicesWithTotal.get(code) ?? 0,
        });
      }
      SexOrder.forEach((sex, sexIndex) => {
        for (let ageIndex = 0; ageIndex < AGE_SLOTS; ageIndex += 1) {
          const slot = sexIndex * AGE_SLOTS + ageIndex;
          if (slot === ALL_AGE_SLOT) continue;
          if (present[slot] !== 1) continue;
          bySexAge.push({ sub_icb_code: code, sex, age: slotAge(ageIndex), patients: sums[slot] ?? 0 });
        }
      });
    }
    return GpRegistrationAggregate.parse({
      extract_date: extractDate,
      row_count: rowCount,
      practice_row_count: practice.rows,
      org_row_count: org.rows,
      practice_count: [...seen.keys()].filter((key) => !key.includes(':')).length,
      basis,
      total_patients: totals.reduce((sum, total) => sum + total.patients, 0),
      totals,
      by_sex_age: bySexAge,
      practices: practiceTotals.sort((a, b) =>
        a.practice_code < b.practice_code ? -1 : a.practice_code > b.practice_code ? 1 : 0,
      ),
      practice_map: [],
    });
  };
  return { add, finish };
}
