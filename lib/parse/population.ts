import {
  cellAt,
  checkRowWidth,
  dataError,
  describeIssues,
  findColumn,
  findHeaderRow,
  layoutError,
  normaliseHeader,
  type ParseContext,
  parseCount,
  parseCsvRows,
  requireIsoDate,
} from './csv.ts';
import { PopulationRow } from './records.ts';

/**
 * ONS mid-year population estimates for CCGs / sub-ICB locations, as CSV: one row per area with an all-ages count
 * and optional age-band columns (`Aged_0_to_17`, `Aged_65_OVER`, ...).
 */

export const POPULATION_SOURCE_ID = 'ons-population';

/** Area code columns: `CCG_2020_CODE`, `CCG20CDH`, `SICBL22CDH`, `CCG_CODE`, `SUB_ICB_LOCATION_CODE`... */
const AREA_CODE = /^(ccg|sicbl|sub_icb(?:_location)?)_?(\d{2}|\d{4})?_?(code|cdh)$/;
const ALL_AGES = ['all_ages', 'all_persons', 'all', 'total', 'persons'] as const;
const CLOSED_BAND = /^aged?_(\d+)_(?:to|_)_?(\d+)$/;
const OPEN_BAND = /^aged?_(\d+)_?(?:and_)?(?:over|plus)$/;

interface AgeBandColumn {
  label: string;
  lowerBound: number;
  index: number;
}

function ageBandColumns(normalised: readonly string[]): AgeBandColumn[] {
  const bands: AgeBandColumn[] = [];
  normalised.forEach((name, index) => {
    const closed = CLOSED_BAND.exec(name);
    if (closed) {
      bands.push({
        label: `${Number(closed[1])}-${Number(closed[2])}`,
        lowerBound: Number(closed[1]),
        index,
      });
      return;
    }
    const open = OPEN_BAND.exec(name);
    if (open) bands.push({ label: `${Number(open[1])}+`, lowerBound: Number(open[1]), index });
  });
  return bands.sort((a, b) => a.lowerBound - b.lowerBound);
}

/**
 * The reference date: the caller's, else mid-year of the year a `mid2019`-style URL names. ONS CSVs carry the year
 * only in the file name, so anything else is refused rather than guessed.
 */
function referenceDateOf(context: ParseContext, referenceDate: string | undefined): string {
  if (referenceDate !== undefined) return requireIsoDate(referenceDate, context, 'referenceDate');
  const named = /mid-?(\d{4})/i.exec(context.url);
  if (named) return `${named[1]}-06-30`;
  throw dataError(
    context,
    'expected a reference date (the referenceDate option or a URL naming midYYYY) but found neither',
  );
}

/** Parse an ONS CCG / sub-ICB location mid-year population estimates CSV. */
export function parsePopulation(
  text: string,
  options: { sourceId?: string; url: string; referenceDate?: string },
): PopulationRow[] {
  const context: ParseContext = { sourceId: options.sourceId ?? POPULATION_SOURCE_ID, url: options.url };
  const rows = parseCsvRows(text, context);
  if (rows.length === 0) throw dataError(context, 'empty file: expected a header and at least one data row');
  const headerIndex = findHeaderRow(
    rows,
    (normalised) => findColumn(normalised, ALL_AGES) >= 0 || normalised.some((name) => AREA_CODE.test(name)),
  );
  const header = rows[headerIndex] ?? rows[0] ?? [];
  const normalised = header.map(normaliseHeader);
  const dataRows = rows.slice(headerIndex + 1);

  const codeCandidates = normalised.flatMap((name, index) => (AREA_CODE.test(name) ? [index] : []));
  const allAges = findColumn(normalised, ALL_AGES);
  const missing: string[] = [];
  if (codeCandidates.length === 0) missing.push('CCG_CODE (or CCG_2020_CODE, SICBLyyCDH)');
  if (allAges < 0) missing.push('ALL_AGES');
  if (headerIndex < 0 || missing.length > 0) {
    throw layoutError(
      context,
      `expected column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} but the header has ${header.map((cell) => cell.replace(/^\ufeff/, '').trim()).join(', ')}`,
    );
  }
  if (dataRows.length === 0)
    throw dataError(context, 'empty table: the header is not followed by any data row');

  // Files such as the Mental Health Bulletin copy carry both the area's code and its parent's (CCG_2020_CODE and
  // CCG_2021_CODE): the finest geography is the column with the most distinct codes (ties: leftmost).
  let codeColumn = codeCandidates[0] ?? 0;
  let mostDistinct = -1;
  for (const candidate of codeCandidates) {
    const distinct = new Set(dataRows.map((row) => cellAt(row, candidate))).size;
    if (distinct > mostDistinct) {
      mostDistinct = distinct;
      codeColumn = candidate;
    }
  }
  const codeName = normalised[codeColumn] ?? '';
  // The name and ONS code columns pair with the chosen code column: CCG_2020_CODE -> CCG_2020_NAME,
  // SICBL22CDH -> SICBL22NM and SICBL22CD.
  const pairedName = codeName.endsWith('cdh')
    ? codeName.replace(/cdh$/, 'nm')
    : codeName.replace(/code$/, 'name');
  const nameColumn = findColumn(normalised, [pairedName, 'name', 'area_name']);
  const onsColumn = findColumn(normalised, [
    ...(codeName.endsWith('cdh') ? [codeName.replace(/cdh$/, 'cd')] : []),
    'ons_code',
    'area_code',
  ]);
  const bands = ageBandColumns(normalised);
  const referenceDate = referenceDateOf(context, options.referenceDate);
  const allAgesName = header[allAges]?.trim() ?? 'ALL_AGES';

  const seen = new Map<string, number>();
  return dataRows.map((row, offset) => {
    const line = headerIndex + 2 + offset;
    checkRowWidth(row, header.length, context, line);
    const total = parseCount(row[allAges] ?? '', context, line, allAgesName);
    const ageBands: Record<string, number> = {};
    let bandSum = 0;
    for (const band of bands) {
      const count = parseCount(
        row[band.index] ?? '',
        context,
        line,
        header[band.index]?.trim() ?? band.label,
      );
      ageBands[band.label] = count;
      bandSum += count;
    }
    if (
      bands.length > 0 &&
      bands[0]?.lowerBound === 0 &&
      bands.at(-1)?.label.endsWith('+') &&
      bandSum !== total
    ) {
      throw dataError(
        context,
        `row ${line}: expected the age bands to sum to ${allAgesName} ${total} but they sum to ${bandSum}`,
      );
    }
    const checked = PopulationRow.safeParse({
      reference_date: referenceDate,
      sub_icb_code: cellAt(row, codeColumn),
      sub_icb_ons_code: cellAt(row, onsColumn) || null,
      name: cellAt(row, nameColumn),
      all_ages: total,
      age_bands: ageBands,
    });
    if (!checked.success) {
      throw dataError(
        context,
        `row ${line}: invalid population row (${describeIssues(checked.error.issues)})`,
      );
    }
    const earlier = seen.get(checked.data.sub_icb_code);
    if (earlier !== undefined) {
      throw dataError(
        context,
        `duplicate key: ${header[codeColumn]?.trim()} ${checked.data.sub_icb_code} appears in rows ${earlier} and ${line}`,
      );
    }
    seen.set(checked.data.sub_icb_code, line);
    return checked.data;
  });
}
