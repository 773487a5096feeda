import { type Clock, fixedClock } from '../core/clock.ts';
import type { LakeStore } from '../lake/store.ts';
import { catalogue as defaultCatalogue, type SourceEntry } from '../sources/catalogue.ts';
import { createFetcher, type FetcherOptions } from '../sources/fetch.ts';
import { startSnapshotServer } from '../sources/snapshot-server.ts';
import { listSnapshots, type SnapshotRef } from '../sources/snapshots.ts';
import { type RunPipelineOptions, type RunSummary, runPipeline } from './run.ts';
import { readTimeline, runsToReplay, type Timeline } from './timeline.ts';

/** Options for a run over one snapshot: everything runPipeline takes except what the snapshot provides. */
export type SnapshotRunOptions = Omit<RunPipelineOptions, 'fetcher' | 'mode' | 'clock' | 'snapshot'> & {
  /** Default: the snapshot's date at 12:00Z. */
  clock?: Clock;
  /** Overrides for the fetcher (retry timing, sleep, random...). */
  fetcherOptions?: Omit<FetcherOptions, 'mode' | 'snapshotPort'>;
};

/** The clock of a replayed snapshot: its date at 12:00Z. */
export function snapshotClock(date: string): Clock {
  return fixedClock(`${date}T12:00:00Z`);
}

/** Serve one snapshot on loopback, run the pipeline against it, and stop the server. */
export async function runSnapshot(snapshot: SnapshotRef, options: SnapshotRunOptions): Promise<RunSummary> {
  const server = await startSnapshotServer({ dir: snapshot.dir });
  const fetcher = createFetcher({ ...options.fetcherOptions, mode: 'snapshot', snapshotPort: server.port });
  try {
    const { clock, fetcherOptions: _unused, ...rest } = options;
    return await runPipeline({
      ...rest,
      clock: clock ?? snapshotClock(server.snapshot.date),
      fetcher,
      mode: 'snapshot',
      snapshot: server.snapshot.date,
    });
  } finally {
    fetcher.close();
    await server.close();
  }
}

/** Which snapshots a replay will run, given what the lake already holds. */
export interface ReplayPlan {
  /** The snapshots still to run, oldest first. */
  pending: SnapshotRef[];
  /** The snapshots the lake already completed (skipped). */
  done: SnapshotRef[];
  /** The lake's newest run before this replay, if any. */
  timeline: Timeline | undefined;
}

/**
 * Plan a replay: every snapshot under `root` after the lake's newest completed run. A lake whose newest run was
 * interrupted resumes at that run's snapshot; one already past every snapshot has nothing to replay.
 */
export async function planReplay(
  store: LakeStore,
  root: string | undefined,
  catalogue: readonly SourceEntry[] = defaultCatalogue,
): Promise<ReplayPlan> {
  const snapshots = listSnapshots(root);
  if (snapshots.length === 0) throw new RangeError(`No snapshots to replay under ${root ?? 'snapshots'}`);
  const timeline = await readTimeline(
    store,
    catalogue.map((entry) => entry.id),
  );
  const dated = snapshots.map((ref) => ({ ref, runAt: snapshotClock(ref.date).now() }));
  const pending = runsToReplay(dated, timeline).map(({ ref }) => ref);
  return { pending, done: snapshots.filter((ref) => !pending.includes(ref)), timeline };
}

/**
 * Replay the snapshots under `root` that the lake has not completed, oldest first, each with its own clock, so
 * the lake builds up history. Stops at the first run that itself failed (a later snapshot would build on a
 * broken lake).
 */
export async function replaySnapshots(
  options: Omit<SnapshotRunOptions, 'clock' | 'runId'> & {
    root?: string;
    onSnapshot?: (ref: SnapshotRef) => void;
    /** Called once with the plan before the first run. */
    onPlan?: (plan: ReplayPlan) => void;
  },
): Promise<RunSummary[]> {
  const { root, onSnapshot, onPlan, ...runOptions } = options;
  const plan = await planReplay(options.store, root, options.catalogue);
  onPlan?.(plan);
  const summaries: RunSummary[] = [];
  for (const snapshot of plan.pending) {
    onSnapshot?.(snapshot);
    const summary = await runSnapshot(snapshot, runOptions);
    summaries.push(summary);
    if (summary.status === 'failed') break;
  }
  return summaries;
}
