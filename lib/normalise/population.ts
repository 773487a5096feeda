import { createHash } from 'node:crypto';
import type { Resolution } from '../reference/gazetteer.ts';
import { compareText, sortRows } from '../reference/order.ts';
import type { IcsPopulationRow } from './datasets.ts';
import type { Provenance, SexAgeCell } from './input.ts';
import { addToPracticeIndex, emptyPracticeIndex, indexedEditions } from './practice-index.ts';
import {
  footprintOn,
  type GpEdition,
  type PracticeKey,
  type PracticeTable,
  practiceTable,
  type ResolvedInputs,
} from './resolved-inputs.ts';
import { type UnresolvedEntry, unresolvedFrom } from './unresolved.ts';

/**
 * `ics_population`: ONS mid-year estimates and GP registrations summed to ICSs as published (each on the footprint
 * in force on its reference date), plus every GP month re-based onto the current footprint by practice.
 */

export interface PopulationBasisFigures {
  /** Reference date of the newest ONS estimate, or null when there is none. */
  date: string | null;
  /** England on that basis: every CCG row, resolved or not. */
  england: number;
  /** ODS code -> ONS estimate (all ages) on that basis. */
  byIcs: ReadonlyMap<string, number>;
  /** The document the basis comes from. */
  document: { provenance: Provenance } | undefined;
}

export interface Population {
  rows: IcsPopulationRow[];
  basis: PopulationBasisFigures;
  unresolved: UnresolvedEntry[];
  /** The documents the rows were built from. */
  documents: { provenance: Provenance }[];
}

type Key = Omit<IcsPopulationRow, 'value' | 'source_url' | 'source_sha256'>;

/** Build every population row (every GP edition's sex x age cells must be held in its aggregate). */
export function buildPopulation(inputs: ResolvedInputs): Population {
  const collector = rowCollector();
  const resolveArea = areaResolver(inputs);
  const footprintLabel = footprintLabeller(inputs);
  const unresolved: UnresolvedEntry[] = [];
  for (const document of inputs.populationDocs)
    unresolved.push(...addOnsEstimates(document, document.rows, resolveArea, footprintLabel, collector.add));
  for (const edition of inputs.gpEditions) {
    unresolved.push(...addGpTotals(edition, resolveArea, footprintLabel, collector.add));
    unresolved.push(
      ...addGpSexAge(edition, heldSexAgeCells(edition), resolveArea, footprintLabel, collector.add),
    );
  }
  unresolved.push(...addRebased(inputs, collector.add));
  return {
    rows: collector.sorted(),
    basis: basisOf(inputs, collector.rows),
    unresolved,
    documents: populationDocuments(inputs),
  };
}

/** The documents population rows are built from: every ONS estimate and every GP edition's totals and age files. */
export function populationDocuments(inputs: ResolvedInputs): { provenance: Provenance }[] {
  return [
    ...inputs.populationDocs,
    ...inputs.gpEditions.flatMap((edition) =>
      [edition.totals, edition.age].filter((doc) => doc !== undefined),
    ),
  ];
}

/** The rows being built, keyed so that figures for the same key add up. */
export interface RowCollector {
  rows: ReadonlyMap<string, IcsPopulationRow>;
  add: Add;
  /** The rows sorted by primary key. */
  sorted(): IcsPopulationRow[];
}

export function rowCollector(): RowCollector {
  const rows = new Map<string, IcsPopulationRow>();
  const add = (key: Key, value: number, provenance: Provenance): void => {
    const id = [key.ics_code, key.reference_date, key.measure, key.sex, key.age_band, key.basis].join('|');
    const existing = rows.get(id);
    rows.set(id, {
      ...key,
      value: (existing?.value ?? 0) + value,
      source_url: provenance.url,
      source_sha256: provenance.sha256,
    });
  };
  const sorted = () =>
    sortRows([...rows.values()], ['ics_code', 'reference_date', 'measure', 'sex', 'age_band', 'basis']);
  return { rows, add, sorted };
}

/** Resolves an area code on a date, each (code, ONS code, date) once: thousands of cells share a few hundred codes. */
export function areaResolver(inputs: ResolvedInputs): ResolveArea {
  const resolved = new Map<string, Resolution>();
  return (code, onsCode, date) => {
    const key = `${code}|${onsCode ?? ''}|${date}`;
    let resolution = resolved.get(key);
    if (resolution === undefined) {
      resolution = inputs.gazetteer.resolveCode(code, { asOf: date });
      if (resolution.status === 'unresolved' && onsCode)
        resolution = inputs.gazetteer.resolveCode(onsCode, { asOf: date });
      resolved.set(key, resolution);
    }
    return resolution;
  };
}

