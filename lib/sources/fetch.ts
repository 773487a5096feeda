import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { FetchFailedError, FetchRefusedError } from '../core/errors.ts';
import type { FetchEnv } from './fetch/env.ts';
import { guardedLookup, type Resolver } from './fetch/guarded-lookup.ts';
import { HostLimiter } from './fetch/host-limiter.ts';
import { fetchWithRetries } from './fetch/retry.ts';
import type { SpooledBody } from './spool.ts';
import type { FetchMode } from './url-guard.ts';

export type { Resolver } from './fetch/guarded-lookup.ts';
export { MAX_REDIRECTS } from './fetch/redirects.ts';
export { parseRetryAfter } from './fetch/retry-after.ts';

/** The version announced in the User-Agent. */
export const FETCHER_VERSION = '0.1.0';
/** A descriptive User-Agent, so publishers can see who is fetching and why. */
export const DEFAULT_USER_AGENT = `ics-lake/${FETCHER_VERSION} (+https://github.com/ics-lake; open-data pipeline)`;

/** One GET, with the source's egress policy and limits. */
export interface FetchRequest {
  url: string;
  sourceId: string;
  /** Exact lower-case hosts this source may contact, including redirect targets. */
  allowedHosts: readonly string[];
  /** Largest body accepted; enforced while streaming. */
  maxBytes: number;
  /** Overall deadline covering every attempt, redirect, body transfer and retry wait. */
  deadlineMs: number;
  /** Validators from the previous fetch, sent as If-None-Match / If-Modified-Since. */
  validators?: { etag?: string; lastModified?: string };
  /**
   * Stream a 200's body into a scratch file in this folder (hashed on the way) instead of memory: the response's
   * `body` is then empty and `spooled` names the file, which the caller removes.
   */
  spoolDir?: string;
}

/** A completed exchange: 200 with a body, or 304 (`notModified`, empty body). */
export interface FetchResponse {
  requestedUrl: string;
  finalUrl: string;
  status: number;
  notModified: boolean;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The body in a scratch file, when the request asked for spooling and the status was 200. */
  spooled?: SpooledBody;
  attempts: number;
  /** The URLs redirected through, in order (excluding the final one). */
  redirects: string[];
  ms: number;
}

/** A fetch that did not produce a usable response. */
export interface FetchFailure {
  requestedUrl: string;
  error: FetchRefusedError | FetchFailedError;
  /** The last HTTP status received, if any. */
  status?: number;
  attempts: number;
  ms: number;
}

export type FetchResult = ({ ok: true } & FetchResponse) | ({ ok: false } & FetchFailure);

/** The fetcher port: the acquire stage gets one injected. */
export interface Fetcher {
  readonly mode: FetchMode;
  fetch(request: FetchRequest): Promise<FetchResult>;
  /** Release pooled connections. */
  close(): void;
}

export interface FetcherOptions {
  mode: FetchMode;
  /** Snapshot mode: the loopback port of the snapshot server every allowlisted host is mapped to. */
  snapshotPort?: number;
  userAgent?: string;
  /** Attempts per request, including the first (default 4). */
  maxAttempts?: number;
  /** Backoff base: attempt n waits up to base * 2^(n-1), with full jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Backoff ceiling (default 30 s). */
  maxDelayMs?: number;
  /** Concurrent connections per host (default 2). */
  perHostConcurrency?: number;
  /** Waits between retries; injected by tests. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for jitter; injected by tests. */
  random?: () => number;
  /** Milliseconds for durations and HTTP-date Retry-After without a Date header (default Date.now). */
  now?: () => number;
  /** Live mode: name resolution (default the system resolver). */
  resolve?: Resolver;
}

/** Create a fetcher. In snapshot mode nothing but the loopback snapshot server is ever contacted. */
export function createFetcher(options: FetcherOptions): Fetcher {
  if (options.mode === 'snapshot' && options.snapshotPort === undefined) {
    throw new RangeError('createFetcher: snapshot mode needs snapshotPort');
  }
  const env: FetchEnv = {
    mode: options.mode,
    snapshotPort: options.snapshotPort,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    maxAttempts: options.maxAttempts ?? 4,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    sleep: options.sleep ?? ((ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal })),
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    limiter: new HostLimiter(options.perHostConcurrency ?? 2),
    agent:
      options.mode === 'snapshot'
        ? new http.Agent({ keepAlive: true, maxSockets: 16 })
        : new https.Agent({ keepAlive: true, maxSockets: 16 }),
    lookup: guardedLookup(options.resolve ?? defaultResolver),
  };
  return {
    mode: options.mode,
    fetch: (request) => fetchWithRetries(env, request),
    close: () => env.agent.destroy(),
  };
}

const defaultResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
