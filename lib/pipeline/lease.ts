import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { LeaseHeldError } from '../core/errors.ts';
import { getText, type LakeStore } from '../lake/store.ts';

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
});
export type Lease = z.infer<typeof Lease>;

export interface AcquireLeaseOptions {
  /** The run id taking the lease (shown to whoever finds it held). */
  owner: string;
  /** The clock expiry is measured against (wall clock for real runs; injectable for tests). */
  clock: Clock;
  ttlMs?: number;
  /** Token generator (default crypto.randomUUID). */
  token?: () => string;
}

/** A held lease. */
export interface LeaseHandle {
  lease: Lease;
  /** False when the store cannot enforce conditional create, so the lease is advisory only. */
  exclusive: boolean;
  /** Whether an expired lease of another run was taken over. */
  tookOver: boolean;
  /** Remove the lease, if it is still ours. Never throws for a lease that someone else now holds. */
  release(): Promise<void>;
}

const takeoverKey = (token: string) => `lease/takeover-${token.replace(/[^A-Za-z0-9-]/g, '_')}.json`;

async function readLease(store: LakeStore): Promise<Lease | undefined> {
  const text = await getText(store, LEASE_KEY);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = Lease.safeParse(value);
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
  const lease: Lease = {
    schema: 'ics-lake/lease/v1',
    owner: options.owner,
    token: (options.token ?? randomUUID)(),
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (options.ttlMs ?? DEFAULT_LEASE_TTL_MS)).toISOString(),
  };
  const body = `${JSON.stringify(lease, null, 2)}\n`;
  const handle = (tookOver: boolean): LeaseHandle => ({
    lease,
    exclusive: store.enforcesConditionalCreate,
    tookOver,
    release: () => releaseLease(store, lease.token),
  });

  if (await store.putIfAbsent(LEASE_KEY, body, { contentType: 'application/json' })) return handle(false);

  const held = await readLease(store);
  if (held === undefined) {
    // Released between our attempt and the read: try once more, and report a rival's win as held.
    if (await store.putIfAbsent(LEASE_KEY, body, { contentType: 'application/json' })) return handle(false);
    throw heldError(await readLease(store), store);
  }
  if (Date.parse(held.expiresAt) > now.getTime()) throw heldError(held, store);

  const marker = takeoverKey(held.token);
  if (!(await store.putIfAbsent(marker, body, { contentType: 'application/json' })))
    throw heldError(held, store);
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
  return handle(true);
}

/** Delete the lease if it still carries `token` (a lease taken over after expiry is left to its new owner). */
export async function releaseLease(store: LakeStore, token: string): Promise<void> {
  const current = await readLease(store);
  if (current?.token === token) await store.delete(LEASE_KEY);
}

function heldError(held: Lease | undefined, store: LakeStore): LeaseHeldError {
  const who = held ? `run ${held.owner} until ${held.expiresAt}` : 'another run';
  return new LeaseHeldError(
    `Expected to take the run lease ${LEASE_KEY} of ${store.location}, found it held by ${who}; ` +
      'nothing was written. Try again after that run ends or the lease expires.',
  );
}
