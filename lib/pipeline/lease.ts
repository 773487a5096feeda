import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { LeaseHeldError } from '../core/errors.ts';
import { getText, type LakeStore, parseJsonOrUndefined } from '../lake/store.ts';

/** The one lease object that guards a lake against two runs writing it at once. */
export const LEASE_KEY = 'lease/run.json';

/** Default lease lifetime: longer than any run (a full replay takes well under a minute, a live run minutes). */
export const DEFAULT_LEASE_TTL_MS = 30 * 60 * 1000;

/** The CLI's exit code when another run holds the lease (EX_TEMPFAIL from sysexits.h: try again later). */
export const LEASE_HELD_EXIT_CODE = 75;

/** `lease/run.json`: who holds the lake, and until when. */
export const Lease = z.object({
  schema: z.literal('ics-lake/lease/v1'),
  /** The run that took the lease. Two runs of one snapshot share a run id, so the token tells them apart. */
  owner: z.string().min(1),
  /** Random per attempt; release and takeover check it so nobody removes a lease that is not theirs. */
  token: z.string().min(1),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** The machine and process holding it, so a lease left by a dead process on this machine can be broken at once. */
  host: z.string().optional(),
  pid: z.number().int().positive().optional(),
  /** The process's start time (Linux: clock ticks after boot, from /proc), so a reused pid is not mistaken for it. */
  pidStarted: z.string().nullable().optional(),
});
export type Lease = z.infer<typeof Lease>;

/** Which process this is, and whether another process is still running. Injectable for tests. */
export interface ProcessProbe {
  host: string;
  pid: number;
  /** Start time of a process by pid (null when unknown), used to tell a reused pid from the original. */
  startedAt(pid: number): string | null;
  /** Whether a process with this pid exists on this machine. */
  isAlive(pid: number): boolean;
}

/** The real process table (Linux /proc for start times; elsewhere pids alone). */
export const systemProcessProbe: ProcessProbe = {
  host: hostname(),
  pid: process.pid,
  startedAt(pid) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 22 (starttime) counts from after the command name, which may itself hold spaces and parentheses.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    } catch {
      return null;
    }
  },
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** Why a held lease may be taken over, or null when it may not. */
export function staleReason(held: Lease, now: Date, probe: ProcessProbe): string | null {
  if (Date.parse(held.expiresAt) <= now.getTime()) return `it expired at ${held.expiresAt}`;
  if (held.host !== probe.host || held.pid === undefined) return null;
  if (!probe.isAlive(held.pid)) return `its owner, process ${held.pid} on ${held.host}, is no longer running`;
  const started = probe.startedAt(held.pid);
  if (held.pidStarted && started !== null && started !== held.pidStarted)
    return `its owner, process ${held.pid} on ${held.host}, is gone (the pid now belongs to another process)`;
  return null;
}

/** One line saying whose a lease is. */
export function describeLease(held: Lease): string {
  const where = held.pid === undefined ? '' : ` (process ${held.pid} on ${held.host ?? 'an unknown host'})`;
  return `run ${held.owner}${where}, taken ${held.acquiredAt}, expiring ${held.expiresAt}`;
}

export interface AcquireLeaseOptions {
  /** The run id taking the lease (shown to whoever finds it held). */
  owner: string;
  /** The clock expiry is measured against (wall clock for real runs; injectable for tests). */
  clock: Clock;
  ttlMs?: number;
  /** Token generator (default crypto.randomUUID). */
  token?: () => string;
  /** This process and the process table (default: the real ones). */
  probe?: ProcessProbe;
}

/** A held lease. */
export interface LeaseHandle {
  lease: Lease;
  /** False when the store cannot enforce conditional create, so the lease is advisory only. */
  exclusive: boolean;
  /** Whether a stale lease of another run (expired, or its process gone) was taken over. */
  tookOver: boolean;
  /** When taken over: whose lease it was and why it could be taken, in one line. */
  takeoverNote?: string;
  /** Remove the lease, if it is still ours. Never throws for a lease that someone else now holds. */
  release(): Promise<void>;
}

const takeoverKey = (token: string) => `lease/takeover-${token.replace(/[^A-Za-z0-9-]/g, '_')}.json`;

/** The lease as stored, or undefined; an unreadable one reads as expired. */
export async function readLease(store: LakeStore): Promise<Lease | undefined> {
  const text = await getText(store, LEASE_KEY);
  if (text === undefined) return undefined;
  const parsed = Lease.safeParse(parseJsonOrUndefined(text));
  // An unreadable lease (e.g. truncated by a crash of a store without atomic writes) counts as expired.
  return parsed.success
    ? parsed.data
    : {
        schema: 'ics-lake/lease/v1',
        owner: 'unknown',
        token: 'unreadable',
        acquiredAt: new Date(0).toISOString(),
        expiresAt: new Date(0).toISOString(),
      };
}

