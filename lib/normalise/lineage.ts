import { compareText, sortRows } from '../reference/order.ts';
import { displayName, firstSorted, officialNamesOf } from './body-names.ts';
import type { IcsLineageRow } from './datasets.ts';
import type { Provenance } from './input.ts';
import {
  type Footprint,
  footprintOn,
  type GpEdition,
  type PracticeLoader,
  practicePlacements,
  practicesOf,
  type ResolvedInputs,
} from './resolved-inputs.ts';
import type { UnresolvedEntry } from './unresolved.ts';

/**
 * Lineage derived from the data. Two consecutive lookup vintages are compared on ODS codes (an ONS recode of a
 * sub-ICB location whose code and parent did not change is no event):
 *
 * 1. a sub-ICB location present in both with a different parent ICB moved whole (Bassetlaw, 02Q, in July 2022);
 * 2. the practices of a sub-ICB location that closed or opened are followed from the last GP edition before the
 *    change to the first one on or after it (NHS Frimley's D4U1Y went three ways in April 2026).
 *
 * Each predecessor -> successor pair becomes one edge, with its practices and the share of the predecessor's
 * registered patients they carried. A closed location whose ICB continues, with no GP edition yet to follow its
 * practices, is taken to have stayed within that ICB (a CCG merger, as in April 2021): no edge is invented. An
 * abolished body whose area cannot be placed, a new body whose area cannot be traced, or a practice that lands in
 * a location no lookup holds is reported, never guessed.
 */

/** What changed between two consecutive vintages. */
export interface Transition {
  before: Footprint;
  after: Footprint;
  /** The date the change took effect: the later vintage's start. */
  effective_date: string;
  established: string[];
  abolished: string[];
}

export interface Lineage {
  edges: IcsLineageRow[];
  transitions: Transition[];
  unresolved: UnresolvedEntry[];
}

interface Movement {
  predecessor: string;
  successor: string;
  wholeSubIcbs: Set<string>;
  partialSubIcbs: Set<string>;
  /** Practice code -> its patients in the edition before (null when no edition before placed it). */
  practices: Map<string, number | null>;
  followedPractices: boolean;
}

/** Derive every lineage edge between consecutive footprints. */
export function deriveLineage(inputs: ResolvedInputs): Lineage {
  const officialNames = officialNamesOf(inputs);
  const edges: IcsLineageRow[] = [];
  const transitions: Transition[] = [];
  const unresolved: UnresolvedEntry[] = [];
  for (const edition of lineageEditions(inputs)) {
    if (edition.practices.length !== edition.practiceCount)
      throw new Error(
        `lineage: expected the ${edition.practiceCount} practices of GP edition ${edition.extract_date} in memory, found ${edition.practices.length} (load them with practicesOf first)`,
      );
  }
  for (const { before, after, editionBefore, editionAfter } of footprintChanges(inputs)) {
    const effective = after.start;
    const result = compareFootprints({ inputs, before, after, editionBefore, editionAfter });
    unresolved.push(...result.unresolved);
    transitions.push({
      before,
      after,
      effective_date: effective,
      established: result.established,
      abolished: result.abolished,
    });
    const outgoing = new Map<string, number>();
    for (const movement of result.movements)
      outgoing.set(movement.predecessor, (outgoing.get(movement.predecessor) ?? 0) + 1);
    for (const movement of result.movements) {
      edges.push(
        edgeRow({
          movement,
          before,
          after,
          editionBefore,
          editionAfter,
          officialNames,
          patientsBefore: result.patientsBefore,
          kind: kindOf(movement, before, after, outgoing),
        }),
      );
    }
  }
  return {
    edges: sortRows(edges, ['predecessor_code', 'successor_code', 'effective_date']),
    transitions,
    unresolved,
  };
}

/** One change of footprint, with the GP editions with practices on either side of it. */
interface FootprintChange {
  before: Footprint;
  after: Footprint;
  editionBefore: GpEdition | undefined;
  editionAfter: GpEdition | undefined;
}

function footprintChanges(inputs: ResolvedInputs): FootprintChange[] {
  const withPractices = inputs.gpEditions.filter((edition) => edition.practiceCount > 0);
  const changes: FootprintChange[] = [];
  for (let index = 1; index < inputs.footprints.length; index += 1) {
    const after = inputs.footprints[index] as Footprint;
    changes.push({
      before: inputs.footprints[index - 1] as Footprint,
      after,
      editionBefore: withPractices.filter((edition) => edition.extract_date < after.start).at(-1),
      editionAfter: withPractices.find((edition) => edition.extract_date >= after.start),
    });
  }
  return changes;
}