/** The lookup vintage whose footprint is in force on a date (`unknown` when there is none). */
export function footprintLabeller(inputs: ResolvedInputs): (date: string) => string {
  return (date) => footprintOn(inputs.footprints, date)?.vintage ?? 'unknown';
}

type OnsDocument = ResolvedInputs['populationDocs'][number];

/** Add the rows of one ONS estimate document (or the part of it being built). */
export function addOnsEstimates(
  document: OnsDocument,
  estimates: OnsDocument['rows'],
  resolveArea: ResolveArea,
  footprintLabel: (date: string) => string,
  add: Add,
): UnresolvedEntry[] {
  const { provenance } = document;
  const unresolved: UnresolvedEntry[] = [];
  for (const row of sortRows(estimates, ['sub_icb_code'])) {
    const resolution = resolveArea(row.sub_icb_code, row.sub_icb_ons_code, row.reference_date);
    const problem = unresolvedFrom(
      resolution,
      provenance,
      `${row.sub_icb_code} ${row.name}: ${row.all_ages}`,
    );
    if (problem) unresolved.push(problem);
    if (resolution.status !== 'resolved') continue;
    const footprint = footprintLabel(row.reference_date);
    const base = {
      ics_code: resolution.ics_code,
      reference_date: row.reference_date,
      measure: 'ons_mid_year_estimate' as const,
      sex: 'ALL' as const,
      basis: 'as_published' as const,
      footprint,
      method: 'ons_by_ccg',
    };
    add({ ...base, age_band: 'ALL' }, row.all_ages, provenance);
    for (const band of Object.keys(row.age_bands).sort(compareText))
      add({ ...base, age_band: band }, row.age_bands[band] ?? 0, provenance);
  }
  return unresolved;
}

/** The sex x age cells an edition's aggregate holds; fails when they were left out to be loaded on demand. */
function heldSexAgeCells(edition: GpEdition): readonly SexAgeCell[] {
  const aggregate = edition.age?.aggregate;
  if (aggregate === undefined) return [];
  if (aggregate.by_sex_age.length === 0 && (aggregate.sex_age_cells ?? 0) > 0)
    throw new Error(
      `GP edition ${edition.extract_date}: expected its sex x age cells in the aggregate, found them held out (sex_age_cells ${aggregate.sex_age_cells}); build it with populationPartitions and a cell loader`,
    );
  return aggregate.by_sex_age;
}

export type ResolveArea = (code: string, onsCode: string | null, date: string) => Resolution;
export type Add = (key: Key, value: number, provenance: Provenance) => void;

export function addGpTotals(
  edition: GpEdition,
  resolveArea: ResolveArea,
  footprintLabel: (date: string) => string,
  add: Add,
): UnresolvedEntry[] {
  if (!edition.totals) return [];
  const { provenance, aggregate } = edition.totals;
  const date = edition.extract_date;
  const footprint = footprintLabel(date);
  const unresolved: UnresolvedEntry[] = [];
  for (const total of sortRows(aggregate.totals, ['sub_icb_code'])) {
    const resolution = resolveArea(total.sub_icb_code, total.sub_icb_ons_code, date);
    const problem = unresolvedFrom(
      resolution,
      provenance,
      `${total.sub_icb_code}: ${total.patients} patients`,
    );
    if (problem) unresolved.push(problem);
    if (resolution.status !== 'resolved') continue;
    add(
      {
        ics_code: resolution.ics_code,
        reference_date: date,
        measure: 'registered_patients',
        sex: 'ALL',
        age_band: 'ALL',
        basis: 'as_published',
        footprint,
        method: 'gp_by_sub_icb',
      },
      total.patients,
      provenance,
    );
  }
  return unresolved;
}

