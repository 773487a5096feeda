import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import { inOrderPool } from '../core/in-order-pool.ts';
import { type LakeStore, putJson } from '../lake/store.ts';
import type { ArchiveLimits } from '../sources/archive.ts';
import { catalogue as defaultCatalogue, type SourceEntry, sourceById } from '../sources/catalogue.ts';
import type { Fetcher } from '../sources/fetch.ts';
import { readSourceState } from '../sources/raw-zone.ts';
import type { FetchMode } from '../sources/url-guard.ts';
import { acquireSourceDetailed } from './acquire.ts';
import { onInterrupt } from './interrupt.ts';
import { acquireLease, type LeaseHandle, releaseLease } from './lease.ts';
import { type Progress, silentProgress } from './progress.ts';
import {
  computeTotals,
  type OverdueSource,
  type QuarantineEntry,
  type RequestRecord,
  RunReport,
  runIdFor,
  runReportKey,
  type SourceReport,
} from './run-report.ts';
import { ACQUIRE_CONCURRENCY, type SourceOutcome, type StageContext } from './stages.ts';
import { assertClockNotBehind, readTimeline, type Timeline, writeTimeline } from './timeline.ts';

/** What a stage after acquire is given. */
export interface PipelineStageContext extends StageContext {
  runId: string;
  /** The sources of this run (already narrowed by `--only`). */
  catalogue: SourceEntry[];
  /** The acquire outcome of each source. */
  sources: SourceReport[];
  /** Record a quarantined document or record set in the run report. */
  quarantine(entry: QuarantineEntry): void;
  progress: Progress;
}

/** A stage run after acquire (parse, normalise, publish, feed). Its return value becomes `report.stages[name]`. */
export interface PipelineStage {
  name: string;
  run(context: PipelineStageContext): Promise<unknown>;
}

export interface RunPipelineOptions {
  store: LakeStore;
  clock: Clock;
  fetcher: Fetcher;
  /** Recorded in the report. */
  mode: FetchMode;
  /** The snapshot date replayed, or null/absent in live mode. */
  snapshot?: string | null;
  catalogue?: SourceEntry[];
  /** Only these source ids (default: every source in the catalogue). */
  only?: readonly string[];
  /** Default: derived from the clock (e.g. 2020-06-15T120000Z). */
  runId?: string;
  log?: (line: string) => void;
  /** Lines the operator must see: warnings, lease takeovers, sweeps (default: `log`). */
  notice?: (line: string) => void;
  progress?: Progress;
  /** Stages run in order after acquire. */
  stages?: readonly PipelineStage[];
  archiveLimits?: Partial<ArchiveLimits>;
  /** Monotonic milliseconds, for durations (default performance.now). */
  stopwatch?: () => number;
  /**
   * The run lease (lib/pipeline/lease.ts). `clock` measures its expiry (default: the run's clock; pass the wall
   * clock when replaying history). `false` skips it, for callers that already hold it.
   */
  lease?: { clock?: Clock; ttlMs?: number } | false;
}

/** The outcome of one run. */
export interface RunSummary {
  runId: string;
  status: RunReport['status'];
  report: RunReport;
  reportKey: string;
}