/**
 * Take the lake's run lease, or throw LeaseHeldError when another run holds an unexpired one.
 *
 * The lease is created with `putIfAbsent`, which the folder (exclusive create), memory and real S3
 * (If-None-Match) stores enforce atomically. An expired lease is taken over in four steps, each safe against a
 * rival doing the same: (1) claim `lease/takeover-<expired token>.json` by putIfAbsent, so only one contender
 * may replace that particular expired lease; (2) re-read the lease and give up unless it is still the expired
 * one; (3) delete it and putIfAbsent our own (a fresh run that slipped in between wins, and we give up);
 * (4) delete the takeover marker. A late rival that claims the marker after step 4 fails the re-read of step 2,
 * because our lease is already in place.
 */
export async function acquireLease(store: LakeStore, options: AcquireLeaseOptions): Promise<LeaseHandle> {
  const now = options.clock.now();
  const probe = options.probe ?? systemProcessProbe;
  const lease: Lease = {
    schema: 'ics-lake/lease/v1',
    owner: options.owner,
    token: (options.token ?? randomUUID)(),
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (options.ttlMs ?? DEFAULT_LEASE_TTL_MS)).toISOString(),
    host: probe.host,
    pid: probe.pid,
    pidStarted: probe.startedAt(probe.pid),
  };
  const body = `${JSON.stringify(lease, null, 2)}\n`;
  const handle = (tookOver: boolean, takeoverNote?: string): LeaseHandle => ({
    lease,
    exclusive: store.enforcesConditionalCreate,
    tookOver,
    ...(takeoverNote !== undefined && { takeoverNote }),
    release: () => releaseLease(store, lease.token),
  });

  if (await store.putIfAbsent(LEASE_KEY, body, { contentType: 'application/json' })) return handle(false);

  const held = await readLease(store);
  if (held === undefined) {
    // Released between our attempt and the read: try once more, and report a rival's win as held.
    if (await store.putIfAbsent(LEASE_KEY, body, { contentType: 'application/json' })) return handle(false);
    throw heldError(await readLease(store), store);
  }
  const stale = staleReason(held, now, probe);
  if (stale === null) throw heldError(held, store);

  const marker = takeoverKey(held.token);
  if (!(await claimTakeoverMarker(store, marker, body, now, probe))) throw heldError(held, store);
  try {
    const current = await readLease(store);
    if (current !== undefined && current.token !== held.token) throw heldError(current, store);
    await store.delete(LEASE_KEY);
    if (!(await store.putIfAbsent(LEASE_KEY, body, { contentType: 'application/json' }))) {
      throw heldError(await readLease(store), store);
    }
  } finally {
    await store.delete(marker);
  }
  return handle(true, `took over the lease of ${describeLease(held)}: ${stale}`);
}

/**
 * Claim the marker that lets one contender replace a stale lease. A marker left by a contender that died
 * mid-takeover (its process gone, or its claim expired) is itself stale: it is removed and claimed once more, so
 * a killed takeover never wedges the lake.
 */
async function claimTakeoverMarker(
  store: LakeStore,
  marker: string,
  body: string,
  now: Date,
  probe: ProcessProbe,
): Promise<boolean> {
  if (await store.putIfAbsent(marker, body, { contentType: 'application/json' })) return true;
  const text = await getText(store, marker);
  const parsed = Lease.safeParse(text === undefined ? undefined : parseJsonOrUndefined(text));
  if (parsed.success && staleReason(parsed.data, now, probe) === null) return false;
  await store.delete(marker);
  return store.putIfAbsent(marker, body, { contentType: 'application/json' });
}

/** Delete the lease if it still carries `token` (a lease taken over after expiry is left to its new owner). */
export async function releaseLease(store: LakeStore, token: string): Promise<void> {
  const current = await readLease(store);
  if (current?.token === token) await store.delete(LEASE_KEY);
}

function heldError(held: Lease | undefined, store: LakeStore): LeaseHeldError {
  const who = held ? describeLease(held) : 'another run';
  return new LeaseHeldError(
    `Expected to take the run lease ${LEASE_KEY} of ${store.location}, found it held by ${who}; ` +
      'nothing was written. Try again when that run ends; if no run is writing this lake (a crash on another ' +
      `machine), break the lease with: ics-lake unlock --lake ${store.location}`,
  );
}

/** What `unlock` found and did. */
export interface UnlockResult {
  /** The lease that was there, if any. */
  lease: Lease | undefined;
  removed: boolean;
  /** Why it was not removed. */
  refused?: string;
}

/**
 * Break the lake's lease (`ics-lake unlock`). A lease whose owner is a live process on this machine is only
 * broken with `force`, because that run is still writing.
 */
export async function breakLease(
  store: LakeStore,
  options: { force?: boolean; probe?: ProcessProbe; clock: Clock },
): Promise<UnlockResult> {
  const held = await readLease(store);
  if (held === undefined) return { lease: undefined, removed: false };
  const probe = options.probe ?? systemProcessProbe;
  const alive =
    held.host === probe.host &&
    held.pid !== undefined &&
    staleReason(held, options.clock.now(), probe) === null;
  if (alive && !options.force) {
    return {
      lease: held,
      removed: false,
      refused: `process ${held.pid} on ${held.host} is still running; stop it, or pass --force`,
    };
  }
  await store.delete(LEASE_KEY);
  return { lease: held, removed: true };
}
