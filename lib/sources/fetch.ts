import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { FetchFailedError, FetchRefusedError } from '../core/errors.ts';
import { type SpooledBody, spoolChunks } from './spool.ts';
import { checkUrl, type FetchMode, isForbiddenAddress, redactUrl } from './url-guard.ts';

/** The version announced in the User-Agent. */
export const FETCHER_VERSION = '0.1.0';
/** A descriptive User-Agent, so publishers can see who is fetching and why. */
export const DEFAULT_USER_AGENT = `ics-lake/${FETCHER_VERSION} (+https://github.com/ics-lake; open-data pipeline)`;
/** At most this many redirects are followed per request. */
export const MAX_REDIRECTS = 5;

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

/** Resolves a host name to addresses (injectable so the resolved-address guard can be tested offline). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

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

class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A small counting semaphore, one per host. */
class HostLimiter {
  private active = new Map<string, number>();
  private waiting = new Map<string, (() => void)[]>();
  constructor(private readonly limit: number) {}

  async acquire(host: string): Promise<() => void> {
    if ((this.active.get(host) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
    } else {
      this.active.set(host, (this.active.get(host) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(host)?.shift();
      if (next) next();
      else this.active.set(host, (this.active.get(host) ?? 1) - 1);
    };
  }
}

const defaultResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** Create a fetcher. In snapshot mode nothing but the loopback snapshot server is ever contacted. */
export function createFetcher(options: FetcherOptions): Fetcher {
  if (options.mode === 'snapshot' && options.snapshotPort === undefined) {
    throw new RangeError('createFetcher: snapshot mode needs snapshotPort');
  }
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const resolver = options.resolve ?? defaultResolver;
  const limiter = new HostLimiter(options.perHostConcurrency ?? 2);
  const agent =
    options.mode === 'snapshot'
      ? new http.Agent({ keepAlive: true, maxSockets: 16 })
      : new https.Agent({ keepAlive: true, maxSockets: 16 });

  /** Refuse, at connect time, any host that resolves to a non-public address (defeats DNS rebinding). */
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
        if (bad || addresses.length === 0) {
          callback(
            new FetchRefusedError(
              `Refused to connect to ${hostname}: it resolves to ${bad?.address ?? 'no address'}, which is not a public address`,
            ),
            '',
            0,
          );
          return;
        }
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  /** One HTTP exchange, without redirects or retries. */
  async function exchange(
    url: URL,
    request: FetchRequest,
    signal: AbortSignal,
    sendValidators: boolean,
  ): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array; spooled?: SpooledBody }> {
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      accept: '*/*',
      'accept-encoding': 'identity',
    };
    // Validators belong to the URL they were stored for; a redirect target gets an unconditional GET.
    if (sendValidators && request.validators?.etag) headers['if-none-match'] = request.validators.etag;
    if (sendValidators && request.validators?.lastModified) {
      headers['if-modified-since'] = request.validators.lastModified;
    }
    const release = await limiter.acquire(url.hostname);
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing =
          options.mode === 'snapshot'
            ? http.request({
                host: '127.0.0.1',
                port: options.snapshotPort,
                method: 'GET',
                path: `${url.pathname}${url.search}`,
                headers: { ...headers, host: url.host },
                agent,
                signal,
              })
            : https.request(url, { method: 'GET', headers, agent, signal, lookup: guardedLookup });
        outgoing.once('response', resolve);
        outgoing.once('error', reject);
        outgoing.end();
      });
      const responseHeaders = flattenHeaders(response);
      const status = response.statusCode ?? 0;
      if (status === 304 || (status >= 300 && status < 400) || status >= 400) {
        response.destroy();
        return { status, headers: responseHeaders, body: new Uint8Array() };
      }
      const declared = Number(responseHeaders['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        response.destroy();
        throw new FetchFailedError(
          `Response for ${redactUrl(url.href)} (source ${request.sourceId}) declares ${declared} bytes, over the cap of ${request.maxBytes}`,
          request.sourceId,
          redactUrl(url.href),
          status,
        );
      }
      let received = 0;
      async function* capped(): AsyncGenerator<Buffer> {
        for await (const chunk of response as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (received > request.maxBytes) {
            response.destroy();
            throw new FetchFailedError(
              `Response body for ${redactUrl(url.href)} (source ${request.sourceId}) exceeded the byte cap of ${request.maxBytes} bytes while streaming`,
              request.sourceId,
              redactUrl(url.href),
              status,
            );
          }
          yield chunk;
        }
      }
      if (request.spoolDir !== undefined) {
        const spooled = await spoolChunks(capped(), request.spoolDir);
        return { status, headers: responseHeaders, body: new Uint8Array(), spooled };
      }
      const chunks: Buffer[] = [];
      for await (const chunk of capped()) chunks.push(chunk);
      return { status, headers: responseHeaders, body: new Uint8Array(Buffer.concat(chunks, received)) };
    } finally {
      release();
    }
  }

  async function fetchOnce(request: FetchRequest, signal: AbortSignal): Promise<FetchResponse> {
    const started = now();
    const policy = { mode: options.mode, allowedHosts: request.allowedHosts, sourceId: request.sourceId };
    let url = checkUrl(request.url, policy);
    const visited = new Set<string>([url.href]);
    const redirects: string[] = [];
    for (;;) {
      const answer = await exchange(url, request, signal, redirects.length === 0);
      const { status } = answer;
      if (status >= 300 && status < 400 && status !== 304) {
        const location = answer.headers.location;
        const refuse = (reason: string) =>
          new FetchRefusedError(
            `Refused redirect from ${redactUrl(url.href)} (source ${request.sourceId}, requested ${redactUrl(request.url)}): ${reason}`,
            request.sourceId,
            redactUrl(request.url),
          );
        if (!location) throw refuse(`status ${status} without a Location header`);
        if (redirects.length >= MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
        let target: string;
        try {
          target = new URL(location, url).href;
        } catch {
          throw refuse(`unparseable Location ${JSON.stringify(location)}`);
        }
        // A relative Location is resolved against the current URL, but an absolute one is checked as sent,
        // so the raw-text guards (look-alike hosts, credentials) see what the server wrote.
        let next: URL;
        try {
          next = checkUrl(/^[a-z][a-z0-9+.-]*:/i.test(location) ? location : target, policy);
        } catch (error) {
          if (!(error instanceof FetchRefusedError)) throw error;
          throw refuse(
            `target ${redactUrl(target)} refused: ${error.message.replace(/^Refused to fetch \S+ for source \S+: /, '')}`,
          );
        }
        if (visited.has(next.href)) throw refuse(`redirect loop back to ${redactUrl(next.href)}`);
        visited.add(next.href);
        redirects.push(url.href);
        url = next;
        continue;
      }
      if (status === 429 || status >= 500) {
        throw new RetryableError(
          `HTTP ${status} from ${redactUrl(url.href)}`,
          status,
          parseRetryAfter(answer.headers['retry-after'], answer.headers.date, now),
        );
      }
      if (status !== 200 && status !== 304) {
        throw new FetchFailedError(
          `Fetching ${redactUrl(url.href)} for source ${request.sourceId} failed: HTTP ${status} (expected 200 or 304)`,
          request.sourceId,
          redactUrl(request.url),
          status,
        );
      }
      return {
        requestedUrl: request.url,
        finalUrl: url.href,
        status,
        notModified: status === 304,
        headers: answer.headers,
        body: answer.body,
        ...(answer.spooled && { spooled: answer.spooled }),
        attempts: 1,
        redirects,
        ms: now() - started,
      };
    }
  }

  async function fetchWithRetries(request: FetchRequest): Promise<FetchResult> {
    const started = now();
    const deadline = AbortSignal.timeout(request.deadlineMs);
    const deadlineAt = started + request.deadlineMs;
    const safeUrl = redactUrl(request.url);
    let lastStatus: number | undefined;
    const failure = (error: FetchRefusedError | FetchFailedError, attempts: number): FetchResult => ({
      ok: false,
      requestedUrl: request.url,
      error,
      attempts,
      ms: now() - started,
      ...(lastStatus !== undefined && { status: lastStatus }),
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetchOnce(request, deadline);
        return { ok: true, ...response, attempts: attempt, ms: now() - started };
      } catch (error) {
        if (deadline.aborted) {
          return failure(
            new FetchFailedError(
              `Fetching ${safeUrl} for source ${request.sourceId} failed: overall deadline of ${request.deadlineMs} ms exceeded (attempt ${attempt})`,
              request.sourceId,
              safeUrl,
              lastStatus,
            ),
            attempt,
          );
        }
        if (error instanceof FetchRefusedError) {
          const refused =
            error.sourceId === undefined
              ? new FetchRefusedError(
                  `${error.message} (source ${request.sourceId}, URL ${safeUrl})`,
                  request.sourceId,
                  safeUrl,
                )
              : error;
          return failure(refused, attempt);
        }
        if (error instanceof FetchFailedError) {
          lastStatus = error.status ?? lastStatus;
          return failure(error, attempt);
        }
        const retryable =
          error instanceof RetryableError
            ? error
            : new RetryableError(`network error: ${error instanceof Error ? error.message : String(error)}`);
        lastStatus = retryable.status ?? lastStatus;
        const failed = (reason: string) =>
          failure(
            new FetchFailedError(
              `Fetching ${safeUrl} for source ${request.sourceId} failed after ${attempt} attempt(s): ${retryable.message}; ${reason}`,
              request.sourceId,
              safeUrl,
              lastStatus,
            ),
            attempt,
          );
        if (attempt >= maxAttempts) return failed('retry limit reached');
        const backoff = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        const wait = retryable.retryAfterMs !== undefined ? Math.max(retryable.retryAfterMs, 0) : backoff;
        if (now() + wait >= deadlineAt) {
          return failed(
            `waiting ${Math.round(wait)} ms before retrying would pass the ${request.deadlineMs} ms deadline`,
          );
        }
        try {
          await sleep(wait, deadline);
        } catch {
          return failed(`the ${request.deadlineMs} ms deadline passed while waiting to retry`);
        }
      }
    }
  }

  return {
    mode: options.mode,
    fetch: fetchWithRetries,
    close: () => agent.destroy(),
  };
}

/** Parse Retry-After (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(
  value: string | undefined,
  responseDate: string | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  const reference =
    responseDate !== undefined && !Number.isNaN(Date.parse(responseDate)) ? Date.parse(responseDate) : now();
  return Math.max(0, at - reference);
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
