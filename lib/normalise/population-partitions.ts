import { createHash } from 'node:crypto';
import { prefetched } from '../core/prefetch.ts';
import { type IcsPopulationRow, populationPartitionOf, REBASED_PARTITION } from './datasets.ts';
import type { Provenance, SexAgeCell } from './input.ts';
import {
  type Add,
  addGpSexAge,
  addGpTotals,
  addOnsEstimates,
  areaResolver,
  basisOf,
  footprintLabeller,
  newestWithPractices,
  type PopulationBasisFigures,
  populationDocuments,
  rebaserOf,
  rowCollector,
} from './population.ts';
import {
  type GpEdition,
  type PracticeLoader,
  type PracticeTable,
  practicesOf,
  type ResolvedInputs,
} from './resolved-inputs.ts';
import type { UnresolvedEntry } from './unresolved.ts';

/**
 * `ics_population` one partition at a time (issue 15): one partition per reference month (its GP edition and any
 * ONS estimate dated in it) and one for the re-based series. Each partition's rows are exactly the rows
 * `buildPopulation` gives for that month, computed from that month's documents alone, so a release builds its new
 * month and the re-based series and carries every other month forward.
 */

/** Bump when the population builder's output for the same documents changes: every partition is built again. */
// 2: re-based rows say `gp_by_practice`, no longer dated by the placing edition.
export const POPULATION_BUILDER_VERSION = 2;

export { populationPartitionOf, REBASED_PARTITION };

/** A GP document whose sex x age cells were left out of its aggregate (`sex_age_cells`). */
export type GpFileDocument = NonNullable<GpEdition['age']>;

/** Loads one GP file's sex x age cells, kept out of memory until its month is built. */
export type SexAgeLoader = (document: GpFileDocument) => Promise<readonly SexAgeCell[]>;

/** Loaders for what GP files' parse summaries held out of memory, each called when a build needs it. */
export interface HeldOutLoaders {
  sexAge?: SexAgeLoader | undefined;
  practices?: PracticeLoader | undefined;
}

/** What one build of some partitions gives: their rows (sorted by primary key) and the names they left unresolved. */
export interface PopulationBuild {
  rows: IcsPopulationRow[];
  unresolved: UnresolvedEntry[];
}

export interface PopulationPartitions {
  /** Every partition the dataset holds, each with a fingerprint of everything its rows are computed from. */
  inputs: ReadonlyMap<string, string>;
  /** The ONS basis coverage and published claims are measured against (the newest estimate). */
  basis: PopulationBasisFigures;
  /** Every document the rows are built from (the version's lineage). */
  documents: { provenance: Provenance }[];
  /** Build the rows of these partitions, and only theirs. */
  build(partitions: ReadonlySet<string>): Promise<PopulationBuild>;
}

/**
 * `ics_population` as partitions. `codeVersion` is whatever else the rows depend on (pipeline, parser and builder
 * versions, the schema); the reference data that resolves codes (every lookup, ICB-name and legacy document, the
 * vintages in force, aliases) is in every partition's fingerprint, so a new code vintage rebuilds every month once.
 */
export function populationPartitions(
  inputs: ResolvedInputs,
  codeVersion: string,
  loaders: HeldOutLoaders = {},
): PopulationPartitions {
  const documents = partitionDocuments(inputs);
  const reference = referenceFingerprint(inputs);
  const fingerprints = new Map(
    [...documents].map(([partition, provenances]) => [
      partition,
      sha256(JSON.stringify([codeVersion, reference, partition, provenances.map(urlAndHash)])),
    ]),
  );
  return {
    inputs: fingerprints,
    basis: onsBasis(inputs),
    documents: populationDocuments(inputs),
    build: (partitions) => buildPartitions(inputs, partitions, fingerprints, loaders),
  };
}

/** Which documents each partition's rows come from, sorted by URL and hash. */
export function partitionDocuments(inputs: ResolvedInputs): Map<string, Provenance[]> {
  const byPartition = new Map<string, Map<string, Provenance>>();
  const note = (partition: string, provenance: Provenance) => {
    const documents = byPartition.get(partition) ?? new Map<string, Provenance>();
    documents.set(urlAndHash(provenance).join(' '), provenance);
    byPartition.set(partition, documents);
  };
  for (const document of inputs.populationDocs) {
    for (const row of document.rows) note(row.reference_date.slice(0, 7), document.provenance);
  }
  for (const edition of inputs.gpEditions) {
    const month = edition.extract_date.slice(0, 7);
    if (!byPartition.has(month)) byPartition.set(month, new Map());
    for (const document of [edition.totals, edition.age]) if (document) note(month, document.provenance);
  }
  const rebasedFrom = rebasedEditions(inputs);
  if (rebasedFrom.length > 0) {
    byPartition.set(REBASED_PARTITION, new Map());
    for (const edition of rebasedFrom) if (edition.totals) note(REBASED_PARTITION, edition.totals.provenance);
  }
  return new Map(
    [...byPartition]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([partition, provenances]) => [
        partition,
        [...provenances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, provenance]) => provenance),
      ]),
  );
}