/**
 * The GP editions whose practices lineage follows: the last before and the first on or after each change of
 * footprint. A caller whose editions hold their practices out loads these (and only these) before deriving.
 */
export function lineageEditions(inputs: ResolvedInputs): GpEdition[] {
  const editions = new Set<GpEdition>();
  for (const change of footprintChanges(inputs)) {
    if (change.editionBefore) editions.add(change.editionBefore);
    if (change.editionAfter) editions.add(change.editionAfter);
  }
  return [...editions];
}

/** The inputs with the practices of every edition lineage follows in memory (loaded when held out). */
export async function withLineagePractices(
  inputs: ResolvedInputs,
  load: PracticeLoader | undefined,
): Promise<ResolvedInputs> {
  const loaded = new Map<GpEdition, GpEdition>();
  for (const edition of lineageEditions(inputs)) {
    if (edition.practices.length === edition.practiceCount) continue;
    loaded.set(edition, { ...edition, practices: practicePlacements(await practicesOf(edition, load)) });
  }
  if (loaded.size === 0) return inputs;
  return { ...inputs, gpEditions: inputs.gpEditions.map((edition) => loaded.get(edition) ?? edition) };
}

interface Comparison {
  movements: Movement[];
  established: string[];
  abolished: string[];
  unresolved: UnresolvedEntry[];
  /** Registered patients per ICB in the edition before the change, placed as that edition places them. */
  patientsBefore: ReadonlyMap<string, number>;
}

/** What the lookups alone say changed between two vintages, on ODS codes. */
interface StructuralChange {
  established: string[];
  abolished: string[];
  /** Sub-ICB locations in both vintages whose parent changed: code -> [old parent, new parent]. */
  movedWhole: Map<string, [string, string]>;
  closed: Set<string>;
  opened: Set<string>;
}

function structuralChange(before: Footprint, after: Footprint): StructuralChange {
  const movedWhole = new Map<string, [string, string]>();
  for (const [sub, row] of before.subIcbs) {
    const next = after.subIcbs.get(sub);
    if (next !== undefined && next.icb_code !== row.icb_code)
      movedWhole.set(sub, [row.icb_code, next.icb_code]);
  }
  return {
    established: [...after.bodies.keys()].filter((code) => !before.bodies.has(code)).sort(compareText),
    abolished: [...before.bodies.keys()].filter((code) => !after.bodies.has(code)).sort(compareText),
    movedWhole,
    closed: new Set([...before.subIcbs.keys()].filter((sub) => !after.subIcbs.has(sub))),
    opened: new Set([...after.subIcbs.keys()].filter((sub) => !before.subIcbs.has(sub))),
  };
}

/** Movements keyed by predecessor and successor, created on first use. */
function movementTable(): { of(predecessor: string, successor: string): Movement; all(): Movement[] } {
  const movements = new Map<string, Movement>();
  return {
    of(predecessor, successor) {
      const key = `${predecessor}|${successor}`;
      let movement = movements.get(key);
      if (!movement) {
        movement = {
          predecessor,
          successor,
          wholeSubIcbs: new Set(),
          partialSubIcbs: new Set(),
          practices: new Map(),
          followedPractices: false,
        };
        movements.set(key, movement);
      }
      return movement;
    },
    all: () => [...movements.values()],
  };
}

type Report = (name: string, reason: string, evidence: string) => void;

function compareFootprints(context: {
  inputs: ResolvedInputs;
  before: Footprint;
  after: Footprint;
  editionBefore: GpEdition | undefined;
  editionAfter: GpEdition | undefined;
}): Comparison {
  const { inputs, before, after, editionBefore, editionAfter } = context;
  const change = structuralChange(before, after);
  const movements = movementTable();
  const unresolved: UnresolvedEntry[] = [];
  const report: Report = (name, reason, evidence) =>
    unresolved.push(unresolvedEntry(after, name, reason, evidence));
  // The footprint that placed the practices of the edition before (its codes may predate `before`).
  const placedBefore = editionBefore ? footprintOn(inputs.footprints, editionBefore.extract_date) : undefined;
  const beforeParent = (sub: string): string | undefined =>
    before.subIcbs.get(sub)?.icb_code ?? placedBefore?.subIcbs.get(sub)?.icb_code;

  addWholeMoves(change, editionBefore, movements);
  if (editionAfter)
    followPractices({ change, after, editionBefore, editionAfter, beforeParent, movements, report });
  else reportUnfollowed(change, before, after, report);
  const found = movements.all();
  reportUntraced(change, before, after, found, unresolved, report);
  return {
    movements: found,
    established: change.established,
    abolished: change.abolished,
    unresolved,
    patientsBefore: patientsByParent(editionBefore, beforeParent),
  };
}

