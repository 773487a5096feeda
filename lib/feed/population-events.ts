import type { DatasetDefinition } from '../core/dataset.ts';
import type { LineObserver } from '../lake/version-diff.ts';
import type { Row, RowChange } from './diff.ts';
import {
  type ChangeEvent,
  type ChangeEventData,
  type ChangeOp,
  dataSchemaUri,
  type EventOptions,
  eventId,
  eventSource,
  POPULATION_CHANGED_TYPE,
  type PublishedSummary,
  type RegionLookup,
} from './events.ts';
import { summarySources } from './summary.ts';

/**
 * Population changes as a subscriber wants them: one event per ICS per dataset version, not one per sex × age
 * row. A GP month adds about 12,000 rows to `ics_population`; its feed entry is one event for each ICS whose
 * rows changed, carrying the ALL/ALL totals before and after per measure and basis, how many rows changed and
 * the version's manifest. Every row stays available through `ics-lake diff ics_population vA vB`.
 *
 * The event fits contract v1 as it stands: `before`/`after` hold the ICS's totals (an object per side, null when
 * the ICS had no rows on that side) and `summary` the row counts, a sentence and the version's files.
 */

/** The dataset whose row changes are announced per ICS. */
export const POPULATION_DATASET = 'ics_population';

export { POPULATION_CHANGED_TYPE };

/** The newest all-sexes, all-ages figure of one measure on one basis. */
export interface PopulationTotal {
  measure: string;
  basis: string | null;
  reference_date: string;
  value: number;
}

/**
 * One ICS on one side of a version: how many rows it has and its all-sexes, all-ages rows (the totals an event
 * reports). Enough for the event, and small: a full-history version never has to be held to announce a month.
 */
export interface IcsSide {
  rows: number;
  totals: Row[];
}

/** Every ICS on one side of a version, by ICS code ('' for rows without one). */
export type PopulationProfile = Map<string, IcsSide>;

/** What the version adds about one ICS: its row changes and the ICS on either side (undefined: no rows there). */
export interface IcsPopulationChange {
  icsCode: string;
  changes: readonly RowChange[];
  previous: IcsSide | undefined;
  current: IcsSide | undefined;
}

/** Where the version lives: its manifest and files, for the events' `summary`. */
export interface PopulationVersionRefs {
  manifest: string;
  files: string[];
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A row with no sex or age breakdown (both `ALL`, or columns absent). */
export function isAllAgesTotal(row: Row): boolean {
  return (row.sex ?? 'ALL') === 'ALL' && (row.age_band ?? 'ALL') === 'ALL';
}

function seriesKey(row: Row): string {
  return `${String(row.measure)}|${textOf(row.basis) ?? ''}`;
}

/** The newest ALL/ALL figure of each measure and basis in some rows, keyed `measure|basis`. */
export function newestTotals(rows: readonly Row[]): Map<string, PopulationTotal> {
  const newest = new Map<string, PopulationTotal>();
  for (const row of rows) {
    const date = textOf(row.reference_date);
    if (!isAllAgesTotal(row) || date === null || typeof row.value !== 'number') continue;
    const key = seriesKey(row);
    const current = newest.get(key);
    if (current !== undefined && current.reference_date >= date) continue;
    newest.set(key, {
      measure: String(row.measure),
      basis: textOf(row.basis),
      reference_date: date,
      value: row.value,
    });
  }
  return newest;
}

/** Items grouped by the ICS code `codeOf` reads from each ('' when there is none). */
function groupByIcs<Item>(items: readonly Item[], codeOf: (item: Item) => unknown): Map<string, Item[]> {
  const grouped = new Map<string, Item[]>();
  for (const item of items) {
    const code = textOf(codeOf(item)) ?? '';
    const list = grouped.get(code);
    if (list === undefined) grouped.set(code, [item]);
    else list.push(item);
  }
  return grouped;
}

/** The row changes of a version grouped by ICS, with each ICS's profile before and after, in ICS code order. */
export function changesByIcs(
  changes: readonly RowChange[],
  before: PopulationProfile,
  after: PopulationProfile,
): IcsPopulationChange[] {
  const changesOf = groupByIcs(changes, (change) => (change.after ?? change.before)?.ics_code);
  return [...changesOf.keys()].sort().map((icsCode) => ({
    icsCode,
    changes: changesOf.get(icsCode) ?? [],
    previous: before.get(icsCode),
    current: after.get(icsCode),
  }));
}

/** Count a row of an ICS, and keep it when it is an all-sexes, all-ages total. */
function addToProfile(profile: PopulationProfile, icsCode: string, row: Row | undefined): void {
  let side = profile.get(icsCode);
  if (side === undefined) {
    side = { rows: 0, totals: [] };
    profile.set(icsCode, side);
  }
  side.rows += 1;
  if (row !== undefined && isAllAgesTotal(row)) side.totals.push(row);
}

/** The profile of a version's rows, when they are in memory. */
export function profileOfRows(rows: readonly Row[]): PopulationProfile {
  const profile: PopulationProfile = new Map();
  for (const row of rows) addToProfile(profile, textOf(row.ics_code) ?? '', row);
  return profile;
}

const LINE_PREFIX = Buffer.from('{"ics_code":"');
const QUOTE = 0x22;
const AGE_KEY = Buffer.from('"age_band":');
const ALL_VALUE = Buffer.from('"ALL"');

/**
 * Profiles of both sides built from the lines a version diff walks past (diffVersions' observer): the ICS code
 * is read from the line's leading `{"ics_code":"…"` and only lines that may be all-ages totals (age_band ALL, or
 * no age_band at all) are parsed and checked, so a full-history version costs a byte scan. A line laid out
 * otherwise (or a row handed over without its line) is parsed.
 */
export class PopulationProfiler implements LineObserver {
  readonly before: PopulationProfile = new Map();
  readonly after: PopulationProfile = new Map();
  /** Lines come sorted by ICS code: the last code read, to skip decoding it again on the next line. */
  private lastCode: { bytes: Buffer; text: string } | undefined;