export function addGpSexAge(
  edition: GpEdition,
  sexAgeCells: readonly SexAgeCell[],
  resolveArea: ResolveArea,
  footprintLabel: (date: string) => string,
  add: Add,
): UnresolvedEntry[] {
  if (!edition.age) return [];
  const { provenance } = edition.age;
  const date = edition.extract_date;
  const footprint = footprintLabel(date);
  const unresolved: UnresolvedEntry[] = [];
  const reported = new Set<string>();
  const cells = sexAgeCells
    .filter((cell) => !(cell.sex === 'ALL' && cell.age === 'ALL'))
    .sort(
      (a, b) =>
        compareText(a.sub_icb_code, b.sub_icb_code) || compareText(a.sex, b.sex) || compareText(a.age, b.age),
    );
  for (const cell of cells) {
    const resolution = resolveArea(cell.sub_icb_code, null, date);
    if (resolution.status !== 'resolved') {
      if (!reported.has(cell.sub_icb_code)) {
        reported.add(cell.sub_icb_code);
        const problem = unresolvedFrom(
          resolution,
          provenance,
          `${cell.sub_icb_code}: single-year-of-age rows`,
        );
        if (problem) unresolved.push(problem);
      }
      continue;
    }
    add(
      {
        ics_code: resolution.ics_code,
        reference_date: date,
        measure: 'registered_patients',
        sex: cell.sex,
        age_band: cell.age,
        basis: 'as_published',
        footprint,
        method: 'gp_by_sub_icb',
      },
      cell.patients,
      provenance,
    );
  }
  return unresolved;
}

/**
 * Re-base every GP month onto the current footprint: each practice goes to the ICB that its sub-ICB location in
 * the newest GP edition holding it belongs to in the current lookup (for a practice that has closed, its location
 * when last seen). A location the current lookup no longer holds (a CCG merged in April 2021, before the next GP
 * edition) counts with the ICB it belonged to when that ICB continues, as lineage assumes. Practices that cannot be
 * placed are reported with their patients, never spread. Every edition's practices must be in memory (the whole
 * build).
 */
export function addRebased(inputs: ResolvedInputs, add: Add): UnresolvedEntry[] {
  const newest = newestWithPractices(inputs);
  if (!newest) return [];
  const tables = new Map(
    inputs.gpEditions.map((edition) => {
      if (edition.practices.length !== edition.practiceCount)
        throw new Error(
          `ics_population: expected the ${edition.practiceCount} practices of GP edition ${edition.extract_date} in memory, found ${edition.practices.length}`,
        );
      return [edition, practiceTable(edition.practices)] as const;
    }),
  );
  const editions = indexedEditions(inputs.gpEditions);
  const index = emptyPracticeIndex();
  for (const edition of editions) addToPracticeIndex(index, edition, tables.get(edition) as PracticeTable);
  const rebaser = rebaserOf(inputs, newest, index.lastSeen);
  if (!rebaser) return [];
  return editions.flatMap((edition) => rebaser.add(edition, tables.get(edition) as PracticeTable, add));
}

/** The newest GP edition that places practices: the re-based series follows its placement. */
export function newestWithPractices(inputs: ResolvedInputs): GpEdition | undefined {
  return inputs.gpEditions.filter((edition) => edition.practiceCount > 0).at(-1);
}

/** Re-bases one edition at a time onto the current footprint, each practice where it was last seen. */
export interface Rebaser {
  /** Add one edition's re-based rows from its practices; gives the practices it could not place, if any. */
  add(edition: GpEdition, practices: PracticeTable, add: Add): UnresolvedEntry[];
  /**
   * A digest of where these practices are placed, with the footprints' vintages: everything the re-basing of an
   * edition holding only these practices depends on besides the edition itself. Two rebasers that give the same
   * digest for a year's practices give that year the same rows, so it need not be built again.
   */
  placementOf(keys: Iterable<PracticeKey>): string;
}

/**
 * The re-basing of `addRebased`, given where every practice was last seen (`PracticeIndex.lastSeen`) and the newest
 * edition (whose date decides the footprint that places locations the current lookup no longer holds); undefined
 * without a current footprint.
 */