/**
 * One pipeline run: take the lake's run lease (throws LeaseHeldError, having written nothing, when another run
 * holds it), acquire every selected source (a failed source is reported and the others go on), then the later
 * stages, then write `runs/<run-id>.json` and release the lease. The run's status is `failed` only when the run
 * itself failed (a lake error, a stage that threw), never because a source could not be fetched.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunSummary> {
  const startedAt = options.clock.now();
  const runId = options.runId ?? runIdFor(startedAt);
  const log = options.log ?? (() => {});
  const notice = options.notice ?? log;
  const leaseOptions = options.lease === false ? undefined : (options.lease ?? {});
  await options.store.checkConditionalCreate?.();
  // The token is chosen before the lease is written, so an interrupt that lands while it is being taken still
  // releases it (SIGINT/SIGTERM: the CLI runs this before exiting, so the next run need not wait).
  // The cleanup waits for a lease write in flight to land first: the write's file operation completes on its own
  // thread, so a release that looked too early would find no lease and leave the one that lands just after.
  const token = randomUUID();
  let acquiring: Promise<LeaseHandle> | undefined;
  const disposeInterrupt = leaseOptions
    ? onInterrupt(async () => {
        await acquiring?.catch(() => undefined);
        await releaseLease(options.store, token);
      })
    : () => {};
  let lease: LeaseHandle | undefined;
  try {
    acquiring = leaseOptions
      ? acquireLease(options.store, {
          owner: runId,
          clock: leaseOptions.clock ?? options.clock,
          token: () => token,
          ...(leaseOptions.ttlMs !== undefined && { ttlMs: leaseOptions.ttlMs }),
        })
      : undefined;
    lease = await acquiring;
  } catch (error) {
    disposeInterrupt();
    throw error;
  }
  if (lease?.takeoverNote) notice(`run ${runId}: ${lease.takeoverNote}`);
  if (lease && !lease.exclusive) {
    notice(
      `warning: ${options.store.location} cannot enforce conditional create, so the run lease is advisory: a concurrent run is detected after its commit, not prevented`,
    );
  }
  try {
    const before = await startTimeline(options, startedAt, runId, notice);
    const summary = await runLeased(options, startedAt, runId, log);
    const alreadyCompleted = before?.completed === true && before.newest_run_at === startedAt.toISOString();
    if (summary.status === 'completed' && !alreadyCompleted) {
      await writeTimeline(options.store, {
        runAt: startedAt,
        runId,
        snapshot: options.snapshot ?? null,
        completed: true,
      });
    }
    return summary;
  } finally {
    // A failed release (the lake is failing) leaves the lease to expire; the run's outcome stands. The interrupt
    // cleanup stays registered until the lease is gone, so a signal during the release still releases it.
    await lease
      ?.release()
      .catch((thrown) => log(`run ${runId}: lease not released: ${describeError(thrown)}`));
    disposeInterrupt();
  }
}

/**
 * Before the first write of a run: refuse a clock older than the lake's newest run (history only moves
 * forward), record this run as the newest, and sweep what killed runs left behind (temporary files).
 */
async function startTimeline(
  options: RunPipelineOptions,
  runAt: Date,
  runId: string,
  log: (line: string) => void,
): Promise<Timeline | undefined> {
  const sourceIds = (options.catalogue ?? defaultCatalogue).map((entry) => entry.id);
  const timeline = await readTimeline(options.store, sourceIds);
  assertClockNotBehind(timeline, runAt, options.store.location);
  const swept = await options.store.sweepTemporary();
  if (swept.length > 0)
    log(`run ${runId}: removed ${swept.length} temporary object(s) left by an earlier run`);
  // A rerun at the same instant (the same snapshot again) leaves the timeline as it is: a no-op rerun writes nothing.
  const sameRun = timeline?.newest_run_at === runAt.toISOString();
  if (!sameRun)
    await writeTimeline(options.store, {
      runAt,
      runId,
      snapshot: options.snapshot ?? null,
      completed: false,
    });
  return timeline;
}

