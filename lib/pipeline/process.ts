import { createHash } from 'node:crypto';
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import type { Clock } from '../core/clock.ts';
import type { DatasetDefinition } from '../core/dataset.ts';
import { filesOnlyNotifier, type Notifier } from '../feed/notify.ts';
import { runFeedStage } from '../feed/publish-feed.ts';
import { publishCatalog } from '../lake/catalog.ts';
import type { DataSource } from '../lake/datapackage.ts';
import type { Manifest } from '../lake/manifest.ts';
import {
  confirmCommit,
  jsonBytes,
  type PartitionedRows,
  type PublishResult,
  publishDataset,
} from '../lake/publish.ts';
import { canonicalJson } from '../lake/rows.ts';
import { getJson, type LakeStore, putJson } from '../lake/store.ts';
import { readManifest } from '../lake/versions.ts';
import { datasetDefinitions } from '../normalise/index.ts';
import { normalisePartitioned, type PartitionedNormaliseResult } from '../normalise/normalise.ts';
import { POPULATION_BUILDER_VERSION, type PopulationPartitions } from '../normalise/population-partitions.ts';
import { sortedUnresolved, type UnresolvedEntry } from '../normalise/unresolved.ts';
import { catalogue as fullCatalogue, type SourceEntry } from '../sources/catalogue.ts';
import { currentDocuments } from '../sources/raw-zone.ts';
import { extractLifecycleClaims } from './lifecycle-stage.ts';
import {
  gazetteerOfParsed,
  type KnownQuarantine,
  knownQuarantine,
  PARSER_VERSION,
  type ParseSourceReport,
  type ParseStageResult,
  parseSources,
  parseStateKey,
  quarantineRecord,
} from './parse-stage.ts';
import type { PipelineStage } from './run.ts';
import type { QuarantineEntry } from './run-report.ts';

/** The pipeline version recorded in every manifest. */
export const PIPELINE_VERSION = pkg.version;

/** What the process stage needs: the lake, the run's clock and id, the catalogue, and the report's sinks. */
export interface ProcessContext {
  store: LakeStore;
  clock: Clock;
  runId: string;
  /** Every source whose documents feed the datasets (not narrowed by `--only`: datasets need all inputs). */
  catalogue: readonly SourceEntry[];
  quarantine: (entry: QuarantineEntry) => void;
  log: (line: string) => void;
  definitions?: readonly DatasetDefinition[];
}

/** One dataset's outcome in this run. */
export interface DatasetReport {
  status: 'published' | 'unchanged' | 'superseded';
  version: number;
  rows: number;
  /** The catalogue sources whose documents this version was built from. */
  sources: string[];
}

export interface ProcessReport {
  /** Set when nothing the datasets depend on changed since the last run, so nothing was recomputed. */
  inputsUnchanged?: boolean;
  /** Set when the datasets could not be built yet (a source they all depend on has never been acquired). */
  skipped?: string;
  parse: Record<string, ParseSourceReport>;
  unresolved: number;
  datasets: Record<string, DatasetReport>;
  catalog: string[];
}

/**
 * Parse every source's current documents, normalise them into the datasets, publish a new version of each
 * dataset whose content changed, and refresh the lake-root catalog. Bad documents are quarantined by the parse
 * stage and the last good ones used instead; unresolved names are quarantined here.
 */
