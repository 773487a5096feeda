import type http from 'node:http';
import type https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FetchMode } from '../url-guard.ts';
import type { HostLimiter } from './host-limiter.ts';

/** Everything the fetch steps share, built once by createFetcher from its options. */
export interface FetchEnv {
  mode: FetchMode;
  /** Snapshot mode: the loopback port every allowlisted host is mapped to. */
  snapshotPort: number | undefined;
  userAgent: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  limiter: HostLimiter;
  agent: http.Agent | https.Agent;
  /** Live mode: name resolution that refuses non-public addresses at connect time. */
  lookup: LookupFunction;
}

/** A failure worth another attempt (5xx, 429, network errors), with the server's Retry-After if any. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
