import { createHash } from 'node:crypto';
import { prefetched } from '../core/prefetch.ts';
import {
  type IcsPopulationRow,
  isRebasedPartition,
  populationPartitionOf,
  rebasedPartitionOf,
} from './datasets.ts';
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
  type Rebaser,
  rebaserOf,
  rowCollector,
} from './population.ts';
import {
  derivePracticeIndex,
  indexedEditions,
  type PracticeIndex,
  type PracticeIndexLoader,
} from './practice-index.ts';
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
 * ONS estimate dated in it) and one per year of the re-based series. Each partition's rows are exactly the rows
 * `buildPopulation` gives for it, computed from its own documents (and, for re-based years, where the practices
 * they hold are placed now), so a release builds its new month and that month's re-based year, and carries every
 * other partition forward unless one of its practices moved.
 */

/** Bump when the population builder's output for the same documents changes: every partition is built again. */
// 2: re-based rows say `gp_by_practice`, no longer dated by the placing edition.
// 3: the re-based series is partitioned by year (`rebased-YYYY`), no longer one `rebased` partition.
// 4: a practice the newest edition does not hold is re-based where it was last seen, not by each edition's location.
export const POPULATION_BUILDER_VERSION = 4;

export { isRebasedPartition, populationPartitionOf, rebasedPartitionOf };

/** A GP document whose sex x age cells were left out of its aggregate (`sex_age_cells`). */
export type GpFileDocument = NonNullable<GpEdition['age']>;

/** Loads one GP file's sex x age cells, kept out of memory until its month is built. */
export type SexAgeLoader = (document: GpFileDocument) => Promise<readonly SexAgeCell[]>;

/** Loaders for what GP files' parse summaries held out of memory, each called when a build needs it. */
export interface HeldOutLoaders {
  sexAge?: SexAgeLoader | undefined;
  practices?: PracticeLoader | undefined;
  /** The practice index of the re-based editions, kept between runs; without it, every edition's practices are read. */
  practiceIndex?: PracticeIndexLoader | undefined;
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
 * A re-based year's fingerprint also holds where the practices its editions hold are placed now
 * (`Rebaser.placementOf` over the year's practices in the practice index): a new edition in which practices open
 * or close, but none of that year's practices moves, leaves the year carried forward.
 */
export async function populationPartitions(
  inputs: ResolvedInputs,
  codeVersion: string,
  loaders: HeldOutLoaders = {},
): Promise<PopulationPartitions> {
  const placing = await placingOf(inputs, loaders);
  const placements = yearPlacements(placing);
  const documents = partitionDocuments(inputs);
  const reference = referenceFingerprint(inputs);
  const fingerprints = new Map(
    [...documents].map(([partition, provenances]) => [
      partition,
      sha256(
        JSON.stringify([
          codeVersion,
          reference,
          partition,
          provenances.map(urlAndHash),
          ...(isRebasedPartition(partition) ? [placements.get(partition) ?? null] : []),
        ]),
      ),
    ]),
  );
  return {
    inputs: fingerprints,
    basis: onsBasis(inputs),
    documents: populationDocuments(inputs),
    build: (partitions) => buildPartitions(inputs, partitions, fingerprints, loaders, placing),
  };
}

/** Where every practice was last seen, which practices each year holds, and the rebaser they give. */
interface Placing {
  index: PracticeIndex;
  rebaser: Rebaser;
}

/** The practice index (from its loader, else read from every edition) and the rebaser; none without a footprint. */
async function placingOf(inputs: ResolvedInputs, loaders: HeldOutLoaders): Promise<Placing | undefined> {
  const editions = rebasedEditions(inputs);
  const newest = newestWithPractices(inputs);
  if (editions.length === 0 || newest === undefined) return undefined;
  const index = loaders.practiceIndex
    ? await loaders.practiceIndex(editions)
    : await derivePracticeIndex(editions, loaders.practices);
  const rebaser = rebaserOf(inputs, newest, index.lastSeen);
  return rebaser && { index, rebaser };
}

/** Each re-based year's placement digest by its partition: where the practices its editions hold are placed now. */
function yearPlacements(placing: Placing | undefined): Map<string, string> {
  const placements = new Map<string, string>();
  if (placing === undefined) return placements;
  for (const [year, keys] of placing.index.years)
    placements.set(rebasedPartitionOf(year), placing.rebaser.placementOf(keys));
  return placements;
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
  for (const edition of rebasedEditions(inputs))
    if (edition.totals) note(rebasedPartitionOf(edition.extract_date), edition.totals.provenance);
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
  return inputs.footprints.length === 0 ? [] : indexedEditions(inputs.gpEditions);
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
  placing: Placing | undefined,
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
  const years = [...partitions].filter(isRebasedPartition);
  if (placing && years.length > 0)
    unresolved.push(
      ...(await addRebasedLoading(inputs, new Set(years), placing, loaders.practices, collector.add)),
    );
  return { rows: collector.sorted(), unresolved };
}

/** `addRebased` for the editions of some years, one at a time: each edition's practices are loaded, summed, dropped. */
async function addRebasedLoading(
  inputs: ResolvedInputs,
  years: ReadonlySet<string>,
  placing: Placing,
  load: PracticeLoader | undefined,
  add: Add,
): Promise<UnresolvedEntry[]> {
  const editions = rebasedEditions(inputs).filter((edition) =>
    years.has(rebasedPartitionOf(edition.extract_date)),
  );
  const loading = prefetched(
    editions.map((edition) => () => practicesOf(edition, load)),
    READ_AHEAD,
  );
  const unresolved: UnresolvedEntry[] = [];
  for (const [index, edition] of editions.entries()) {
    const practices = await (loading[index] as () => Promise<PracticeTable>)();
    unresolved.push(...placing.rebaser.add(edition, practices, add));
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
