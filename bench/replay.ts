import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { createDefaultStages } from '../lib/pipeline/process.ts';
import { runSnapshot, snapshotClock } from '../lib/pipeline/replay.ts';
import { type PipelineStage, runPipeline } from '../lib/pipeline/run.ts';
import { runReportKey } from '../lib/pipeline/run-report.ts';
import { createFetcher } from '../lib/sources/fetch.ts';
import { startSnapshotServer } from '../lib/sources/snapshot-server.ts';
import { listSnapshots, resolveSnapshot } from '../lib/sources/snapshots.ts';
import { CountingLakeStore } from './counting-store.ts';
import { peakRssBytes, resetPeakRss } from './memory.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Wall time of `ics-lake replay --lake <dir>` as a user runs it (a fresh Node process, tsx included). */
export function timeCliReplay(lakeDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['bin/ics-lake.mjs', 'replay', '--lake', lakeDir],
      { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`ics-lake replay failed: ${stderr}`)) : resolve(performance.now() - started),
    ),
  );
}

/** One snapshot of an instrumented replay: wall time, acquire per source, and each later stage. */
export interface SnapshotTiming {
  snapshot: string;
  ms: number;
  acquireMs: Record<string, number>;
  stageMs: Record<string, number>;
  status: string;
}

/** Replay every bundled snapshot into `lakeDir` in this process, timing each stage (acquire per source). */
export async function instrumentedReplay(lakeDir: string): Promise<SnapshotTiming[]> {
  const store = new FolderLakeStore(lakeDir);
  const timings: SnapshotTiming[] = [];
  for (const snapshot of listSnapshots('snapshots')) {
    const stageMs: Record<string, number> = {};
    const stages = timedStages(stageMs);
    const started = performance.now();
    const summary = await runSnapshot(snapshot, { store, stages, lease: false });
    timings.push({
      snapshot: snapshot.date,
      ms: performance.now() - started,
      acquireMs: Object.fromEntries(summary.report.sources.map((source) => [source.sourceId, source.ms])),
      stageMs,
      status: summary.status,
    });
  }
  return timings;
}

/**
 * The default stages, each recording its wall time into `stageMs` and, when `stagePeakRss` is given, the peak RSS
 * of this process while it ran (a new peak window per stage, as each stage is its own Lambda on AWS).
 */
export function timedStages(
  stageMs: Record<string, number>,
  stagePeakRss?: Record<string, number>,
): PipelineStage[] {
  return createDefaultStages().map((stage) => ({
    ...stage,
    run: async (context) => {
      if (stagePeakRss) resetPeakRss();
      const started = performance.now();
      try {
        return await stage.run(context);
      } finally {
        stageMs[stage.name] = performance.now() - started;
        if (stagePeakRss) stagePeakRss[stage.name] = peakRssBytes();
      }
    },
  }));
}

/** A rerun of the newest snapshot over a lake that already holds it. */
export interface NoOpRun {
  ms: number;
  requests: number;
  conditionalRequests: number;
  notModified: number;
  bytesDownloaded: number;
  objectsWritten: string[];
  objectsDeleted: string[];
  acquireMs: Record<string, number>;
  stageMs: Record<string, number>;
  status: string;
}

/** Rerun a snapshot (default: the newest bundled) over `lakeDir`, which already holds it, counting requests and writes. */
export async function noOpRerun(lakeDir: string, runId: string, snapshotDir?: string): Promise<NoOpRun> {
  const newest = snapshotDir === undefined ? listSnapshots('snapshots').at(-1) : resolveSnapshot(snapshotDir);
  if (newest === undefined) throw new RangeError('no bundled snapshots');
  const server = await startSnapshotServer({ dir: newest.dir });
  const fetcher = createFetcher({ mode: 'snapshot', snapshotPort: server.port });
  const store = new CountingLakeStore(new FolderLakeStore(lakeDir));
  const stageMs: Record<string, number> = {};
  try {
    const started = performance.now();
    const summary = await runPipeline({
      store,
      clock: snapshotClock(newest.date),
      fetcher,
      mode: 'snapshot',
      snapshot: newest.date,
      runId,
      stages: timedStages(stageMs),
    });
    const ms = performance.now() - started;
    const get = server.requests.filter((request) => request.method === 'GET');
    return {
      ms,
      requests: get.length,
      conditionalRequests: get.filter(
        (request) => request.ifNoneMatch !== undefined || request.ifModifiedSince !== undefined,
      ).length,
      notModified: get.filter((request) => request.status === 304).length,
      bytesDownloaded: summary.report.requests.reduce((sum, request) => sum + request.bytes, 0),
      objectsWritten: store.written.filter((key) => key !== runReportKey(runId)),
      objectsDeleted: store.deleted,
      acquireMs: Object.fromEntries(summary.report.sources.map((source) => [source.sourceId, source.ms])),
      stageMs,
      status: summary.status,
    };
  } finally {
    fetcher.close();
    await server.close();
  }
}

/**
 * The cost of durable writes: the same replay of every bundled snapshot into a fresh folder lake with and without
 * fsync (of each file and its folder), interleaved in one process so the ratio is not skewed by other load.
 */
export async function durabilityCost(
  work: string,
  runs: number,
): Promise<{ durableMs: number[]; plainMs: number[] }> {
  const durableMs: number[] = [];
  const plainMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const durable of [true, false]) {
      const lakeDir = path.join(work, `durability-${run}-${durable}`);
      const store = new FolderLakeStore(lakeDir, { durable });
      const started = performance.now();
      for (const snapshot of listSnapshots('snapshots')) {
        await runSnapshot(snapshot, { store, stages: createDefaultStages(), lease: false });
      }
      (durable ? durableMs : plainMs).push(performance.now() - started);
      await rm(lakeDir, { recursive: true, force: true });
    }
  }
  return { durableMs, plainMs };
}
