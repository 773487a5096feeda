import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { FetchFailedError, FetchRefusedError } from '../../lib/core/errors.ts';
import { type FetchEnv, RetryableError } from '../../lib/sources/fetch/env.ts';
import { requestHeaders } from '../../lib/sources/fetch/exchange.ts';
import { HostLimiter } from '../../lib/sources/fetch/host-limiter.ts';
import { finalAnswer, MAX_REDIRECTS, redirectTarget } from '../../lib/sources/fetch/redirects.ts';
import { classifyAttemptError, retryDelay } from '../../lib/sources/fetch/retry.ts';
import type { FetchRequest } from '../../lib/sources/fetch.ts';

const env: FetchEnv = {
  mode: 'snapshot',
  snapshotPort: 1,
  userAgent: 'ics-lake/test',
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: async () => {},
  random: () => 0.5,
  now: () => 1_000_000,
  limiter: new HostLimiter(2),
  agent: new http.Agent(),
  lookup: () => {},
};
const request: FetchRequest = {
  url: 'https://www.england.nhs.uk/news/',
  sourceId: 'nhse-news',
  allowedHosts: ['www.england.nhs.uk'],
  maxBytes: 1000,
  deadlineMs: 10_000,
  validators: { etag: '"abc"', lastModified: 'Mon, 01 Jun 2020 09:00:00 GMT' },
};
const from = new URL(request.url);
const answer = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: new Uint8Array(),
});

describe('the fetch steps, one at a time', () => {
  it('sends validators only on the first hop, never to a redirect target', () => {
    expect(requestHeaders(env, request, true)).toMatchObject({
      'if-none-match': '"abc"',
      'user-agent': 'ics-lake/test',
    });
    expect(requestHeaders(env, request, false)['if-none-match']).toBeUndefined();
    expect(requestHeaders(env, request, false)['if-modified-since']).toBeUndefined();
  });

  it('follows a relative redirect on the allowlist and refuses loops, off-list hosts and too many hops', () => {
    const next = redirectTarget(
      env,
      request,
      from,
      answer(301, { location: '/news/2021/' }),
      new Set([from.href]),
      0,
    );
    expect(next.href).toBe('https://www.england.nhs.uk/news/2021/');
    expect(() =>
      redirectTarget(env, request, from, answer(302, { location: request.url }), new Set([from.href]), 0),
    ).toThrow(/redirect loop/);
    expect(() =>
      redirectTarget(env, request, from, answer(302, { location: 'https://evil.example/' }), new Set(), 0),
    ).toThrow(FetchRefusedError);
    expect(() =>
      redirectTarget(env, request, from, answer(302, { location: '/x' }), new Set(), MAX_REDIRECTS),
    ).toThrow(/more than 5 redirects/);
    expect(() => redirectTarget(env, request, from, answer(302), new Set(), 0)).toThrow(/without a Location/);
  });

  it('turns 5xx and 429 into retries (with Retry-After), other non-200s into final failures', () => {
    expect(() => finalAnswer(env, request, from, answer(503, { 'retry-after': '7' }))).toThrow(
      RetryableError,
    );
    try {
      finalAnswer(env, request, from, answer(429, { 'retry-after': '7' }));
    } catch (error) {
      expect((error as RetryableError).retryAfterMs).toBe(7000);
    }
    expect(() => finalAnswer(env, request, from, answer(404))).toThrow(FetchFailedError);
    expect(finalAnswer(env, request, from, answer(304)).notModified).toBe(true);
  });

  it('classifies refusals and failures as final and anything else as a network error to retry', () => {
    expect(classifyAttemptError(new FetchRefusedError('no'), request)).toHaveProperty('final');
    expect(classifyAttemptError(new FetchFailedError('no'), request)).toHaveProperty('final');
    const verdict = classifyAttemptError(new Error('ECONNRESET'), request);
    expect('retry' in verdict && verdict.retry.message).toBe('network error: ECONNRESET');
  });

  it('waits as the server asks, else with capped exponential backoff and full jitter', () => {
    expect(retryDelay(env, 3, new RetryableError('x', 503, 1234))).toBe(1234);
    expect(retryDelay(env, 1, new RetryableError('x'))).toBe(250);
    expect(retryDelay(env, 3, new RetryableError('x'))).toBe(1000);
    expect(retryDelay(env, 20, new RetryableError('x'))).toBe(15_000);
  });
});
