import type { RegionSeries } from './catalog-charts.ts';
import type { Row } from './rows.ts';

/**
 * The catalog's view of the ICSs: which exist on the lake's date, with their newest populations, and the
 * population of each region over time. Pure: rows of the `ics` and `ics_population` datasets in, plain values out.
 */

/** The dataset of bodies (valid_from / valid_to, region, status, dates). */
export const ICS_DATASET = 'ics';
/** The dataset of population figures per ICS. */
export const POPULATION_DATASET = 'ics_population';

/** The GP-registered measure, and the ONS one, as `ics_population.measure` names them. */
export const REGISTERED = 'registered_patients';
export const ONS_ESTIMATE = 'ons_mid_year_estimate';

/** One figure and the date it refers to. */
export interface DatedFigure {
  value: number;
  date: string;
}

/** One row of the catalog's ICS table. */
export interface IcsEntry {
  code: string;
  name: string;
  region: string;
  status: string;
  designatedFrom: string | null;
  statutoryFrom: string | null;
  registered: DatedFigure | undefined;
  ons: DatedFigure | undefined;
}

/** Code-point order, so the page's bytes do not depend on the machine's locale. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Whole-population rows only (all sexes, all ages): the ones a headline figure is made of. */
export function headlineFigures(rows: readonly Row[]): Row[] {
  return rows.filter((row) => row.sex === 'ALL' && row.age_band === 'ALL' && typeof row.value === 'number');
}

/**
 * The newest figure of a measure for one ICS: the latest reference date; on a tie the figure as published (on
 * the footprint of its date) over one re-based onto today's.
 */
export function newestFigure(rows: readonly Row[], code: string, measure: string): DatedFigure | undefined {
  const candidates = rows
    .filter((row) => row.ics_code === code && row.measure === measure)
    .sort(
      (a, b) =>
        byText(String(a.reference_date), String(b.reference_date)) ||
        (a.basis === 'as_published' ? 1 : 0) - (b.basis === 'as_published' ? 1 : 0),
    );
  const newest = candidates.at(-1);
  return newest === undefined
    ? undefined
    : { value: newest.value as number, date: String(newest.reference_date) };
}

/** Whether a body existed on `date` (valid_from null: before the oldest lookup the lake holds). */
export function existedOn(row: Row, date: string): boolean {
  const from = text(row.valid_from);
  const to = text(row.valid_to);
  return (from === null || from <= date) && (to === null || date < to);
}

/**
 * The ICSs that exist on `date`, sorted by region then name, each with its newest GP-registered and ONS figures.
 * `bodiesOn` is the `ics` dataset's own valid-time rule when it has one (status and name on the date).
 */
export function icsEntries(
  icsRows: readonly Row[],
  figures: readonly Row[],
  date: string,
  bodiesOn?: (rows: readonly Row[], date: string) => Row[],
): IcsEntry[] {
  const existing = bodiesOn ? bodiesOn(icsRows, date) : icsRows.filter((row) => existedOn(row, date));
  return existing
    .map((row) => {
      const code = String(row.ics_code);
      return {
        code,
        name: String(row.name ?? code),
        region: String(row.region_name ?? ''),
        status: String(row.status ?? ''),
        designatedFrom: text(row.designated_from),
        statutoryFrom: text(row.statutory_from),
        registered: newestFigure(figures, code, REGISTERED),
        ons: newestFigure(figures, code, ONS_ESTIMATE),
      };
    })
    .sort((a, b) => byText(a.region, b.region) || byText(a.name, b.name) || byText(a.code, b.code));
}

/**
 * GP-registered patients per region and reference date. Re-based figures are used when there are any, so that
 * each series follows today's footprints without breaks; otherwise figures as published, each on its body's region.
 */
export function regionSeries(
  icsRows: readonly Row[],
  figures: readonly Row[],
): { basis: string; series: RegionSeries[] } {
  const registered = figures.filter((row) => row.measure === REGISTERED);
  const basis = registered.some((row) => row.basis === 'rebased') ? 'rebased' : 'as_published';
  const regionOf = new Map(
    icsRows.map((row) => [String(row.ics_code), String(row.region_name ?? 'Unknown region')]),
  );
  const totals = new Map<string, Map<string, number>>();
  for (const row of registered) {
    if (row.basis !== basis) continue;
    const region = regionOf.get(String(row.ics_code)) ?? 'Unknown region';
    const byDate = totals.get(region) ?? new Map<string, number>();
    const date = String(row.reference_date);
    byDate.set(date, (byDate.get(date) ?? 0) + (row.value as number));
    totals.set(region, byDate);
  }
  const series = [...totals]
    .map(([region, byDate]) => ({
      region,
      points: [...byDate].map(([date, value]) => ({ date, value })).sort((a, b) => byText(a.date, b.date)),
    }))
    .sort((a, b) => byText(a.region, b.region));
  return { basis, series };
}
