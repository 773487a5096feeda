import { z } from 'zod';
import { IcsOdsCode } from '../reference/ods.ts';
import {
  cellAt,
  checkRowWidth,
  dataError,
  describeIssues,
  findHeaderRow,
  layoutError,
  normaliseHeader,
  type ParseContext,
  parseCsvRows,
} from './csv.ts';
import { CodeLookupRow } from './records.ts';

/**
 * ONS Open Geography health lookups: CCG/sub-ICB location -> STP/ICB -> NHS England region in any vintage
 * (CCG20/STP20/NHSER20, CCG21/STP21/NHSER21, SICBL22/ICB22/NHSER22, SICBL23/ICB23/NHSER23 ...), and the
 * "Integrated Care Boards (<month year>) Names and Codes" lists. Each vintage is recognised by its column names.
 */

export const CODE_LOOKUPS_SOURCE_ID = 'ons-code-lookups';

/** One ICB (or STP) from a names-and-codes list. */
export const IcbNameRow = z.object({
  /** The vintage of the list, e.g. `ICB22`. */
  vintage: z.string(),
  /** ODS code, e.g. QE1 or S1Y5D. */
  icb_code: IcsOdsCode,
  icb_ons_code: z.string().regex(/^E54\d{6}$/),
  icb_name: z.string().min(1),
});
export type IcbNameRow = z.infer<typeof IcbNameRow>;

/** A parsed lookup document: a hierarchy lookup or a names-and-codes list. */
export type LookupDocument =
  | { kind: 'lookup'; vintage: string; rows: CodeLookupRow[] }
  | { kind: 'icb_names'; vintage: string; rows: IcbNameRow[] };

/** The column groups a header carries: `CCG21`, `STP21`, `NHSER21`... as upper-case prefixes, or null. */
export interface LookupLayout {
  subIcb: string | null;
  icb: string | null;
  region: string | null;
}

const SUB_ICB_PREFIX = /^(ccg|sicbl)(\d{2})cdh?$/;
const ICB_PREFIX = /^(stp|icb)(\d{2})cdh?$/;
const REGION_PREFIX = /^(nhser)(\d{2})cdh?$/;

function prefixIn(normalised: readonly string[], pattern: RegExp): string | null {
  for (const name of normalised) {
    const match = pattern.exec(name);
    if (match) return `${match[1]}${match[2]}`;
  }
  return null;
}

/** Classify a header row by the code columns it carries. */
export function detectLookupLayout(rawHeader: readonly string[]): LookupLayout {
  const normalised = rawHeader.map(normaliseHeader);
  const upper = (prefix: string | null) => (prefix === null ? null : prefix.toUpperCase());
  return {
    subIcb: upper(prefixIn(normalised, SUB_ICB_PREFIX)),
    icb: upper(prefixIn(normalised, ICB_PREFIX)),
    region: upper(prefixIn(normalised, REGION_PREFIX)),
  };
}

function isLookupHeader(normalised: string[]): boolean {
  return normalised.some((name) => SUB_ICB_PREFIX.test(name) || ICB_PREFIX.test(name));
}

interface Table {
  header: string[];
  normalised: string[];
  rows: string[][];
  /** 1-based line of the first data row. */
  firstLine: number;
  layout: LookupLayout;
}

function readTable(text: string, context: ParseContext): Table {
  const rows = parseCsvRows(text, context);
  if (rows.length === 0) throw dataError(context, 'empty file: expected a header and at least one data row');
  const headerIndex = findHeaderRow(rows, isLookupHeader);
  if (headerIndex < 0) {
    throw layoutError(
      context,
      `expected a lookup header with CCGyyCD/SICBLyyCD or STPyyCD/ICByyCD columns but the first row is ${(rows[0] ?? []).join(', ')}`,
    );
  }
  const header = rows[headerIndex] ?? [];
  const dataRows = rows.slice(headerIndex + 1);
  if (dataRows.length === 0)
    throw dataError(context, 'empty table: the header is not followed by any data row');
  return {
    header,
    normalised: header.map(normaliseHeader),
    rows: dataRows,
    firstLine: headerIndex + 2,
    layout: detectLookupLayout(header),
  };
}

/** Indexes of `<prefix>CD`, `<prefix>CDH`, `<prefix>NM`; missing required ones are collected in `missing`. */
function groupColumns(
  table: Table,
  prefix: string,
  required: readonly ('CD' | 'CDH' | 'NM')[],
  missing: string[],
): { cd: number; cdh: number; nm: number } {
  const index = (suffix: 'CD' | 'CDH' | 'NM') => {
    const found = table.normalised.indexOf(`${prefix}${suffix}`.toLowerCase());
    if (found < 0 && required.includes(suffix)) missing.push(`${prefix}${suffix}`);
    return found;
  };
  return { cd: index('CD'), cdh: index('CDH'), nm: index('NM') };
}

function missingColumnsError(context: ParseContext, missing: string[], header: string[]) {
  return layoutError(
    context,
    `expected column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} but the header has ${header.map((cell) => cell.replace(/^\ufeff/, '').trim()).join(', ')}`,
  );
}

