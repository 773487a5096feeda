import { compareText } from '../reference/order.ts';
import { roundOneDecimal } from './claims.ts';
import type { IcsCoverageRow, IcsRow } from './datasets.ts';
import type { PopulationBasisFigures } from './population.ts';
import { existedOn } from './valid-time.ts';

/**
 * How much of England designated ICSs covered, one row per date on which the designated set changed (the
 * designation dates, up to the run date), on the newest ONS estimate as basis.
 */
export function buildCoverage(
  ics: readonly IcsRow[],
  basis: PopulationBasisFigures,
  asOf: string,
): IcsCoverageRow[] {
  if (basis.date === null || basis.england === 0) return [];
  const dates = [...new Set(ics.flatMap((row) => (row.designated_from ? [row.designated_from] : [])))]
    .filter((date) => date <= asOf)
    .sort(compareText);
  return dates.map((date) => {
    const codes = systemsOn(ics, date);
    let covered = 0;
    for (const code of codes) covered += basis.byIcs.get(code) ?? 0;
    return {
      date,
      ics_count: codes.length,
      population_covered: covered,
      england_population: basis.england,
      coverage_pct: percentOf(basis, covered),
      population_basis: `ons_mid_year_estimate ${basis.date}`,
      designated_codes: codes,
    };
  });
}

/**
 * The systems in place on `date`: bodies that existed then and were designated (on the date the precedence rule
 * gives) or statutory by then, as ODS codes, sorted. This is the one count of ICSs: `ics_coverage` and the claims
 * check both take theirs from it (8 on 2017-06-15: "Berkshire West", named that day, counts with Buckinghamshire,
 * Oxfordshire and Berkshire West from 2019; 36 in April 2026, not the 42 ever designated).
 */
export function systemsOn(ics: readonly IcsRow[], date: string): string[] {
  return ics
    .filter(
      (row) =>
        existedOn(row, date) &&
        ((row.designated_from !== null && row.designated_from <= date) ||
          (row.statutory_from !== null && row.statutory_from <= date)),
    )
    .map((row) => row.ics_code)
    .sort(compareText);
}

/**
 * The systems an announcement designates: those it names that `systemsOn` counts by the later of its publication
 * and its effective date. A body named only by a former part of its footprint, and designated later as a whole
 * (North Cumbria in May 2018), is not counted as designated by that announcement.
 */
export function designatedByAnnouncement(
  ics: readonly IcsRow[],
  named: Iterable<string>,
  announcedOn: string,
  effectiveFrom: string | null,
): string[] {
  const on = effectiveFrom !== null && effectiveFrom > announcedOn ? effectiveFrom : announcedOn;
  const counted = new Set(systemsOn(ics, on));
  return [...new Set(named)].filter((code) => counted.has(code)).sort(compareText);
}

/** Sum of the basis over some ICSs, or null when one of them has no figure on that basis (not comparable). */
export function populationOf(basis: PopulationBasisFigures, codes: Iterable<string>): number | null {
  let sum = 0;
  for (const code of codes) {
    const value = basis.byIcs.get(code);
    if (value === undefined) return null;
    sum += value;
  }
  return sum;
}

/** A population as a percentage of England on the basis, rounded half up to one decimal. */
export function percentOf(basis: PopulationBasisFigures, people: number): number {
  return roundOneDecimal((people / basis.england) * 100);
}
