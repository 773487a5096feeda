import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/core/clock.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { listSnapshots, type SnapshotRef } from '../../lib/sources/snapshots.ts';
import { CountingLakeStore, FaultyLakeStore } from './faulty-store.ts';
import { assertCommittedLake, cloneLake, memoryLakeHashes, SMALL_SNAPSHOTS } from './lake-invariants.ts';

/**
 * Crash safety of a whole replay: the pipeline is killed at its k-th lake write (every later write fails too,
 * as in a dead process), for seeded k over every write point of a full replay of the small snapshots.
 */
/** Crash runs in all, over the shards (CRASH_RUNS overrides, e.g. for a longer soak). */
export const CRASH_RUNS = Number(process.env.CRASH_RUNS ?? 200);
/** Every this-many crash runs also replays the rest of the history and compares the final lake. */
const FULL_HISTORY_EVERY = 40;
const snapshots: SnapshotRef[] = listSnapshots(SMALL_SNAPSHOTS);
const stages = createDefaultStages();
/** A crashed run leaves its lease behind; the rerun comes after it expired (the lease's own clock). */
const afterLeaseExpiry = (date: string) => ({ clock: fixedClock(`${date}T23:00:00Z`) });

/** Mulberry32: a small seeded generator, so a failing crash point can be reproduced from the seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Reference {
  /** The lake after each snapshot (index 0: the empty lake). */
  checkpoints: MemoryLakeStore[];
  /** Lake writes of each snapshot's run. */
  writes: number[];
}
let reference: Reference;

async function replayFrom(store: MemoryLakeStore, first: number): Promise<void> {
  for (const snapshot of snapshots.slice(first)) {
    const summary = await runSnapshot(snapshot, { store, stages });
    expect(summary.status, summary.report.error ?? '').toBe('completed');
  }
}

beforeAll(async () => {
  const store = new MemoryLakeStore();
  reference = { checkpoints: [cloneLake(store)], writes: [] };
  for (const snapshot of snapshots) {
    const counter = new CountingLakeStore(store);
    const summary = await runSnapshot(snapshot, { store: counter, stages });
    expect(summary.status).toBe('completed');
    reference.writes.push(counter.writes);
    reference.checkpoints.push(cloneLake(store));
  }
}, 60_000);

/**
 * Register the crash-safety test for one shard: crash runs `shard`, `shard + shards`, ... of the seeded list. The
 * two shards are separate files so vitest runs them on both cores.
 */
export function describeCrashShard(shard: number, shards: number): void {
  describe(`a replay crashed at any lake write (shard ${shard + 1} of ${shards})`, () => {
    it(`keeps the lake consistent and recovers byte for byte, over its share of ${CRASH_RUNS} seeded crash points`, async () => {
      const totalWrites = reference.writes.reduce((sum, count) => sum + count, 0);
      expect(totalWrites).toBeGreaterThan(100);
      // Every write point once when there are fewer than CRASH_RUNS, then seeded picks for the rest.
      const random = seeded(20260707);
      const points = Array.from({ length: CRASH_RUNS }, (_, run) =>
        run < totalWrites ? run + 1 : 1 + Math.floor(random() * totalWrites),
      );
      const started = performance.now();
      let ran = 0;
      for (const [run, point] of points.entries()) {
        if (run % shards !== shard) continue;
        ran++;
        let snapshotIndex = 0;
        let k = point;
        while (k > (reference.writes[snapshotIndex] ?? 0)) k -= reference.writes[snapshotIndex++] ?? 0;
        const snapshot = snapshots[snapshotIndex];
        const before = reference.checkpoints[snapshotIndex];
        const after = reference.checkpoints[snapshotIndex + 1];
        if (!snapshot || !before || !after) throw new Error(`no snapshot for write ${point}`);
        const store = cloneLake(before);
        const crashed = await runSnapshot(snapshot, { store: new FaultyLakeStore(store, k), stages }).catch(
          (thrown: unknown) => thrown,
        );
        // Only a crash at the very last write (the lease's release) lets the run complete: the lease then expires.
        const outcome = crashed instanceof Error ? 'threw' : (crashed as { status: string }).status;
        expect(outcome, `crash at write ${k} of ${snapshot.date}`).toBe(
          k === reference.writes[snapshotIndex] ? 'completed' : outcome === 'threw' ? 'threw' : 'failed',
        );

        await assertCommittedLake(store);

        const rerun = await runSnapshot(snapshot, { store, stages, lease: afterLeaseExpiry(snapshot.date) });
        expect(rerun.status, `crash at write ${k} of ${snapshot.date}: ${rerun.report.error}`).toBe(
          'completed',
        );
        expect(
          memoryLakeHashes(store, ['runs/']),
          `lake after crash at write ${k} of ${snapshot.date}`,
        ).toEqual(memoryLakeHashes(after, ['runs/']));
        expect([...store.objects.keys()].filter((key) => key.startsWith('runs/'))).toEqual(
          [...after.objects.keys()].filter((key) => key.startsWith('runs/')),
        );
        if (run % FULL_HISTORY_EVERY < shards) {
          await replayFrom(store, snapshotIndex + 1);
          const final = reference.checkpoints.at(-1) ?? new MemoryLakeStore();
          expect(memoryLakeHashes(store, ['runs/'])).toEqual(memoryLakeHashes(final, ['runs/']));
        }
      }
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `crash-replay shard ${shard + 1}/${shards}: ${ran} of ${points.length} crash runs over ${totalWrites} write points ` +
          `(${reference.writes.join(' + ')} per snapshot) in ${seconds.toFixed(1)} s`,
      );
    }, 300_000);
  });
}
