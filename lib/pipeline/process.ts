import pkg from '../../package.json' with { type: 'json' };
import type { Clock } from '../core/clock.ts';
import type { DatasetDefinition } from '../core/dataset.ts';
import { filesOnlyNotifier, type Notifier } from '../feed/notify.ts';
import { runFeedStage } from '../feed/publish-feed.ts';
import { publishCatalog } from '../lake/catalog.ts';
import type { DataSource } from '../lake/datapackage.ts';
import { publishDataset } from '../lake/publish.ts';
import type { LakeStore } from '../lake/store.ts';
import { buildGazetteer } from '../normalise/gazetteer.ts';
import { datasetDefinitions, type NormaliseResult, normalise } from '../normalise/index.ts';
import { catalogue as fullCatalogue, type SourceEntry } from '../sources/catalogue.ts';
import { currentDocuments } from '../sources/raw-zone.ts';
import { type ParseSourceReport, parseSources, quarantineRecord } from './parse-stage.ts';
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
  const parsed = await parseSources({
    store,
    runId: context.runId,
    catalogue: context.catalogue,
    quarantine: context.quarantine,
    gazetteerFor: (input) =>
      buildGazetteer({
        lookups: input.lookups.flatMap((lookup) => lookup.rows),
        icbNames: input.icbNames.flatMap((names) => names.entries),
      }),
  });
  const result = normalise(parsed.input, { asOf: asOf.toISOString().slice(0, 10) });
  for (const unresolved of result.unresolved) {
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
    );
  }

  const sourceOfSha = new Map<string, string>();
  for (const group of Object.values(parsed.input)) {
    for (const item of group) sourceOfSha.set(item.provenance.sha256, item.provenance.source_id);
  }
  const datasets: Record<string, DatasetReport> = {};
  for (const definition of definitions) {
    const rows = rowsOf(result, definition.name);
    const lineage = result.lineage.find((entry) => entry.dataset === definition.name)?.raw ?? [];
    const outcome = await publishDataset(store, definition, rows, {
      asOf,
      createdAt: asOf,
      pipelineVersion: PIPELINE_VERSION,
      lineage,
      sources: catalogueSources(context.catalogue),
    });
    datasets[definition.name] = {
      status: outcome.status,
      version: outcome.version,
      rows: rows.length,
      sources: [...new Set(lineage.map((raw) => sourceOfSha.get(raw.sha256) ?? 'unknown'))].sort(),
    };
    context.log(`${definition.name}: ${outcome.status} v${outcome.version} (${rows.length} rows)`);
  }
  const catalog = await publishCatalog(store, {
    datasets: [...definitions],
    sources: catalogueSources(context.catalogue),
    asOf,
  });
  return { parse: parsed.report, unresolved: result.unresolved.length, datasets, catalog: catalog.written };
}

function rowsOf(result: NormaliseResult, name: string): readonly unknown[] {
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
