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
import type { SourceEntry } from '../sources/catalogue.ts';
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
  /** The full catalogue (the run's own may be narrowed by `--only`). */
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
          catalogue: options.catalogue ?? context.catalogue,
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