  reset(): void {
    this.before.clear();
    this.after.clear();
  }

  line(side: 'before' | 'after', line: Buffer | undefined, row: () => Row): void {
    const profile = side === 'before' ? this.before : this.after;
    const code = line === undefined ? undefined : this.leadingIcsCode(line);
    if (code === undefined) {
      const parsed = row();
      addToProfile(profile, textOf(parsed.ics_code) ?? '', parsed);
      return;
    }
    addToProfile(profile, code, mayBeTotal(line as Buffer) ? row() : undefined);
  }

  /** The ICS code a JSON edition line starts with, or undefined when the line is not laid out that way. */
  private leadingIcsCode(line: Buffer): string | undefined {
    if (line.compare(LINE_PREFIX, 0, LINE_PREFIX.length, 0, LINE_PREFIX.length) !== 0) return undefined;
    const end = line.indexOf(QUOTE, LINE_PREFIX.length);
    if (end === -1) return undefined;
    const bytes = line.subarray(LINE_PREFIX.length, end);
    if (this.lastCode?.bytes.equals(bytes)) return this.lastCode.text;
    const text = bytes.toString('utf8');
    if (text.includes('\\')) return undefined;
    this.lastCode = { bytes: Buffer.from(bytes), text };
    return text;
  }
}

/** Whether a row line may be an all-ages total: its age_band is "ALL", or it has no age_band at all. */
function mayBeTotal(line: Buffer): boolean {
  const at = line.indexOf(AGE_KEY);
  return (
    at === -1 ||
    line.compare(
      ALL_VALUE,
      0,
      ALL_VALUE.length,
      at + AGE_KEY.length,
      at + AGE_KEY.length + ALL_VALUE.length,
    ) === 0
  );
}

/** The totals of the series (measure and basis) that have changed rows, from one side's rows. */
function totalsSide(icsCode: string, side: IcsSide | undefined, series: ReadonlySet<string>): Row | null {
  if (side === undefined || side.rows === 0) return null;
  const totals = [...newestTotals(side.totals)]
    .filter(([key]) => series.has(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return { ics_code: icsCode, totals: totals.map(([, total]) => total) };
}

function withThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** e.g. "registered patients (rebased) 1,891,590 on 2026-04-01 → 1,894,636 on 2026-11-01". */
function totalClause(
  key: string,
  before: PopulationTotal | undefined,
  after: PopulationTotal | undefined,
): string {
  const [measure = '', basis = ''] = key.split('|');
  const series = `${measure.replaceAll('_', ' ')}${basis === '' ? '' : ` (${basis.replaceAll('_', ' ')})`}`;
  const side = (total: PopulationTotal | undefined) =>
    total === undefined ? 'none' : `${withThousands(total.value)} on ${total.reference_date}`;
  return `${series} ${side(before)} → ${side(after)}`;
}

function countText(changes: readonly RowChange[]): string {
  const count = (op: RowChange['op']) => changes.filter((change) => change.op === op).length;
  return (['created', 'updated', 'deleted'] as const)
    .filter((op) => count(op) > 0)
    .map((op) => `${count(op)} ${count(op) === 1 ? 'row' : 'rows'} ${op}`)
    .join(', ');
}

/** The columns that changed in any of the rows, in schema column order (then any others, sorted). */
function changedColumns(definition: DatasetDefinition, changes: readonly RowChange[]): string[] {
  const changed = new Set(changes.flatMap((change) => change.changedFields));
  const declared = Object.keys(definition.schema.shape);
  const extra = [...changed].filter((column) => !declared.includes(column)).sort();
  return [...declared.filter((column) => changed.has(column)), ...extra];
}

function icsOp(change: IcsPopulationChange): Exclude<ChangeOp, 'published'> {
  if ((change.previous?.rows ?? 0) === 0) return 'created';
  if ((change.current?.rows ?? 0) === 0) return 'deleted';
  return 'updated';
}

/** The `summary` of one ICS's event: row counts, one sentence, the version's files and the rows' sources. */
function icsSummary(
  change: IcsPopulationChange,
  series: ReadonlySet<string>,
  refs: PopulationVersionRefs,
): PublishedSummary {
  const before = newestTotals(change.previous?.totals ?? []);
  const after = newestTotals(change.current?.totals ?? []);
  const clauses = [...series].sort().map((key) => totalClause(key, before.get(key), after.get(key)));
  const count = (op: RowChange['op']) => change.changes.filter((row) => row.op === op).length;
  return {
    rows: change.current?.rows ?? 0,
    created: count('created'),
    updated: count('updated'),
    deleted: count('deleted'),
    text: `${change.icsCode}: ${[...clauses, countText(change.changes)].join('; ')}`,
    manifest: refs.manifest,
    files: refs.files,
    ...summarySources(change.changes),
  };
}

/** Everything one population event needs besides the ICS's changes. */
export interface PopulationEventContext {
  definition: DatasetDefinition;
  version: number;
  asOf: string;
  refs: PopulationVersionRefs;
  options?: EventOptions & { regionOf?: RegionLookup };
}

/** The one event for one ICS's population changes in a version. */
export function populationChangeEvent(
  change: IcsPopulationChange,
  context: PopulationEventContext,
): ChangeEvent {
  const { definition, version, asOf, refs, options = {} } = context;
  const op = icsOp(change);
  const series = new Set(change.changes.map((row) => seriesKey(row.after ?? row.before ?? {})));
  const data: ChangeEventData = {
    dataset: definition.name,
    version,
    key: change.icsCode,
    op,
    before: totalsSide(change.icsCode, change.previous, series),
    after: totalsSide(change.icsCode, change.current, series),
    changed_fields: changedColumns(definition, change.changes),
    summary: icsSummary(change, series, refs),
  };
  const regionCode = change.icsCode === '' ? undefined : options.regionOf?.(change.icsCode);
  return {
    specversion: '1.0',
    id: eventId(definition.name, version, change.icsCode, op),
    source: eventSource(options),
    type: POPULATION_CHANGED_TYPE,
    subject: change.icsCode === '' ? definition.name : change.icsCode,
    time: new Date(asOf).toISOString(),
    dataschema: dataSchemaUri(options),
    datacontenttype: 'application/json',
    data,
    ...(change.icsCode === '' ? {} : { icscode: change.icsCode }),
    ...(regionCode === undefined ? {} : { regioncode: regionCode }),
  };
}

/** One event per ICS whose population rows changed in a version, in ICS code order. */
export function populationChangeEvents(
  changes: readonly RowChange[],
  profiles: { before: PopulationProfile; after: PopulationProfile },
  context: PopulationEventContext,
): ChangeEvent[] {
  return changesByIcs(changes, profiles.before, profiles.after).map((change) =>
    populationChangeEvent(change, context),
  );
}
