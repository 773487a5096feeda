import {
  cellAt,
  checkRowWidth,
  dataError,
  findColumn,
  findHeaderRow,
  layoutError,
  normaliseHeader,
  type ParseContext,
  parseCsvRows,
  parseExtractDate,
} from './csv.ts';
import {
  GP_REGISTRATIONS_SOURCE_ID,
  type GpPracticeMapping,
  GpRegistrationAggregate,
} from './gp-registrations.ts';

/**
 * NHS Digital's practice mapping file (`gp-reg-pat-prac-map`): one row per practice with the sub-ICB location (CCG
 * before July 2022), ICB (STP) and commissioning region it belonged to on the extract date. It carries no counts;
 * lineage and re-basing read it to place each practice, keyed on ODS codes (its ONS codes may be stale).
 *
 * Both header eras are read: the sub-ICB era (`SUB_ICB_LOCATION_CODE`, `ICB_CODE`, `COMM_REGION_CODE`) and the CCG
 * era (`CCG_CODE`, `STP_CODE`, with or without `PUBLICATION`, practice code in `PRACTICE_CODE` or `CODE`).
 */

const PRACTICE = ['practice_code', 'code'] as const;
const SUB_ICB = ['sub_icb_location_code', 'sub_icb_code', 'sicbl_code', 'ccg_code'] as const;
const SUB_ICB_ONS = ['ons_sub_icb_location_code', 'ons_ccg_code', 'ccg_ons_code'] as const;
const ICB = ['icb_code', 'stp_code'] as const;
const ICB_ONS = ['ons_icb_code', 'ons_stp_code', 'stp_ons_code'] as const;
const REGION = ['comm_region_code', 'region_code'] as const;
const EXTRACT_DATE = ['extract_date'] as const;

/** Whether a header row is a practice mapping file's: practice and sub-ICB columns, and no patient counts. */
export function isGpPracticeMapHeader(rawHeader: readonly string[]): boolean {
  const header = rawHeader.map(normaliseHeader);
  return (
    findColumn(header, PRACTICE) >= 0 &&
    findColumn(header, SUB_ICB) >= 0 &&
    !header.some((name) => name.includes('patients'))
  );
}

/** Parse a practice mapping CSV into an aggregate with `basis: "mapping"` and one `practice_map` row per practice. */
export function parseGpPracticeMap(
  text: string,
  options: { sourceId?: string; url: string },
): GpRegistrationAggregate {
  const context: ParseContext = {
    sourceId: options.sourceId ?? GP_REGISTRATIONS_SOURCE_ID,
    url: options.url,
  };
  const rows = parseCsvRows(text, context);
  if (rows.length === 0) throw dataError(context, 'empty file: expected a header and at least one data row');
  const headerIndex = findHeaderRow(rows, (normalised) => isGpPracticeMapHeader(normalised));
  if (headerIndex < 0) {
    throw layoutError(
      context,
      `expected a practice mapping header with PRACTICE_CODE and SUB_ICB_LOCATION_CODE (or CCG_CODE) but the first row is ${(rows[0] ?? []).join(', ')}`,
    );
  }
  const header = rows[headerIndex] ?? [];
  const normalised = header.map(normaliseHeader);
  const column = {
    practice: findColumn(normalised, PRACTICE),
    subIcb: findColumn(normalised, SUB_ICB),
    subIcbOns: findColumn(normalised, SUB_ICB_ONS),
    icb: findColumn(normalised, ICB),
    icbOns: findColumn(normalised, ICB_ONS),
    region: findColumn(normalised, REGION),
    extractDate: findColumn(normalised, EXTRACT_DATE),
  };
  if (column.extractDate < 0) {
    throw layoutError(
      context,
      `expected an EXTRACT_DATE column (a mapping is only usable for a known date) but the header has ${header.join(', ')}`,
    );
  }
  const optional = (row: readonly string[], index: number): string | null =>
    index < 0 ? null : cellAt(row, index) || null;
  const seen = new Map<string, number>();
  const mappings: GpPracticeMapping[] = [];
  let extractDate: string | null = null;
  rows.slice(headerIndex + 1).forEach((row, offset) => {
    const line = headerIndex + 2 + offset;
    checkRowWidth(row, header.length, context, line);
    const date = parseExtractDate(cellAt(row, column.extractDate), context, line);
    if (extractDate !== null && date !== extractDate) {
      throw dataError(
        context,
        `expected one extract date per file but found ${extractDate} and ${date} (row ${line})`,
      );
    }
    extractDate = date;
    const practice = cellAt(row, column.practice);
    const subIcb = cellAt(row, column.subIcb);
    if (practice.length === 0 || subIcb.length < 3) {
      throw dataError(context, `row ${line}: expected a practice code and a sub-ICB location code`);
    }
    const earlier = seen.get(practice);
    if (earlier !== undefined) {
      throw dataError(context, `duplicate key: practice ${practice} appears in rows ${earlier} and ${line}`);
    }
    seen.set(practice, line);
    mappings.push({
      practice_code: practice,
      sub_icb_code: subIcb,
      sub_icb_ons_code: optional(row, column.subIcbOns),
      icb_code: optional(row, column.icb),
      icb_ons_code: optional(row, column.icbOns),
      region_code: optional(row, column.region),
    });
  });
  if (extractDate === null)
    throw dataError(context, 'empty table: the header is not followed by any data row');
  return GpRegistrationAggregate.parse({
    extract_date: extractDate,
    row_count: mappings.length,
    practice_row_count: 0,
    org_row_count: 0,
    practice_count: mappings.length,
    basis: 'mapping',
    total_patients: 0,
    totals: [],
    by_sex_age: [],
    practices: [],
    practice_map: mappings.sort((a, b) =>
      a.practice_code < b.practice_code ? -1 : a.practice_code > b.practice_code ? 1 : 0,
    ),
  });
}
