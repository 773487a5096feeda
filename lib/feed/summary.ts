import type { Row, RowChange } from './diff.ts';
import { namedChanges, namedChangesOf, type PublishedSummary } from './events.ts';
import { safeHttpUrl } from './syndication.ts';

/** The share of England covered at the latest date in an `ics_coverage` table, in percent, or undefined. */
export function latestCoveragePercent(rows: readonly Row[]): number | undefined {
  let latest: Row | undefined;
  for (const row of rows) {
    if (typeof row.date !== 'string') continue;
    if (latest === undefined || String(latest.date) < row.date) latest = row;
  }
  const value = latest?.coverage_pct;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  // The dataset may store a fraction (0.69) or a percentage (69); no real coverage figure is at or below 1%.
  return value <= 1 ? value * 100 : value;
}

function formatPercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

function listed(
  count: number,
  singular: string,
  plural: string,
  verb: string,
  names: readonly string[],
): string {
  const shown = names.slice(0, 10);
  const more = names.length > shown.length ? `, and ${names.length - shown.length} more` : '';
  return `${count} ${count === 1 ? singular : plural} ${verb}: ${shown.join(', ')}${more}`;
}

function rowName(row: Row | null): string {
  const name = row?.name ?? row?.short_name ?? row?.ics_code;
  return typeof name === 'string' ? name : String(name ?? '?');
}

function icsClauses(changes: readonly RowChange[]): string[] {
  const designated: string[] = [];
  const statutory: string[] = [];
  const renamed: string[] = [];
  const recoded: string[] = [];
  const abolished: string[] = [];
  const boundaries: string[] = [];
  let otherUpdates = 0;
  for (const change of changes) {
    if (change.op !== 'updated' || change.before === null || change.after === null) continue;
    const named = namedChanges(change.before, change.after);
    if (named.includes('abolished')) abolished.push(rowName(change.before));
    if (named.includes('boundary_changed')) boundaries.push(rowName(change.after));
    if (named.includes('designated')) designated.push(rowName(change.after));
    if (named.includes('statutory')) statutory.push(rowName(change.after));
    if (named.includes('renamed')) renamed.push(`${rowName(change.before)} → ${rowName(change.after)}`);
    if (named.includes('recoded')) {
      recoded.push(
        `${rowName(change.after)} (${String(change.before.ons_code)} → ${String(change.after.ons_code)})`,
      );
    }
    if (named.length === 0) otherUpdates += 1;
  }
  const clauses: string[] = [];
  if (designated.length > 0) clauses.push(listed(designated.length, 'ICS', 'ICSs', 'designated', designated));
  if (statutory.length > 0) {
    clauses.push(listed(statutory.length, 'ICS', 'ICSs', 'became statutory (ICB)', statutory));
  }
  const established = changes
    .filter((c) => c.op === 'created' && namedChangesOf(c).includes('established'))
    .map((c) => rowName(c.after));
  if (established.length > 0)
    clauses.push(listed(established.length, 'ICB', 'ICBs', 'established', established));
  if (abolished.length > 0) clauses.push(listed(abolished.length, 'ICB', 'ICBs', 'abolished', abolished));
  if (boundaries.length > 0) {
    clauses.push(listed(boundaries.length, 'ICB', 'ICBs', 'changed boundary', boundaries));
  }
  if (renamed.length > 0) clauses.push(listed(renamed.length, 'ICS', 'ICSs', 'renamed', renamed));
  if (recoded.length > 0) clauses.push(listed(recoded.length, 'ICS', 'ICSs', 'recoded', recoded));
  const created = changes
    .filter((c) => c.op === 'created' && !namedChangesOf(c).includes('established'))
    .map((c) => rowName(c.after));
  const deleted = changes.filter((c) => c.op === 'deleted').map((c) => rowName(c.before));
  if (created.length > 0) clauses.push(listed(created.length, 'ICS', 'ICSs', 'added', created));
  if (deleted.length > 0) clauses.push(listed(deleted.length, 'ICS', 'ICSs', 'removed', deleted));
  if (otherUpdates > 0) clauses.push(`${otherUpdates} other ${otherUpdates === 1 ? 'update' : 'updates'}`);
  return clauses;
}

