import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LakeStore } from '../../lib/lake/store.ts';
import type { SourceOutcome } from '../../lib/pipeline/stages.ts';
import type { SourceEntry } from '../../lib/sources/catalogue.ts';
import { readSourceState, type SourceState } from '../../lib/sources/raw-zone.ts';
import { runMetricNames } from './metric-names.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** One source's health as the alarms see it. */
export interface SourceHealth {
  sourceId: string;
  consecutiveFailures: number;
  /** True when no change is known, or the newest change is older than the catalogue cadence allows. */
  overdue: boolean;
}

/** Judge one source's health from its lake state (undefined when it was never acquired). */
export function judgeSourceHealth(
  entry: SourceEntry,
  state: SourceState | undefined,
  now: Date,
): SourceHealth {
  const lastChanged = state?.lastChangedAt == null ? undefined : Date.parse(state.lastChangedAt);
  return {
    sourceId: entry.id,
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    overdue:
      lastChanged === undefined || now.getTime() - lastChanged > entry.cadence.overdueAfterDays * dayMs,
  };
}

/** Read every catalogue source's state from the lake and judge its health. */
export async function readSourceHealth(
  store: LakeStore,
  entries: readonly SourceEntry[],
  now: Date,
): Promise<SourceHealth[]> {
  return Promise.all(
    entries.map(async (entry) => judgeSourceHealth(entry, await readSourceState(store, entry.id), now)),
  );
}

/** What one run tells the alarms. */
export interface RunMetricsInput {
  outcomes: readonly SourceOutcome[];
  health: readonly SourceHealth[];
  quarantined: number;
}

/** Emit the run's metrics as CloudWatch EMF: per-source series carry a SourceId dimension. */
export function emitRunMetrics(metrics: Metrics, run: RunMetricsInput): void {
  const perSource = (sourceId: string, name: string, value: number): void => {
    const single = metrics.singleMetric();
    single.addDimension('SourceId', sourceId);
    single.addMetric(name, MetricUnit.Count, value);
  };
  for (const outcome of run.outcomes) {
    perSource(outcome.sourceId, runMetricNames.sourceFailed, outcome.status === 'failed' ? 1 : 0);
  }
  for (const health of run.health) {
    perSource(health.sourceId, runMetricNames.sourceConsecutiveFailures, health.consecutiveFailures);
    perSource(health.sourceId, runMetricNames.sourceOverdue, health.overdue ? 1 : 0);
  }
  metrics.addMetric(runMetricNames.quarantinedDocuments, MetricUnit.Count, run.quarantined);
  metrics.publishStoredMetrics();
}