async function runLeased(
  options: RunPipelineOptions,
  startedAt: Date,
  runId: string,
  log: (line: string) => void,
): Promise<RunSummary> {
  const stopwatch = options.stopwatch ?? (() => performance.now());
  const started = stopwatch();
  const progress = options.progress ?? silentProgress;
  const fullCatalogue = options.catalogue ?? defaultCatalogue;
  const selected =
    options.only && options.only.length > 0
      ? options.only.map((id) => sourceById(id, fullCatalogue))
      : fullCatalogue;
  const requests: RequestRecord[] = [];
  const sources: SourceReport[] = [];
  const quarantine: QuarantineEntry[] = [];
  const stages: Record<string, unknown> = {};
  let error: string | null = null;

  try {
    await inOrderPool(
      selected,
      ACQUIRE_CONCURRENCY,
      async (entry) => {
        const sourceStarted = stopwatch();
        const sourceRequests: RequestRecord[] = [];
        progress.update(entry.id, 'acquire', 'starting');
        const detail = await acquireSourceDetailed(
          { runId, sourceId: entry.id },
          {
            store: options.store,
            clock: options.clock,
            log,
            fetcher: options.fetcher,
            catalogue: fullCatalogue,
            requests: sourceRequests,
            ...(options.archiveLimits && { archiveLimits: options.archiveLimits }),
            onProgress: (message) => progress.update(entry.id, 'acquire', message),
          },
        );
        return { detail, requests: sourceRequests, ms: Math.round(stopwatch() - sourceStarted) };
      },
      ({ detail, requests: sourceRequests, ms }, entry) => {
        const { outcome } = detail;
        requests.push(...sourceRequests);
        quarantine.push(...(detail.quarantined ?? []));
        sources.push({ ...outcome, ...(detail.errorCode && { errorCode: detail.errorCode }), ms });
        progress.done(entry.id, 'acquire', acquireLine(outcome));
      },
    );
    for (const stage of options.stages ?? []) {
      progress.update('*', stage.name, 'running');
      const result = await stage.run({
        store: options.store,
        clock: options.clock,
        log,
        runId,
        catalogue: selected,
        sources,
        quarantine: (entry) => quarantine.push(entry),
        progress,
      });
      stages[stage.name] = result ?? null;
      progress.done('*', stage.name, 'done');
    }
  } catch (thrown) {
    error = describeError(thrown);
    log(`run ${runId} failed: ${error}`);
  }

  let overdue: OverdueSource[] = [];
  if (error === null) {
    try {
      overdue = await overdueSources(options.store, selected, startedAt);
    } catch (thrown) {
      error = describeError(thrown);
    }
  }
  const draft = { requests, sources, quarantine };
  const report = RunReport.parse({
    schema: 'ics-lake/run-report/v1',
    runId,
    mode: options.mode,
    snapshot: options.snapshot ?? null,
    startedAt: startedAt.toISOString(),
    lake: options.store.location,
    status: error === null ? 'completed' : 'failed',
    error,
    ...draft,
    overdue,
    stages,
    totals: computeTotals(draft, Math.round(stopwatch() - started)),
  });
  const reportKey = runReportKey(runId);
  try {
    await putJson(options.store, reportKey, report);
  } catch (thrown) {
    // The lake itself is failing; the report cannot be kept, and the run has failed.
    report.status = 'failed';
    report.error = report.error ?? `could not write ${reportKey}: ${describeError(thrown)}`;
  }
  progress.finish();
  return { runId, status: report.status, report, reportKey };
}

/** The permanent progress line of one source's acquire. */
function acquireLine(outcome: SourceOutcome): string {
  return outcome.status === 'failed'
    ? `FAILED ${outcome.error ?? ''}`
    : `${outcome.status}, ${outcome.documents} documents, ${outcome.newObjects} new objects, ${outcome.bytes} bytes`;
}

/** Sources whose newest change is older than their cadence allows, as of `now`. */
export async function overdueSources(
  store: LakeStore,
  entries: readonly SourceEntry[],
  now: Date,
): Promise<OverdueSource[]> {
  const overdue: OverdueSource[] = [];
  for (const entry of entries) {
    const state = await readSourceState(store, entry.id);
    if (state.lastChangedAt === null) continue;
    const days = Math.floor((now.getTime() - Date.parse(state.lastChangedAt)) / 86_400_000);
    if (days > entry.cadence.overdueAfterDays) {
      overdue.push({
        sourceId: entry.id,
        lastChangedAt: state.lastChangedAt,
        daysSinceChange: days,
        overdueAfterDays: entry.cadence.overdueAfterDays,
      });
    }
  }
  return overdue;
}
