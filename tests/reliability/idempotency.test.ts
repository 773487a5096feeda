import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { replaySnapshots, runSnapshot } from '../../lib/pipeline/replay.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';
import { memoryLakeHashes, publishedHashes, SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

const stages = createDefaultStages();

describe('idempotency', () => {
  it('running one snapshot five times changes nothing after the first run but the run report', async () => {
    const [snapshot] = listSnapshots(SMALL_SNAPSHOTS);
    if (!snapshot) throw new Error('no small snapshot');
    const store = new MemoryLakeStore();
    const first = await runSnapshot(snapshot, { store, stages });
    expect(first.status).toBe('completed');
    const afterFirst = memoryLakeHashes(store);
    expect(Object.keys(afterFirst).filter((key) => key.startsWith('datasets/')).length).toBeGreaterThan(20);
    for (let run = 2; run <= 5; run++) {
      const summary = await runSnapshot(snapshot, { store, stages });
      expect(summary.status).toBe('completed');
      const now = memoryLakeHashes(store);
      // Same keys (the run id comes from the snapshot's clock, so the report overwrites itself).
      expect(Object.keys(now)).toEqual(Object.keys(afterFirst));
      const changed = Object.keys(now).filter((key) => now[key] !== afterFirst[key]);
      expect(changed.every((key) => key.startsWith('runs/'))).toBe(true);
      expect(Object.values(summary.report.stages).length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('replaying the whole history into two fresh lakes gives identical datasets and feed', async () => {
    const lakes = [new MemoryLakeStore(), new MemoryLakeStore()];
    for (const store of lakes) {
      const summaries = await replaySnapshots({ root: SMALL_SNAPSHOTS, store, stages });
      expect(summaries.map((summary) => summary.status)).toEqual(['completed', 'completed', 'completed']);
    }
    const [left, right] = lakes.map((store) => memoryLakeHashes(store, ['runs/']));
    expect(Object.keys(left ?? {}).some((key) => key.startsWith('feed/'))).toBe(true);
    expect(left).toEqual(right);
    expect(publishedHashes(lakes[0] as MemoryLakeStore)).toEqual(
      publishedHashes(lakes[1] as MemoryLakeStore),
    );
  }, 60_000);
});
