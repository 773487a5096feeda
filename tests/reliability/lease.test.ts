import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { fixedClock } from '../../lib/core/clock.ts';
import { LeaseHeldError } from '../../lib/core/errors.ts';
import { getJson } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import {
  acquireLease,
  LEASE_HELD_EXIT_CODE,
  LEASE_KEY,
  Lease,
  systemProcessProbe,
} from '../../lib/pipeline/lease.ts';
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
      'ics_lifecycle_claims',
      'ics_lineage',
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

describe('a lease whose owner is gone', () => {
  /** The pid of a process that has already exited. */
  const deadPid = (): number => {
    const child = spawnSync(process.execPath, ['-e', '']);
    if (child.pid === undefined) throw new Error('could not start a child process');
    return child.pid;
  };

  it('records this machine, the pid and its start time', async () => {
    const store = new MemoryLakeStore();
    const handle = await acquireLease(store, { owner: 'run-a', clock: noon });
    expect(handle.lease).toMatchObject({ host: hostname(), pid: process.pid });
    expect(handle.lease.pidStarted).toBe(systemProcessProbe.startedAt(process.pid));
  });

  it('is taken over at once, long before it expires, with a note saying whose it was', async () => {
    const store = new MemoryLakeStore();
    const pid = deadPid();
    const dead: Lease = {
      schema: 'ics-lake/lease/v1',
      owner: 'killed-run',
      token: 'dead-token',
      acquiredAt: '2021-04-12T11:59:00.000Z',
      expiresAt: '2021-04-12T12:29:00.000Z',
      host: hostname(),
      pid,
      pidStarted: null,
    };
    await store.put(LEASE_KEY, JSON.stringify(dead));
    const handle = await acquireLease(store, { owner: 'next', clock: noon });
    expect(handle.tookOver).toBe(true);
    expect(handle.takeoverNote).toMatch(
      new RegExp(`took over the lease of run killed-run \\(process ${pid} on .*is no longer running`),
    );
    expect(await store.list('lease/')).toEqual([{ key: LEASE_KEY, bytes: expect.any(Number) }]);
  });

  it('is taken over when its pid now belongs to another process (a reused pid), and kept while the owner lives', async () => {
    const store = new MemoryLakeStore();
    const probe = (started: string) => ({
      ...systemProcessProbe,
      isAlive: () => true,
      startedAt: () => started,
    });
    await acquireLease(store, { owner: 'original', clock: noon, probe: probe('1000') });
    await expect(acquireLease(store, { owner: 'rival', clock: noon, probe: probe('1000') })).rejects.toThrow(
      LeaseHeldError,
    );
    const handle = await acquireLease(store, { owner: 'rival', clock: noon, probe: probe('2000') });
    expect(handle.takeoverNote).toMatch(/the pid now belongs to another process/);
  });

  it('is kept when it belongs to another machine, until it expires', async () => {
    const store = new MemoryLakeStore();
    await acquireLease(store, {
      owner: 'elsewhere',
      clock: noon,
      probe: { ...systemProcessProbe, host: 'other-host', pid: deadPid() },
    });
    await expect(acquireLease(store, { owner: 'here', clock: noon })).rejects.toThrow(
      /ics-lake unlock --lake/,
    );
  });

  it('ics-lake unlock says whose it was and removes it; a live owner needs --force', async () => {
    const { root, store } = await folderLake();
    await store.put('state/timeline.json', '{}');
    const stdout: string[] = [];
    const stderr: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => stdout.push(String(text)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => stderr.push(String(text)) > 0);
    await acquireLease(store, { owner: 'live-run', clock: fixedClock(new Date()) });
    expect(await main(['unlock', '--lake', root])).toBe(1);
    expect(stderr.join('')).toMatch(
      /kept the lease of run live-run .* is still running; stop it, or pass --force/,
    );
    expect(await store.exists(LEASE_KEY)).toBe(true);
    expect(await main(['unlock', '--lake', root, '--force'])).toBe(0);
    expect(stdout.join('')).toMatch(/removed the lease of run live-run \(process \d+ on /);
    expect(await store.exists(LEASE_KEY)).toBe(false);
  });
});

describe('a takeover killed half-way', () => {
  it('leaves a marker that the next contender recognises as stale and clears', async () => {
    const store = new MemoryLakeStore();
    const dead = spawnSync(process.execPath, ['-e', '']).pid ?? 1;
    const probe = { ...systemProcessProbe, pid: dead, startedAt: () => null };
    // A lease left by a dead run, and the takeover marker of a contender that died before finishing.
    await acquireLease(store, { owner: 'killed-run', clock: noon, probe, token: () => 'old' });
    await store.put(
      'lease/takeover-old.json',
      JSON.stringify({ ...((await getJson(store, LEASE_KEY)) as object), token: 'half' }),
    );
    const handle = await acquireLease(store, { owner: 'next', clock: noon });
    expect(handle.tookOver).toBe(true);
    expect((await store.list('lease/')).map(({ key }) => key)).toEqual([LEASE_KEY]);
  });
});