/** 1. Sub-ICB locations that changed parent move whole, with the practices the edition before places in them. */
function addWholeMoves(
  change: StructuralChange,
  editionBefore: GpEdition | undefined,
  movements: ReturnType<typeof movementTable>,
): void {
  for (const [sub, [from, to]] of change.movedWhole) {
    const movement = movements.of(from, to);
    movement.wholeSubIcbs.add(sub);
    for (const practice of editionBefore?.practices ?? []) {
      if (practice.sub_icb_code === sub) movement.practices.set(practice.practice_code, practice.patients);
    }
  }
}

/** 2. The practices of closed, opened and moved locations, followed from the edition before to the one after. */
function followPractices(context: {
  change: StructuralChange;
  after: Footprint;
  editionBefore: GpEdition | undefined;
  editionAfter: GpEdition;
  beforeParent: (sub: string) => string | undefined;
  movements: ReturnType<typeof movementTable>;
  report: Report;
}): void {
  const { change, after, editionAfter, beforeParent, movements, report } = context;
  const practicesBefore = new Map(
    (context.editionBefore?.practices ?? []).map((practice) => [practice.practice_code, practice] as const),
  );
  for (const practice of editionAfter.practices) {
    const previous = practicesBefore.get(practice.practice_code);
    if (!previous) continue;
    const involved =
      change.closed.has(previous.sub_icb_code) ||
      change.opened.has(practice.sub_icb_code) ||
      change.movedWhole.has(practice.sub_icb_code);
    if (!involved) continue;
    const to = after.subIcbs.get(practice.sub_icb_code)?.icb_code;
    if (to === undefined) {
      report(
        practice.sub_icb_code,
        `the GP edition of ${editionAfter.extract_date} places practice ${practice.practice_code} in sub-ICB location ${practice.sub_icb_code}, which lookup ${after.vintage} does not hold; not guessed`,
        `${practice.practice_code}: ${practice.patients} patients`,
      );
      continue;
    }
    const from = beforeParent(previous.sub_icb_code);
    if (from === undefined || from === to) continue;
    const movement = movements.of(from, to);
    movement.practices.set(practice.practice_code, previous.patients);
    if (!change.movedWhole.has(previous.sub_icb_code)) {
      movement.partialSubIcbs.add(previous.sub_icb_code);
      movement.followedPractices = true;
    }
  }
}

/**
 * With no GP edition after the change: a closed location whose ICB continues is taken to have stayed within it (a
 * CCG merger); one that closed with its ICB, or opened under a new ICB, cannot be traced and is reported.
 */
function reportUnfollowed(
  change: StructuralChange,
  before: Footprint,
  after: Footprint,
  report: Report,
): void {
  const between = `${before.vintage} -> ${after.vintage}`;
  for (const sub of [...change.closed].sort(compareText)) {
    const parent = before.subIcbs.get(sub)?.icb_code ?? '';
    if (after.bodies.has(parent)) continue;
    report(
      sub,
      `sub-ICB location ${sub} of ${parent} closed on ${after.start} with its ICB, and no GP edition on or after that date shows where its practices went; no lineage guessed`,
      between,
    );
  }
  for (const sub of [...change.opened].sort(compareText)) {
    const parent = after.subIcbs.get(sub)?.icb_code ?? '';
    if (before.bodies.has(parent)) continue;
    report(
      sub,
      `sub-ICB location ${sub} of the new ${parent} opened on ${after.start}, and no GP edition on or after that date shows where its practices came from; no lineage guessed`,
      between,
    );
  }
}

/** An abolished body none of whose area was placed, or a new one none of whose area was traced, is reported. */
function reportUntraced(
  change: StructuralChange,
  before: Footprint,
  after: Footprint,
  found: readonly Movement[],
  unresolved: readonly UnresolvedEntry[],
  report: Report,
): void {
  const between = `${before.vintage} -> ${after.vintage}`;
  for (const code of change.abolished) {
    if (found.some((movement) => movement.predecessor === code)) continue;
    if (unresolved.some((entry) => entry.reason.includes(` of ${code} `))) continue;
    report(
      code,
      `${code} is not in lookup ${after.vintage}, and none of its area was found in another body`,
      between,
    );
  }
  for (const code of change.established) {
    if (found.some((movement) => movement.successor === code)) continue;
    if (unresolved.some((entry) => entry.reason.includes(` new ${code} `))) continue;
    report(
      code,
      `${code} is new in lookup ${after.vintage}, and none of its area was traced to an earlier body`,
      between,
    );
  }
}

