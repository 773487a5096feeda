import { shortName } from '../reference/names.ts';
import { compareText, sortRows } from '../reference/order.ts';

/**
 * Valid time: what the datasets say about the world on a date, as opposed to which version was latest at an instant
 * (publication time, `--as-of`). Pure functions over the rows of one version; `ics-lake get --on` applies them.
 */

type Row = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The value a "YYYY-MM-DD value" history gives on `date`: the newest entry from on or before it, else the oldest. */
export function historyValueOn(history: unknown, date: string): string | null {
  if (!Array.isArray(history)) return null;
  const entries = history
    .filter((entry): entry is string => typeof entry === 'string' && /^\d{4}-\d{2}-\d{2} /.test(entry))
    .map((entry) => ({ from: entry.slice(0, 10), value: entry.slice(11) }))
    .sort((a, b) => compareText(a.from, b.from));
  const inForce = entries.filter((entry) => entry.from <= date).at(-1) ?? entries[0];
  return inForce?.value ?? null;
}

/** Whether an `ics` row's body existed on `date` (valid_from null means: before the oldest lookup held). */
export function existedOn(row: Row, date: string): boolean {
  const from = text(row.valid_from);
  const to = text(row.valid_to);
  return (from === null || from <= date) && (to === null || date < to);
}

/** An `ics` row's status on `date`: abolished, icb, ics or stp. */
export function statusOn(row: Row, date: string): 'stp' | 'ics' | 'icb' | 'abolished' {
  const to = text(row.valid_to);
  if (to !== null && to <= date) return 'abolished';
  const statutory = text(row.statutory_from);
  if (statutory !== null && statutory <= date) return 'icb';
  const designated = text(row.designated_from);
  if (designated !== null && designated <= date) return 'ics';
  return 'stp';
}

/**
 * The bodies that existed on `date`, each with its status, ONS code and name on that date (from its histories).
 * Other columns (region, sub-ICB locations, website) are as published in the version.
 */
export function icsOn(rows: readonly Row[], date: string): Row[] {
  const existing = rows
    .filter((row) => existedOn(row, date))
    .map((row) => {
      const name = historyValueOn(row.name_history, date) ?? text(row.name) ?? '';
      return {
        ...row,
        ons_code: historyValueOn(row.ons_code_history, date) ?? row.ons_code,
        name,
        short_name: name.length > 0 ? shortName(name) : row.short_name,
        status: statusOn(row, date),
      };
    });
  return sortRows(existing, ['ics_code']);
}

const SERIES = ['ics_code', 'measure', 'sex', 'age_band', 'basis'] as const;

/** For each population series (ICS, measure, sex, age band, basis), its newest row dated on or before `date`. */
export function populationOn(rows: readonly Row[], date: string): Row[] {
  const newest = new Map<string, Row>();
  for (const row of rows) {
    const reference = text(row.reference_date);
    if (reference === null || reference > date) continue;
    const key = SERIES.map((column) => String(row[column] ?? '')).join('|');
    const current = newest.get(key);
    if (current === undefined || compareText(String(current.reference_date), reference) < 0)
      newest.set(key, row);
  }
  return sortRows(
    [...newest.values()],
    ['ics_code', 'reference_date', 'measure', 'sex', 'age_band', 'basis'],
  );
}