/** The editions the re-based series sums (none when there is no current footprint or no practice file). */
function rebasedEditions(inputs: ResolvedInputs): GpEdition[] {
  if (inputs.footprints.length === 0) return [];
  const withPractices = inputs.gpEditions.filter((edition) => edition.practiceCount > 0);
  return withPractices.filter((edition) => edition.totals !== undefined);
}

/** A hash of the reference data that resolves codes and labels footprints. */
function referenceFingerprint(inputs: ResolvedInputs): string {
  return sha256(
    JSON.stringify([
      [...inputs.lookupDocs, ...inputs.icbNameDocs, ...inputs.legacyDocs].map((doc) =>
        urlAndHash(doc.provenance),
      ),
      inputs.footprints.map((footprint) => footprint.vintage),
      inputs.input.aliases ?? null,
    ]),
  );
}

async function buildPartitions(
  inputs: ResolvedInputs,
  partitions: ReadonlySet<string>,
  known: ReadonlyMap<string, string>,
  loaders: HeldOutLoaders,
): Promise<PopulationBuild> {
  const unknown = [...partitions].filter((partition) => !known.has(partition));
  if (unknown.length > 0)
    throw new RangeError(
      `ics_population: expected partitions among ${[...known.keys()].join(', ')}, found ${unknown.join(', ')}`,
    );
  const collector = rowCollector();
  const resolveArea = areaResolver(inputs);
  const footprintLabel = footprintLabeller(inputs);
  const inPartition = (date: string) => partitions.has(date.slice(0, 7));
  const unresolved: UnresolvedEntry[] = [];
  for (const document of inputs.populationDocs) {
    const estimates = document.rows.filter((row) => inPartition(row.reference_date));
    if (estimates.length > 0)
      unresolved.push(...addOnsEstimates(document, estimates, resolveArea, footprintLabel, collector.add));
  }
  for (const edition of inputs.gpEditions.filter((each) => inPartition(each.extract_date))) {
    unresolved.push(...addGpTotals(edition, resolveArea, footprintLabel, collector.add));
    const cells = await sexAgeCellsOf(edition, loaders.sexAge);
    unresolved.push(...addGpSexAge(edition, cells, resolveArea, footprintLabel, collector.add));
  }
  if (partitions.has(REBASED_PARTITION))
    unresolved.push(...(await addRebasedLoading(inputs, loaders.practices, collector.add)));
  return { rows: collector.sorted(), unresolved };
}

/** `addRebased` one edition at a time: each edition's practices are loaded, summed and dropped. */
async function addRebasedLoading(
  inputs: ResolvedInputs,
  load: PracticeLoader | undefined,
  add: Add,
): Promise<UnresolvedEntry[]> {
  const newest = newestWithPractices(inputs);
  const newestPractices = newest && (await practicesOf(newest, load));
  const rebaser = newest && newestPractices && rebaserOf(inputs, newest, newestPractices);
  if (!rebaser) return [];
  const editions = inputs.gpEditions.filter((edition) => edition.totals && edition.practiceCount > 0);
  const loading = prefetched(
    editions.map((edition) =>
      edition === newest ? async () => newestPractices : () => practicesOf(edition, load),
    ),
    READ_AHEAD,
  );
  const unresolved: UnresolvedEntry[] = [];
  for (const [index, edition] of editions.entries()) {
    unresolved.push(...rebaser.add(edition, await (loading[index] as () => Promise<PracticeTable>)(), add));
  }
  return unresolved;
}

/** Editions whose practices are read while the one before is summed: reads overlap, memory holds a few. */
const READ_AHEAD = 8;

/** An edition's sex x age cells: those its aggregate holds, else loaded now (and dropped after its month). */
async function sexAgeCellsOf(
  edition: GpEdition,
  loadSexAge: SexAgeLoader | undefined,
): Promise<readonly SexAgeCell[]> {
  const document = edition.age;
  if (document === undefined) return [];
  const held = document.aggregate.by_sex_age;
  const expected = document.aggregate.sex_age_cells;
  if (held.length > 0 || expected === undefined || expected === 0) return held;
  if (loadSexAge === undefined)
    throw new Error(
      `GP edition ${edition.extract_date}: expected a loader for its ${expected} sex x age cells held out of memory, found none`,
    );
  const cells = await loadSexAge(document);
  if (cells.length !== expected)
    throw new Error(
      `GP edition ${edition.extract_date} (${document.provenance.url}): expected ${expected} sex x age cells, loaded ${cells.length}`,
    );
  return cells;
}

/** The newest ONS estimate's figures, from the ONS rows alone (as buildPopulation's basis). */
function onsBasis(inputs: ResolvedInputs): PopulationBasisFigures {
  const collector = rowCollector();
  const resolveArea = areaResolver(inputs);
  const footprintLabel = footprintLabeller(inputs);
  for (const document of inputs.populationDocs)
    addOnsEstimates(document, document.rows, resolveArea, footprintLabel, collector.add);
  return basisOf(inputs, collector.rows);
}

function urlAndHash(provenance: Provenance): [string, string] {
  return [provenance.url, provenance.sha256];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