export function rebaserOf(
  inputs: ResolvedInputs,
  newest: GpEdition,
  lastSeen: ReadonlyMap<PracticeKey, string>,
): Rebaser | undefined {
  const current = inputs.footprints.at(-1);
  if (!current) return undefined;
  const placedBy = footprintOn(inputs.footprints, newest.extract_date);
  const currentIcbOf = memoised((sub: string): string | null => {
    const icb = current.subIcbs.get(sub)?.icb_code;
    if (icb !== undefined) return icb;
    const earlier = placedBy?.subIcbs.get(sub)?.icb_code;
    return earlier !== undefined && current.bodies.has(earlier) ? earlier : null;
  });
  // Each practice goes where its location in the newest edition holding it goes (null: nowhere), whatever its
  // location in the edition being re-based; a practice the index does not know goes where its own location goes.
  const icbs = icbNumbering();
  const placed = new Map<PracticeKey, number>();
  for (const [key, sub] of lastSeen) placed.set(key, icbs.numberOf(currentIcbOf(sub)));
  const sorted = sortedPlacement(placed);
  const vintages = [current.vintage, placedBy?.vintage ?? null];
  // Not dated: the placing edition is the version's newest (its newest re-based date), and a row whose figure did
  // not move stays the same row from one release to the next instead of every row changing every month.
  const method = 'gp_by_practice';
  return {
    placementOf: (keys) => placementDigest(vintages, keys, placed, icbs.codes),
    add(edition, practices, add) {
      if (!edition.totals || practices.keys.length === 0) return [];
      const own = practices.subs.map((sub) => icbs.numberOf(currentIcbOf(sub)));
      const placedIcbs =
        practices.ascending && sorted
          ? placeMerged(practices, sorted, own)
          : placeKeyed(practices, placed, own);
      const {
        sums: byIcb,
        unplaced,
        unplacedPatients,
      } = sumPlaced(placedIcbs, practices.patients, icbs.codes);
      const { provenance } = edition.totals;
      for (const [icb, value] of [...byIcb].sort(([a], [b]) => compareText(a, b))) {
        const key = {
          ics_code: icb,
          reference_date: edition.extract_date,
          measure: 'registered_patients',
        } as const;
        add(
          { ...key, sex: 'ALL', age_band: 'ALL', basis: 'rebased', footprint: current.vintage, method },
          value,
          provenance,
        );
      }
      if (unplaced === 0) return [];
      return [
        {
          name: `${unplaced} practices`,
          source_id: provenance.source_id,
          url: provenance.url,
          sha256: provenance.sha256,
          evidence: `GP ${edition.extract_date}: ${unplaced} practices, ${unplacedPatients} patients`,
          reason: `not re-based onto ${current.vintage}: neither their location in the newest GP edition holding them (to ${newest.extract_date}) nor lookup ${current.vintage} places these practices; left out of the re-based figures, not spread`,
        },
      ];
    },
  };
}

function memoised<T>(compute: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (known.has(key)) return known.get(key) as T;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}

/** ICB codes numbered from 0 as first met (-1: nowhere), so sums are kept in an array, not a map of strings. */
function icbNumbering(): { numberOf(icb: string | null): number; codes: string[] } {
  const codes: string[] = [];
  const numbers = new Map<string, number>();
  return {
    numberOf(icb) {
      if (icb === null) return -1;
      let number = numbers.get(icb);
      if (number === undefined) {
        number = codes.push(icb) - 1;
        numbers.set(icb, number);
      }
      return number;
    },
    codes,
  };
}

/**
 * sha256 of the footprints' vintages and each practice's placement (its key and ICB; nowhere; or not in the index,
 * so placed by its own location), in key order whatever the order they come in. Numeric keys (ODS practice codes)
 * are hashed as typed arrays, a year's ~8,000 practices in a few milliseconds; the ICBs by their rank among the
 * codes in use, so the digest does not depend on the order ICBs were first met.
 */
function placementDigest(
  vintages: readonly (string | null)[],
  keys: Iterable<PracticeKey>,
  placed: ReadonlyMap<PracticeKey, number>,
  codes: readonly string[],
): string {
  const list = [...keys];
  const hash = createHash('sha256').update(`${JSON.stringify(vintages)}\n`);
  if (!list.every((key) => typeof key === 'number')) {
    const lines = list.map((key) => {
      const icb = placed.get(key);
      return `${typeof key}:${key}\t${icb === undefined ? '-' : icb < 0 ? '' : codes[icb]}`;
    });
    return hash.update(lines.sort(compareText).join('\n')).digest('hex');
  }
  const sortedKeys = Float64Array.from(list as number[]).sort();
  const icbs = new Int32Array(sortedKeys.length);
  const used = new Set<number>();
  for (let index = 0; index < sortedKeys.length; index++) {
    const icb = placed.get(sortedKeys[index] as number) ?? -2;
    icbs[index] = icb;
    if (icb >= 0) used.add(icb);
  }
  const ranked = [...used].map((icb) => codes[icb] as string).sort(compareText);
  const rankOf = new Map([...used].map((icb) => [icb, ranked.indexOf(codes[icb] as string)]));
  for (let index = 0; index < icbs.length; index++) {
    const icb = icbs[index] as number;
    if (icb >= 0) icbs[index] = rankOf.get(icb) as number;
  }
  return hash
    .update(`${JSON.stringify(ranked)}\n`)
    .update(new Uint8Array(sortedKeys.buffer))
    .update(new Uint8Array(icbs.buffer))
    .digest('hex');
}