export async function processDatasets(context: ProcessContext): Promise<ProcessReport> {
  const { store, clock } = context;
  const definitions = context.definitions ?? datasetDefinitions;
  const asOf = clock.now();
  // Without a code lookup no name or code resolves: building datasets would publish empty ones and quarantine
  // every name. Wait until the lookups have been acquired once (e.g. a first run with `--only nhse-news`).
  const missing: string[] = [];
  for (const source of context.catalogue.filter((entry) => entry.kind === 'csv-lookup')) {
    if ((await currentDocuments(store, source.id)).length === 0) missing.push(source.id);
  }
  if (missing.length > 0) {
    const skipped = `datasets not built: no documents yet from ${missing.join(', ')}`;
    context.log(skipped);
    return { skipped, parse: {}, unresolved: 0, datasets: {}, catalog: [] };
  }
  // The datasets are a pure function of the documents, the run's date and the code: when none of them changed
  // since the last completed process stage, there is nothing to recompute (a no-op rerun costs a few reads).
  const fingerprint = await inputsFingerprint(store, context.catalogue, asOf, definitions);
  const previous = ProcessState.safeParse(await getJson(store, PROCESS_STATE_KEY));
  if (previous.success && previous.data.fingerprint === fingerprint) {
    context.log('inputs unchanged since the last run: datasets not recomputed');
    const datasets = Object.fromEntries(
      Object.entries(previous.data.datasets).map(([name, report]) => [
        name,
        { ...report, status: 'unchanged' as const },
      ]),
    );
    return { inputsUnchanged: true, parse: {}, unresolved: 0, datasets, catalog: [] };
  }
  const { parsed, result } = await parseAndNormalise(context, definitions, asOf);
  const known = knownQuarantine(store);
  const quarantineUnresolved = (entries: readonly UnresolvedEntry[]) =>
    quarantineNames(store, context, entries, known);
  await quarantineUnresolved(result.unresolved);
  let unresolved = result.unresolved.length;
  const population = populationRows(result.population, async (built, entries) => {
    unresolved += entries.length;
    await quarantineUnresolved(entries);
    context.log(`ics_population: built ${built.size} of ${result.population.inputs.size} partitions`);
  });

  const sourceOfSha = new Map<string, string>();
  for (const group of Object.values(parsed.input)) {
    for (const item of group) sourceOfSha.set(item.provenance.sha256, item.provenance.source_id);
  }
  const datasets: Record<string, DatasetReport> = {};
  const published: Manifest[] = [];
  for (const definition of definitions) {
    const rows = definition.name === 'ics_population' ? population : rowsOf(result, definition.name);
    const lineage = result.lineage.find((entry) => entry.dataset === definition.name)?.raw ?? [];
    const outcome = await publishDataset(store, definition, rows, {
      asOf,
      createdAt: asOf,
      pipelineVersion: PIPELINE_VERSION,
      lineage,
      sources: catalogueSources(context.catalogue),
    });
    if (outcome.status === 'published') published.push(outcome.manifest);
    const rowCount = await rowsPublished(store, definition.name, outcome, rows);
    datasets[definition.name] = {
      status: outcome.status,
      version: outcome.version,
      rows: rowCount,
      sources: [...new Set(lineage.map((raw) => sourceOfSha.get(raw.sha256) ?? 'unknown'))].sort(),
    };
    context.log(`${definition.name}: ${outcome.status} v${outcome.version} (${rowCount} rows)`);
  }
  if (!store.enforcesConditionalCreate) await confirmCommits(store, published);
  const catalog = await publishCatalog(store, {
    datasets: [...definitions],
    sources: catalogueSources(context.catalogue),
    asOf,
  });
  // Written last: a run that crashed before this point recomputes everything next time.
  // Statuses are left out: the record must be the same whichever run first computed these inputs.
  // Taken again now that this run's parse state is written, so the next run with the same inputs matches it.
  const record: ProcessState = {
    fingerprint: await inputsFingerprint(store, context.catalogue, asOf, definitions),
    datasets: Object.fromEntries(
      Object.entries(datasets).map(([name, { version, rows, sources }]) => [
        name,
        { version, rows, sources },
      ]),
    ),
  };
  await putJson(store, PROCESS_STATE_KEY, record);
  return { parse: parsed.report, unresolved, datasets, catalog: catalog.written };
}

/** Parse every source's documents (GP sex x age cells held out), extract lifecycle claims, and normalise. */
async function parseAndNormalise(
  context: ProcessContext,
  definitions: readonly DatasetDefinition[],
  asOf: Date,
): Promise<{ parsed: ParseStageResult; result: PartitionedNormaliseResult }> {
  const { store } = context;
  const parsed = await parseSources({
    store,
    runId: context.runId,
    catalogue: context.catalogue,
    quarantine: context.quarantine,
    gazetteerFor: gazetteerOfParsed,
    holdGpDetailOut: true,
  });
  const lifecycleClaims = await extractLifecycleClaims({
    store,
    catalogue: context.catalogue,
    gazetteer: parsed.gazetteer,
  });
  const result = await normalisePartitioned(
    { ...parsed.input, lifecycleClaims },
    { asOf: asOf.toISOString().slice(0, 10) },
    {
      codeVersion: populationCodeVersion(definitions),
      loadSexAge: parsed.loadGpSexAge,
      loadPractices: parsed.loadGpPractices,
      loadPracticeIndex: parsed.loadPracticeIndex,
    },
  );
  return { parsed, result };
}

/** After every publish of the run: each version it committed is still its own (see confirmCommit). */
async function confirmCommits(store: LakeStore, manifests: readonly Manifest[]): Promise<void> {
  for (const manifest of manifests) {
    await confirmCommit(store, manifest.dataset, manifest.version, jsonBytes(manifest), true);
  }
}

const PROCESS_STATE_KEY = 'state/process.json';

/** `state/process.json`: what the last completed process stage was computed from, and what it published. */
const ProcessState = z.object({
  fingerprint: z.string(),
  datasets: z.record(
    z.string(),
    z.object({
      version: z.number().int(),
      rows: z.number().int(),
      sources: z.array(z.string()),
    }),
  ),
});
type ProcessState = z.infer<typeof ProcessState>;

/**
 * A hash of everything the datasets depend on: each source's current documents and its last good parses (the
 * raw bytes by sha256), the run's date (statuses and coverage are "as of" it), the pipeline, parser and
 * population-builder versions, and each dataset's schema, primary key and partitioning: new code that builds or
 * lays out a dataset differently recomputes it on the next run, not only when a source changes.
 */