function lookupRows(table: Table, context: ParseContext): { vintage: string; rows: CodeLookupRow[] } {
  const { subIcb, icb, region } = table.layout;
  const missing: string[] = [];
  if (subIcb === null) missing.push('CCGyyCDH or SICBLyyCDH');
  if (icb === null) missing.push(`STP${subIcb?.slice(-2) ?? 'yy'}CD or ICB${subIcb?.slice(-2) ?? 'yy'}CD`);
  if (region === null) missing.push(`NHSER${subIcb?.slice(-2) ?? 'yy'}CD`);
  if (subIcb === null || icb === null || region === null)
    throw missingColumnsError(context, missing, table.header);
  const sub = groupColumns(table, subIcb, ['CDH'], missing);
  const parent = groupColumns(table, icb, ['CD', 'CDH', 'NM'], missing);
  const nhser = groupColumns(table, region, ['CDH', 'NM'], missing);
  if (missing.length > 0) throw missingColumnsError(context, missing, table.header);

  const seen = new Map<string, number>();
  const rows = table.rows.map((row, offset) => {
    const line = table.firstLine + offset;
    checkRowWidth(row, table.header.length, context, line);
    const candidate = {
      vintage: subIcb,
      sub_icb_code: cellAt(row, sub.cdh),
      sub_icb_ons_code: cellAt(row, sub.cd) || null,
      sub_icb_name: cellAt(row, sub.nm) || null,
      icb_code: cellAt(row, parent.cdh),
      icb_ons_code: cellAt(row, parent.cd),
      icb_name: cellAt(row, parent.nm),
      region_code: cellAt(row, nhser.cdh),
      region_ons_code: cellAt(row, nhser.cd) || null,
      region_name: cellAt(row, nhser.nm),
    };
    const checked = CodeLookupRow.safeParse(candidate);
    if (!checked.success) {
      throw dataError(
        context,
        `row ${line}: invalid ${subIcb} lookup row (${describeIssues(checked.error.issues)})`,
      );
    }
    const earlier = seen.get(checked.data.sub_icb_code);
    if (earlier !== undefined) {
      throw dataError(
        context,
        `duplicate key: ${subIcb}CDH ${checked.data.sub_icb_code} appears in rows ${earlier} and ${line}`,
      );
    }
    seen.set(checked.data.sub_icb_code, line);
    return checked.data;
  });
  return { vintage: subIcb, rows };
}

function icbNameRows(table: Table, context: ParseContext): { vintage: string; rows: IcbNameRow[] } {
  const icb = table.layout.icb;
  if (icb === null) throw missingColumnsError(context, ['ICByyCD'], table.header);
  const missing: string[] = [];
  const columns = groupColumns(table, icb, ['CD', 'CDH', 'NM'], missing);
  if (missing.length > 0) throw missingColumnsError(context, missing, table.header);
  const seen = new Map<string, number>();
  const rows = table.rows.map((row, offset) => {
    const line = table.firstLine + offset;
    checkRowWidth(row, table.header.length, context, line);
    const checked = IcbNameRow.safeParse({
      vintage: icb,
      icb_code: cellAt(row, columns.cdh),
      icb_ons_code: cellAt(row, columns.cd),
      icb_name: cellAt(row, columns.nm),
    });
    if (!checked.success) {
      throw dataError(
        context,
        `row ${line}: invalid ${icb} names row (${describeIssues(checked.error.issues)})`,
      );
    }
    const earlier = seen.get(checked.data.icb_code);
    if (earlier !== undefined) {
      throw dataError(
        context,
        `duplicate key: ${icb}CDH ${checked.data.icb_code} appears in rows ${earlier} and ${line}`,
      );
    }
    seen.set(checked.data.icb_code, line);
    return checked.data;
  });
  return { vintage: icb, rows };
}

function contextOf(options: { sourceId?: string; url: string }): ParseContext {
  return { sourceId: options.sourceId ?? CODE_LOOKUPS_SOURCE_ID, url: options.url };
}

/**
 * Parse any lookup document: a hierarchy lookup when the header has sub-ICB (CCG/SICBL) columns, an ICB
 * names-and-codes list when it has only ICB/STP columns.
 */
export function parseLookupDocument(
  text: string,
  options: { sourceId?: string; url: string },
): LookupDocument {
  const context = contextOf(options);
  const table = readTable(text, context);
  if (table.layout.subIcb === null && table.layout.region === null) {
    return { kind: 'icb_names', ...icbNameRows(table, context) };
  }
  return { kind: 'lookup', ...lookupRows(table, context) };
}

/** Parse a sub-ICB location (CCG) -> ICB (STP) -> NHS England region lookup of any vintage. */
export function parseCodeLookup(text: string, options: { sourceId?: string; url: string }): CodeLookupRow[] {
  const context = contextOf(options);
  return lookupRows(readTable(text, context), context).rows;
}

/** Parse an "Integrated Care Boards (<date>) Names and Codes" list (ICByyCD, ICByyCDH, ICByyNM). */
export function parseIcbNames(text: string, options: { sourceId?: string; url: string }): IcbNameRow[] {
  const context = contextOf(options);
  return icbNameRows(readTable(text, context), context).rows;
}
