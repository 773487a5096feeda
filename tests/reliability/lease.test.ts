import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { fixedClock } from '../../lib/core/clock.ts';
import { LeaseHeldError } from '../../lib/core/errors.ts';
import { getJson } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { acquireLease, LEASE_HELD_EXIT_CODE, LEASE_KEY, Lease } from '../../lib/pipeline/lease.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';
import { assertCommittedLake, SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

const folders: string[] = [];
async function folderLake(): Promise<{ root: string; store: FolderLakeStore }> {
  const root = await mkdtemp(path.join(tmpdir(), 'ics-lake-lease-'));
  folders.push(root);
  return { root, store: new FolderLakeStore(root) };
}
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const noon = fixedClock('2021-04-12T12:00:00Z');

describe('the run lease', () => {
  it('is taken by exclusive create, refused while held, and released', async () => {
    const { store } = await folderLake();
    const first = await acquireLease(store, { owner: 'run-a', clock: noon });
    expect(first.exclusive).toBe(true);
    expect(Lease.parse(await getJson(store, LEASE_KEY)).owner).toBe('run-a');
    await expect(acquireLease(store, { owner: 'run-b', clock: noon })).rejects.toThrow(LeaseHeldError);
    await expect(acquireLease(store, { owner: 'run-b', clock: noon })).rejects.toThrow(
      /held by run run-a \(process \d+ on .*\), taken .* expiring /,
    );
    await first.release();
    expect(await store.exists(LEASE_KEY)).toBe(false);
    const second = await acquireLease(store, { owner: 'run-b', clock: noon });
    expect(second.tookOver).toBe(false);
  });

  it('lets exactly one of many simultaneous contenders take a free lease', async () => {
    const { store } = await folderLake();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) => acquireLease(store, { owner: `run-${n}`, clock: noon })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(LeaseHeldError);
    }
  });

  it('lets exactly one of many simultaneous contenders take over an expired lease, and leaves no marker', async () => {
    for (const store of [new MemoryLakeStore(), (await folderLake()).store]) {
      await acquireLease(store, { owner: 'crashed', clock: noon, ttlMs: 60_000 });
      const later = fixedClock('2021-04-12T12:05:00Z');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, n) => acquireLease(store, { owner: `run-${n}`, clock: later })),
      );
      const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      expect(winners).toHaveLength(1);
      expect(winners[0]?.tookOver).toBe(true);
      const lease = Lease.parse(await getJson(store, LEASE_KEY));
      expect(lease.token).toBe(winners[0]?.lease.token);
      expect((await store.list('lease/')).map(({ key }) => key)).toEqual([LEASE_KEY]);
    }
  });

  it('does not release a lease that another run took over after ours expired', async () => {
    const store = new MemoryLakeStore();
    const stale = await acquireLease(store, { owner: 'slow', clock: noon, ttlMs: 1_000 });
    const fresh = await acquireLease(store, { owner: 'next', clock: fixedClock('2021-04-12T13:00:00Z') });
    await stale.release();
    expect(Lease.parse(await getJson(store, LEASE_KEY)).token).toBe(fresh.lease.token);
  });

  it('treats an unreadable lease (a torn write) as expired', async () => {
    const store = new MemoryLakeStore();
    await store.put(LEASE_KEY, '{"schema":"ics-lake/le');
    const handle = await acquireLease(store, { owner: 'next', clock: noon });
    expect(handle.tookOver).toBe(true);
  });
});

describe('two runs started at once against one folder lake', () => {
  it('one proceeds, the other ends with LeaseHeldError having written nothing, and the lake is intact', async () => {
    const { store } = await folderLake();
    const [snapshot] = listSnapshots(SMALL_SNAPSHOTS);
    if (!snapshot) throw new Error('no small snapshot');
    const stages = createDefaultStages();
    const outcomes = await Promise.allSettled([
      runSnapshot(snapshot, { store, stages }),
      runSnapshot(snapshot, { store, stages }),
    ]);
    const done = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(done.map((summary) => summary.status)).toEqual(['completed']);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(LeaseHeldError);
    expect(await store.exists(LEASE_KEY)).toBe(false);
    const committed = await assertCommittedLake(store);
    expect(Object.keys(committed).sort()).toEqual([
      'ics',
      'ics_coverage',
      'ics_designations',
      'ics_population',
      'published_claims',
    ]);
  }, 60_000);

  it('the CLI prints a clear message and exits with the documented code when the lease is held', async () => {
    const { root, store } = await folderLake();
    await acquireLease(store, { owner: 'other-run', clock: fixedClock(new Date(Date.now())) });
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      stderr.push(String(text));
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const snapshotDir = path.join(SMALL_SNAPSHOTS, '2020-06-15');
    expect(await main(['run', '--snapshot', snapshotDir, '--lake', root, '--only', 'trade-press'])).toBe(
      LEASE_HELD_EXIT_CODE,
    );
    expect(stderr.join('')).toMatch(/skipped, another run is writing this lake.*held by run other-run/);
    expect(await main(['replay', '--snapshots', SMALL_SNAPSHOTS, '--lake', root])).toBe(LEASE_HELD_EXIT_CODE);
    expect((await store.list('')).map(({ key }) => key)).toEqual([LEASE_KEY]);
  });
});