async function inputsFingerprint(
  store: LakeStore,
  catalogue: readonly SourceEntry[],
  asOf: Date,
  definitions: readonly DatasetDefinition[],
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify([
      PIPELINE_VERSION,
      PARSER_VERSION,
      POPULATION_BUILDER_VERSION,
      asOf.toISOString().slice(0, 10),
    ]),
  );
  for (const definition of definitions) {
    const layout = [definition.primaryKey, definition.partition?.description ?? null];
    hash.update(
      `\n${definition.name}:${canonicalJson(z.toJSONSchema(definition.schema))}:${canonicalJson(layout)}`,
    );
  }
  for (const source of catalogue) {
    const documents = (await currentDocuments(store, source.id))
      .filter((doc) => doc.parse)
      .map((doc) => [doc.url, doc.archiveEntry, doc.sha256]);
    const parsedState = (await getJson(store, parseStateKey(source.id))) ?? null;
    hash.update(`\n${source.id}:${canonicalJson(documents)}:${canonicalJson(parsedState)}`);
  }
  return hash.digest('hex');
}

/**
 * Quarantine names normalise could not resolve: each is reported in the run, and written once (a name already in
 * `quarantine/`, as most are on every run until the reference data learns them, costs no request).
 */
async function quarantineNames(
  store: LakeStore,
  context: ProcessContext,
  entries: readonly UnresolvedEntry[],
  known: KnownQuarantine,
): Promise<void> {
  for (const unresolved of entries) {
    await quarantineRecord(
      store,
      {
        sourceId: unresolved.source_id,
        stage: 'normalise',
        url: unresolved.url,
        key: null,
        sha256: unresolved.sha256,
        code: 'unresolved_name',
        reason: unresolved.reason,
        firstSeenRunId: context.runId,
        name: unresolved.name,
        evidence: unresolved.evidence,
      },
      context.quarantine,
      known,
    );
  }
}

/**
 * What everything `ics_population`'s rows depend on besides its documents and the reference data: the pipeline,
 * parser and builder versions and the dataset's schema. A change to any of them rebuilds every partition.
 */
function populationCodeVersion(definitions: readonly DatasetDefinition[]): string {
  const definition = definitions.find((each) => each.name === 'ics_population');
  const schema = definition ? canonicalJson(z.toJSONSchema(definition.schema)) : null;
  return JSON.stringify([PIPELINE_VERSION, PARSER_VERSION, POPULATION_BUILDER_VERSION, schema]);
}

/**
 * `ics_population` as PartitionedRows: each build quarantines the names of the partitions it built (the names of
 * partitions carried forward were quarantined, and the records kept, when they were built).
 */
function populationRows(
  partitions: PopulationPartitions,
  afterBuild: (built: ReadonlySet<string>, unresolved: UnresolvedEntry[]) => Promise<void>,
): PartitionedRows {
  return {
    inputs: partitions.inputs,
    build: async (wanted) => {
      const built = await partitions.build(wanted);
      await afterBuild(wanted, sortedUnresolved(built.unresolved));
      return built.rows;
    },
  };
}

/** The rows of the version a dataset now has (for partitioned rows, read from its manifest). */
async function rowsPublished(
  store: LakeStore,
  name: string,
  outcome: PublishResult,
  rows: readonly unknown[] | PartitionedRows,
): Promise<number> {
  if (Array.isArray(rows)) return rows.length;
  if (outcome.status === 'published') return outcome.manifest.rows;
  return (await readManifest(store, name, outcome.version))?.rows ?? 0;
}

function rowsOf(result: PartitionedNormaliseResult, name: string): readonly unknown[] {
  const rows = (result.datasets as Record<string, readonly unknown[] | undefined>)[name];
  if (rows === undefined) throw new Error(`normalise produced no dataset named "${name}"`);
  return rows;
}

function catalogueSources(entries: readonly SourceEntry[]): DataSource[] {
  return entries.flatMap((entry) =>
    entry.landingUrls.map((url) => ({ title: `${entry.publisher}: ${entry.title}`, path: url })),
  );
}

export interface DefaultStageOptions {
  /** Where change events go besides the feed files (default: files only). */
  notifier?: Notifier;
  /** Public base URL of the lake, for absolute links in events and feeds. */
  baseUrl?: string;
  /** The catalogue whose documents feed the datasets (default: all of it, whatever `--only` fetched). */
  catalogue?: readonly SourceEntry[];
}

/** The stages after acquire, shared by `ics-lake run`, `replay` and the Lambda handlers. */
export function createDefaultStages(options: DefaultStageOptions = {}): PipelineStage[] {
  return [
    {
      name: 'process',
      run: (context) =>
        processDatasets({
          store: context.store,
          clock: context.clock,
          runId: context.runId,
          catalogue: options.catalogue ?? fullCatalogue,
          quarantine: context.quarantine,
          log: context.log,
        }),
    },
    {
      name: 'feed',
      run: (context) =>
        runFeedStage(context.store, datasetDefinitions, options.notifier ?? filesOnlyNotifier, {
          ...(options.baseUrl && { baseUrl: options.baseUrl }),
        }),
    },
  ];
}
