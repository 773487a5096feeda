import type { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { type Clock, systemClock } from '../lib/core/clock.ts';
import type { LakeStore } from '../lib/lake/store.ts';
import { S3LakeStore } from '../lib/lake/stores/s3.ts';
import { processDatasets } from '../lib/pipeline/process.ts';
import { writeAssembledRunReport } from '../lib/pipeline/run-parts.ts';
import type { QuarantineEntry } from '../lib/pipeline/run-report.ts';
import { ProcessInput, type ProcessOutcome } from '../lib/pipeline/stages.ts';
import { catalogue, type SourceEntry } from '../lib/sources/catalogue.ts';
import { readHandlerEnvironment } from './shared/environment.ts';
import { logger, metrics } from './shared/observability.ts';
import { emitRunMetrics, readSourceHealth } from './shared/run-metrics.ts';

/** The adapters the process task runs with; tests pass emulator-backed ones. */
export interface ProcessHandlerDeps {
  store: LakeStore;
  clock: Clock;
  metrics: Metrics;
  catalogue: readonly SourceEntry[];
}

/** Step Functions task after the acquire Map: parse, normalise and publish, then emit the run's health metrics. */
export function createProcessHandler(deps: ProcessHandlerDeps): (event: unknown) => Promise<ProcessOutcome> {
  return async (event) => {
    const input = ProcessInput.parse(event);
    const quarantined: QuarantineEntry[] = [];
    const report = await processDatasets({
      store: deps.store,
      clock: deps.clock,
      runId: input.runId,
      catalogue: deps.catalogue,
      quarantine: (entry) => quarantined.push(entry),
      log: (line) => logger.info(line, { runId: input.runId }),
    });
    const outcome: ProcessOutcome = {
      runId: input.runId,
      quarantined: quarantined.length,
      published: Object.entries(report.datasets)
        .filter(([, dataset]) => dataset.status === 'published')
        .map(([dataset, { version }]) => ({ dataset, version })),
    };
    const now = deps.clock.now();
    await writeAssembledRunReport(deps.store, {
      runId: input.runId,
      startedAt: input.startedAt === undefined ? now : new Date(input.startedAt),
      now,
      catalogue: deps.catalogue,
      sources: input.sources,
      quarantine: quarantined,
      stages: { process: report },
    });
    const health = await readSourceHealth(deps.store, deps.catalogue, now);
    emitRunMetrics(deps.metrics, { outcomes: input.sources, health, quarantined: outcome.quarantined });
    logger.info('run processed', { outcome, datasets: report.datasets, quarantine: quarantined });
    // Nothing could be fetched (no network, every publisher down): the execution fails and its alarm fires,
    // as the CLI exits 3. The datasets above were built from the last good documents and are unchanged.
    const failed = input.sources.filter((source) => source.status === 'failed');
    if (input.sources.length > 0 && failed.length === input.sources.length)
      throw new Error(`nothing could be fetched: all ${failed.length} sources failed (run ${input.runId})`);
    return outcome;
  };
}

const environment = readHandlerEnvironment();
export const handler = createProcessHandler({
  store: new S3LakeStore({ client: new S3Client({}), bucket: environment.LAKE_BUCKET }),
  clock: systemClock,
  metrics,
  catalogue,
});
