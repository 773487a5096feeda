import { buildIcs } from './bodies.ts';
import { buildCoverage } from './coverage.ts';
import type {
  IcsCoverageRow,
  IcsDesignationRow,
  IcsLineageRow,
  IcsPopulationRow,
  IcsRow,
  LifecycleClaimRow,
  PublishedClaimRow,
} from './datasets.ts';
import { buildDesignations } from './designations.ts';
import { type RawRef, rawRefs, type WithProvenance } from './documents.ts';
import { type NormaliseInput, NormaliseOptions } from './input.ts';
import { buildLifecycleClaims, corroborate } from './lifecycle-claims.ts';
import { deriveLineage, withLineagePractices } from './lineage.ts';
import { buildPopulation, type Population } from './population.ts';
import {
  type PopulationPartitions,
  populationPartitions,
  type SexAgeLoader,
} from './population-partitions.ts';
import type { PracticeIndexLoader } from './practice-index.ts';
import { buildPublishedClaims } from './published-claims.ts';
import { type PracticeLoader, type ResolvedInputs, resolveInputs } from './resolved-inputs.ts';
import { sortedUnresolved, type UnresolvedEntry } from './unresolved.ts';
import { websitesFromListings } from './websites.ts';

/**
 * The normalise stage: parsed documents with provenance in, the datasets out. Pure and deterministic: inputs are
 * resolved once (resolved-inputs.ts), each dataset is built by its own module from them, every output is sorted by
 * primary key, and nothing reads the clock (the run date comes in as `asOf`).
 */

export type { UnresolvedEntry };

/** The raw objects one dataset was built from. */
export interface LineageEntry {
  dataset: string;
  raw: RawRef[];
}

export interface NormaliseResult {
  datasets: {
    ics: IcsRow[];
    ics_lineage: IcsLineageRow[];
    ics_designations: IcsDesignationRow[];
    ics_population: IcsPopulationRow[];
    ics_coverage: IcsCoverageRow[];
    published_claims: PublishedClaimRow[];
    ics_lifecycle_claims: LifecycleClaimRow[];
  };
  unresolved: UnresolvedEntry[];
  lineage: LineageEntry[];
}

/** Normalise parsed documents into the datasets, as of `options.asOf`. */
export function normalise(rawInput: NormaliseInput, rawOptions: NormaliseOptions): NormaliseResult {
  const { asOf } = NormaliseOptions.parse(rawOptions);
  const inputs = resolveInputs(rawInput, asOf);
  const population = buildPopulation(inputs);
  const rest = normaliseAround(inputs, population);
  return {
    datasets: { ...rest.datasets, ics_population: population.rows },
    unresolved: sortedUnresolved([...rest.unresolved, ...population.unresolved]),
    lineage: rest.lineage,
  };
}

/** Every dataset but `ics_population`, which comes as partitions built on demand. */
export interface PartitionedNormaliseResult {
  datasets: Omit<NormaliseResult['datasets'], 'ics_population'>;
  population: PopulationPartitions;
  /** Names the other datasets left unresolved (population's come with each build). */
  unresolved: UnresolvedEntry[];
  lineage: LineageEntry[];
}

/**
 * Normalise as `normalise` does, but leave `ics_population` as partitions: only the partitions asked for are
 * built; a GP file's sex x age cells are loaded (`loadSexAge`) only when its month is, and its practices
 * (`loadPractices`) only when lineage or the re-based series needs them. The re-based years' fingerprints need
 * where every practice was last seen and which practices each year holds: `loadPracticeIndex` keeps that between
 * runs; without it every edition's practices are read. `codeVersion` goes into every partition's fingerprint (see
 * populationPartitions).
 */
export async function normalisePartitioned(
  rawInput: NormaliseInput,
  rawOptions: NormaliseOptions,
  population: {
    codeVersion: string;
    loadSexAge?: SexAgeLoader;
    loadPractices?: PracticeLoader;
    loadPracticeIndex?: PracticeIndexLoader;
  },
): Promise<PartitionedNormaliseResult> {
  const { asOf } = NormaliseOptions.parse(rawOptions);
  const inputs = await withLineagePractices(resolveInputs(rawInput, asOf), population.loadPractices);
  const partitions = await populationPartitions(inputs, population.codeVersion, {
    sexAge: population.loadSexAge,
    practices: population.loadPractices,
    practiceIndex: population.loadPracticeIndex,
  });
  const rest = normaliseAround(inputs, partitions);
  return { ...rest, unresolved: sortedUnresolved(rest.unresolved), population: partitions };
}

/** What the other datasets need of the population: the ONS basis and the documents of its lineage. */
type PopulationFacts = Pick<Population, 'basis' | 'documents'>;

/** Every dataset but `ics_population`, with their unresolved names and every dataset's lineage entry. */
function normaliseAround(
  inputs: ResolvedInputs,
  population: PopulationFacts,
): Omit<PartitionedNormaliseResult, 'population'> {
  const { asOf } = inputs;
  const designations = buildDesignations(inputs);
  const websites = websitesFromListings(inputs);
  const derived = deriveLineage(inputs);
  const ics = buildIcs(inputs, {
    designations: designations.rows,
    edges: derived.edges,
    websites: websites.websites,
  });
  const lifecycle = buildLifecycleClaims(inputs, ics, derived.edges);
  const edges = corroborate(derived.edges, lifecycle.rows);
  const coverage = buildCoverage(ics, population.basis, asOf);
  const publishedClaims = buildPublishedClaims(inputs, ics, designations, population.basis);

  const codeDocs: WithProvenance[] = [...inputs.lookupDocs, ...inputs.icbNameDocs, ...inputs.legacyDocs];
  const gpDocs = inputs.gpEditions.flatMap((edition) =>
    [edition.totals, edition.age, edition.mapping].filter((doc) => doc !== undefined),
  );
  const lineage: LineageEntry[] = [
    {
      dataset: 'ics',
      raw: rawRefs([...codeDocs, ...gpDocs, ...inputs.announcementDocs, ...inputs.listingDocs]),
    },
    { dataset: 'ics_lineage', raw: rawRefs([...codeDocs, ...gpDocs, ...inputs.lifecycleDocs]) },
    { dataset: 'ics_designations', raw: rawRefs([...codeDocs, ...inputs.announcementDocs]) },
    { dataset: 'ics_population', raw: rawRefs([...codeDocs, ...population.documents]) },
    {
      dataset: 'ics_coverage',
      raw: rawRefs([
        ...codeDocs,
        ...inputs.announcementDocs,
        ...(population.basis.document ? [population.basis.document] : []),
      ]),
    },
    {
      dataset: 'published_claims',
      raw: rawRefs([
        ...codeDocs,
        ...inputs.announcementDocs,
        ...inputs.listingDocs,
        ...inputs.populationDocs,
      ]),
    },
    { dataset: 'ics_lifecycle_claims', raw: rawRefs([...codeDocs, ...gpDocs, ...inputs.lifecycleDocs]) },
  ];

  return {
    datasets: {
      ics,
      ics_lineage: edges,
      ics_designations: designations.rows,
      ics_coverage: coverage,
      published_claims: publishedClaims,
      ics_lifecycle_claims: lifecycle.rows,
    },
    unresolved: [
      ...designations.unresolved,
      ...websites.unresolved,
      ...derived.unresolved,
      ...lifecycle.unresolved,
    ],
    lineage,
  };
}