/** Registered patients per ICB in an edition, each practice placed as that edition's date places it. */
function patientsByParent(
  edition: GpEdition | undefined,
  parentOf: (sub: string) => string | undefined,
): ReadonlyMap<string, number> {
  const patients = new Map<string, number>();
  for (const practice of edition?.practices ?? []) {
    const parent = parentOf(practice.sub_icb_code);
    if (parent !== undefined) patients.set(parent, (patients.get(parent) ?? 0) + practice.patients);
  }
  return patients;
}

function kindOf(
  movement: Movement,
  before: Footprint,
  after: Footprint,
  outgoing: ReadonlyMap<string, number>,
): IcsLineageRow['kind'] {
  if (after.bodies.has(movement.predecessor)) return 'boundary_transfer';
  if (before.bodies.has(movement.successor)) return 'acquisition';
  return (outgoing.get(movement.predecessor) ?? 0) > 1 ? 'split' : 'merger';
}

function nameIn(
  footprint: Footprint,
  code: string,
  officialNames: ReadonlyMap<string, readonly string[]>,
): string {
  const rows = footprint.bodies.get(code) ?? [];
  const lookupName = firstSorted(new Set(rows.map((row) => row.icb_name))) ?? code;
  return displayName(code, lookupName, officialNames);
}

function edgeRow(context: {
  movement: Movement;
  before: Footprint;
  after: Footprint;
  editionBefore: GpEdition | undefined;
  editionAfter: GpEdition | undefined;
  officialNames: ReadonlyMap<string, readonly string[]>;
  patientsBefore: ReadonlyMap<string, number>;
  kind: IcsLineageRow['kind'];
}): IcsLineageRow {
  const { movement, before, after, editionBefore, editionAfter, officialNames } = context;
  const practiceCodes = [...movement.practices.keys()].sort(compareText);
  const counted = [...movement.practices.values()];
  const patientsMoved =
    editionBefore && counted.length > 0 && counted.every((value) => value !== null)
      ? counted.reduce<number>((sum, value) => sum + (value ?? 0), 0)
      : null;
  const predecessorPatients = editionBefore
    ? (context.patientsBefore.get(movement.predecessor) ?? null)
    : null;
  const share =
    patientsMoved !== null && predecessorPatients !== null && predecessorPatients > 0
      ? Math.round((patientsMoved / predecessorPatients) * 10_000) / 10_000
      : null;
  const used: { provenance: Provenance }[] = [
    ...before.documents,
    ...after.documents,
    ...(editionBefore?.totals ? [editionBefore.totals] : []),
    ...(movement.followedPractices && editionAfter?.totals ? [editionAfter.totals] : []),
  ];
  const sources = new Map(used.map(({ provenance }) => [provenance.url, provenance.sha256] as const));
  const urls = [...sources.keys()].sort(compareText);
  return {
    predecessor_code: movement.predecessor,
    successor_code: movement.successor,
    effective_date: after.start,
    kind: context.kind,
    predecessor_name: nameIn(before, movement.predecessor, officialNames),
    successor_name: nameIn(after, movement.successor, officialNames),
    sub_icb_location_codes: [...movement.wholeSubIcbs].sort(compareText),
    partial_sub_icb_location_codes: [...movement.partialSubIcbs].sort(compareText),
    practice_codes: practiceCodes,
    practice_count: practiceCodes.length,
    patients_moved: patientsMoved,
    predecessor_patients: patientsMoved === null ? null : predecessorPatients,
    patient_share: share,
    patients_reference_date: patientsMoved === null ? null : (editionBefore?.extract_date ?? null),
    lookup_before: before.vintage,
    lookup_after: after.vintage,
    gp_edition_after: movement.followedPractices ? (editionAfter?.extract_date ?? null) : null,
    source_urls: urls,
    source_sha256s: urls.map((url) => sources.get(url) as string),
    corroborating_urls: [],
  };
}

function unresolvedEntry(after: Footprint, name: string, reason: string, evidence: string): UnresolvedEntry {
  const provenance = after.documents[0]?.provenance;
  return {
    name,
    source_id: provenance?.source_id ?? 'ons-code-lookups',
    url: provenance?.url ?? 'urn:ics-lake:lookups',
    sha256: provenance?.sha256 ?? '0'.repeat(64),
    evidence,
    reason,
  };
}