function countClause(changes: readonly RowChange[]): string {
  const count = (op: RowChange['op']) => changes.filter((change) => change.op === op).length;
  const parts = [
    [count('created'), 'created'],
    [count('updated'), 'updated'],
    [count('deleted'), 'deleted'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, verb]) => `${n} ${n === 1 ? 'row' : 'rows'} ${verb}`)
    .join(', ');
}

/** What a summary needs to know about one committed dataset version. */
export interface VersionSummaryInput {
  dataset: string;
  version: number;
  changes: readonly RowChange[];
  rowCount: number;
  previousRows: readonly Row[];
  /** Rows of the previous version, when `previousRows` was not read (a dataset diffed as it streamed). */
  previousRowCount?: number;
  rows: readonly Row[];
  /** Coverage before and after, when an `ics_coverage` version was committed in the same run. */
  coverage?: { before: number | undefined; after: number | undefined };
}

function coverageClause(coverage: VersionSummaryInput['coverage']): string | undefined {
  if (coverage?.after === undefined) return undefined;
  if (coverage.before === undefined) return `coverage ${formatPercent(coverage.after)}`;
  if (Math.round(coverage.before) === Math.round(coverage.after)) return undefined;
  return `coverage ${formatPercent(coverage.before)} → ${formatPercent(coverage.after)}`;
}

/** One sentence telling a reader what changed in a dataset version (plain text, unescaped). */
export function summariseVersion(input: VersionSummaryInput): string {
  const clauses: string[] = [];
  const first = (input.previousRowCount ?? input.previousRows.length) === 0;
  if (first && input.dataset === 'ics') {
    const designated = input.rows.filter((row) => row.status === 'ics' || row.status === 'icb').length;
    const statutory = input.rows.filter((row) => row.status === 'icb').length;
    clauses.push(
      `first version of ics: ${input.rowCount} systems, ${designated} designated, ${statutory} statutory`,
    );
  } else if (first && input.changes.every((change) => change.op === 'created')) {
    clauses.push(
      `first version of ${input.dataset}: ${input.rowCount} ${input.rowCount === 1 ? 'row' : 'rows'}`,
    );
  } else if (input.dataset === 'ics') {
    clauses.push(...icsClauses(input.changes));
  } else if (input.dataset !== 'ics_coverage') {
    const counted = countClause(input.changes);
    if (counted.length > 0) clauses.push(counted);
  }
  if (input.dataset === 'ics_coverage') {
    const clause = coverageClause({
      before: latestCoveragePercent(input.previousRows),
      after: latestCoveragePercent(input.rows),
    });
    if (clause !== undefined) clauses.push(clause);
    else if (input.previousRows.length > 0) clauses.push(countClause(input.changes));
  } else if (input.dataset === 'ics') {
    const clause = coverageClause(input.coverage);
    if (clause !== undefined) clauses.push(clause);
  }
  const sentence = clauses.filter((clause) => clause.length > 0).join('; ');
  return sentence.length > 0 ? sentence : 'no row changes';
}

/** At most this many source URLs in an event's summary: an event stays small (an SNS message is at most 256 KiB). */
export const SUMMARY_SOURCES = 20;

/**
 * The http(s) sources behind changed rows, for an event's summary: those backing the most changed rows first (ties
 * by URL), at most SUMMARY_SOURCES. A re-based series re-dated each month changes a row from every GP edition ever
 * read, and its event would otherwise list them all, growing with the history. The contract (v1) has no field for
 * how many were left out, and a consumer validating against it refuses unknown fields: the version's manifest lists
 * every document.
 */
export function summarySources(
  changes: readonly Pick<RowChange, 'before' | 'after'>[],
): Pick<PublishedSummary, 'sources'> {
  const rowsBacked = new Map<string, number>();
  for (const change of changes) {
    const url = safeHttpUrl(change.after?.source_url ?? change.before?.source_url);
    if (url !== undefined) rowsBacked.set(url, (rowsBacked.get(url) ?? 0) + 1);
  }
  const ranked = [...rowsBacked]
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
    .map(([url]) => url);
  return ranked.length > 0 ? { sources: ranked.slice(0, SUMMARY_SOURCES) } : {};
}