/** Every practice's placement (where it was last seen) sorted by numeric key, for a merge with an edition whose keys ascend. */
export interface SortedPlacement {
  keys: Float64Array;
  icbs: Int32Array;
}

/**
 * For editions whose keys ascend (binary columns of numeric codes): every practice's placement in key order,
 * merged with each edition instead of a map lookup per practice. Undefined when its keys are not all numbers.
 */
export function sortedPlacement(placed: ReadonlyMap<PracticeKey, number>): SortedPlacement | undefined {
  if (![...placed.keys()].every((key) => typeof key === 'number')) return undefined;
  const entries = [...placed].sort(([a], [b]) => (a as number) - (b as number));
  return {
    keys: Float64Array.from(entries, ([key]) => key as number),
    icbs: Int32Array.from(entries, ([, icb]) => icb),
  };
}

/**
 * The ICB number of each practice of an edition: where it was last seen places it (-1: nowhere), else `own`,
 * its location's ICB number. The edition's keys and the placements' ascend, so one cursor walks the placements' keys
 * forward: a single loop over numbers, no lookup or call per practice (it runs for every practice of every
 * edition on every run).
 */
export function placeMerged(
  practices: PracticeTable,
  newest: SortedPlacement,
  own: readonly number[],
): Int32Array {
  const { keys, sub } = practices;
  const newestKeys = newest.keys;
  const placedIcbs = new Int32Array(keys.length);
  let cursor = 0;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as number;
    while (cursor < newestKeys.length && (newestKeys[cursor] as number) < key) cursor++;
    placedIcbs[index] =
      cursor < newestKeys.length && newestKeys[cursor] === key
        ? (newest.icbs[cursor] as number)
        : (own[sub[index] as number] as number);
  }
  return placedIcbs;
}

/** As placeMerged, for any edition: each practice's placement looked up by key. */
export function placeKeyed(
  practices: PracticeTable,
  placed: ReadonlyMap<PracticeKey, number>,
  own: readonly number[],
): Int32Array {
  const { keys, sub } = practices;
  const placedIcbs = new Int32Array(keys.length);
  for (let index = 0; index < keys.length; index++)
    placedIcbs[index] = placed.get(keys[index] as PracticeKey) ?? (own[sub[index] as number] as number);
  return placedIcbs;
}

/** Patients per ICB of practices placed by ICB number (-1: nowhere), and those placed nowhere. */
function sumPlaced(
  placedIcbs: Int32Array,
  patients: ArrayLike<number>,
  codes: readonly string[],
): { sums: Map<string, number>; unplaced: number; unplacedPatients: number } {
  const totals = new Float64Array(codes.length);
  const counted = new Uint8Array(codes.length);
  let unplaced = 0;
  let unplacedPatients = 0;
  for (let index = 0; index < placedIcbs.length; index++) {
    const icb = placedIcbs[index] as number;
    const count = patients[index] as number;
    if (icb < 0) {
      unplaced += 1;
      unplacedPatients += count;
    } else {
      totals[icb] = (totals[icb] as number) + count;
      counted[icb] = 1;
    }
  }
  const sums = new Map<string, number>();
  codes.forEach((code, icb) => {
    if (counted[icb] === 1) sums.set(code, totals[icb] as number);
  });
  return { sums, unplaced, unplacedPatients };
}

export function basisOf(
  inputs: ResolvedInputs,
  rows: ReadonlyMap<string, IcsPopulationRow>,
): PopulationBasisFigures {
  const document = inputs.populationDocs.at(-1);
  if (!document) return { date: null, england: 0, byIcs: new Map(), document: undefined };
  const date = document.rows[0]?.reference_date ?? null;
  const byIcs = new Map<string, number>();
  for (const row of rows.values()) {
    if (
      row.reference_date === date &&
      row.measure === 'ons_mid_year_estimate' &&
      row.sex === 'ALL' &&
      row.age_band === 'ALL' &&
      row.basis === 'as_published'
    ) {
      byIcs.set(row.ics_code, row.value);
    }
  }
  return {
    date,
    england: document.rows.reduce((sum, row) => sum + row.all_ages, 0),
    byIcs,
    document,
  };
}
