import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchFailedError, FetchRefusedError } from '../../lib/core/errors.ts';
import {
  createFetcher,
  DEFAULT_USER_AGENT,
  type Fetcher,
  type FetcherOptions,
  type FetchRequest,
  type FetchResult,
  parseRetryAfter,
} from '../../lib/sources/fetch.ts';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { type FixtureResource, writeSnapshot } from './snapshot-fixture.ts';

const NHSE = 'https://www.england.nhs.uk';

const resources: FixtureResource[] = [
  { url: `${NHSE}/page/`, body: 'hello', contentType: 'text/html', etag: '"p1"' },
  { url: `${NHSE}/moved/`, status: 301, location: `${NHSE}/page/` },
  { url: `${NHSE}/relative/`, status: 302, location: '/page/' },
  { url: `${NHSE}/offsite/`, status: 302, location: 'https://evil.example/steal' },
  { url: `${NHSE}/to-metadata/`, status: 302, location: 'http://169.254.169.254/latest/meta-data/' },
  { url: `${NHSE}/to-lookalike/`, status: 302, location: 'https://www.england.nhs.uk./page/' },
  { url: `${NHSE}/loop-a/`, status: 302, location: `${NHSE}/loop-b/` },
  { url: `${NHSE}/loop-b/`, status: 302, location: `${NHSE}/loop-a/` },
  ...Array.from({ length: 7 }, (_, hop) => ({
    url: `${NHSE}/hop/${hop}`,
    status: 302,
    location: `${NHSE}/hop/${hop + 1}`,
  })),
  { url: `${NHSE}/hop/7`, body: 'end of the chain' },
  { url: `${NHSE}/big/`, simulate: { fillerBytes: 3 * 1024 * 1024 } },
  { url: `${NHSE}/big-unannounced/`, simulate: { fillerBytes: 3 * 1024 * 1024, omitLength: true } },
  { url: `${NHSE}/short-body/`, body: 'only a few bytes', simulate: { declaredLength: 100_000 } },
  { url: `${NHSE}/drip/`, body: 'x'.repeat(200), simulate: { drip: { chunkBytes: 1, intervalMs: 50 } } },
  { url: `${NHSE}/reset/`, body: 'y'.repeat(5000), simulate: { resetAfterBytes: 100 } },
  { url: `${NHSE}/always-503/`, body: 'never', simulate: { failFirst: { count: 1000, status: 503 } } },
  { url: `${NHSE}/twice-503/`, body: 'third time lucky', simulate: { failFirst: { count: 2, status: 503 } } },
  { url: `${NHSE}/429/`, body: 'ok now', simulate: { failFirst: { count: 1, status: 429 } } },
  {
    url: `${NHSE}/retry-after-seconds/`,
    body: 'waited',
    simulate: { failFirst: { count: 1, status: 503, headers: { 'Retry-After': '7' } } },
  },
  {
    url: `${NHSE}/retry-after-date/`,
    body: 'waited',
    simulate: {
      failFirst: {
        count: 1,
        status: 503,
        headers: { Date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'Retry-After': 'Wed, 21 Oct 2015 07:28:05 GMT' },
      },
    },
  },
  {
    url: `${NHSE}/retry-after-hour/`,
    body: 'too late',
    simulate: { failFirst: { count: 1, status: 503, headers: { 'Retry-After': '3600' } } },
  },
  { url: `${NHSE}/gone/`, status: 404, body: 'not here' },
  { url: `${NHSE}/gone-reset/`, status: 404, body: 'z'.repeat(5000), simulate: { resetAfterBytes: 100 } },
  ...Array.from({ length: 4 }, (_, index) => ({
    url: `${NHSE}/slow/${index}`,
    body: 'abcd',
    simulate: { drip: { chunkBytes: 1, intervalMs: 60 } },
  })),
];

let server: SnapshotServer;
beforeAll(async () => {
  server = await startSnapshotServer({ dir: await writeSnapshot(resources) });
});
afterAll(async () => server.close());

function request(path: string, overrides: Partial<FetchRequest> = {}): FetchRequest {
  return {
    url: `${NHSE}${path}`,
    sourceId: 'test-source',
    allowedHosts: ['www.england.nhs.uk'],
    maxBytes: 1024 * 1024,
    deadlineMs: 5_000,
    ...overrides,
  };
}

/** A snapshot fetcher whose waits are recorded instead of slept. */
function fetcherRecordingWaits(options: Partial<FetcherOptions> = {}) {
  const waits: number[] = [];
  const fetcher = createFetcher({
    mode: 'snapshot',
    snapshotPort: server.port,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { fetcher, waits };
}

function hits(path: string): number {
  return server.requests.filter((entry) => entry.url === `${NHSE}${path}`).length;
}

function failureOf(result: FetchResult) {
  if (result.ok) throw new Error(`expected a failure, got HTTP ${result.status}`);
  return result;
}

describe('createFetcher in snapshot mode', () => {
  let fetcher: Fetcher;
  beforeAll(() => {
    fetcher = fetcherRecordingWaits().fetcher;
  });
  afterAll(() => fetcher.close());

  it('fetches a body through the loopback server with a descriptive User-Agent', async () => {
    const result = await fetcher.fetch(request('/page/'));
    expect(result.ok && new TextDecoder().decode(result.body)).toBe('hello');
    expect(result.ok && result.headers.etag).toBe('"p1"');
    expect(server.requests.at(-1)?.userAgent).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(
      /^ics-lake\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/ics-lake; open-data pipeline\)$/,
    );
  });

  it('keeps its connection across 304s and redirects instead of opening one per request', async () => {
    const own = fetcherRecordingWaits().fetcher;
    try {
      const before = server.connections;
      for (let round = 0; round < 5; round++) {
        const revalidated = await own.fetch(request('/page/', { validators: { etag: '"p1"' } }));
        expect(revalidated.ok && revalidated.notModified).toBe(true);
        const redirected = await own.fetch(request('/moved/'));
        expect(redirected.ok && redirected.status).toBe(200);
      }
      // Fifteen exchanges one after another (a 304, a 301 and its target, five times) over a connection or two
      // (a drained connection returns to the pool a moment after its response is handed over).
      expect(server.connections - before).toBeLessThanOrEqual(2);
    } finally {
      own.close();
    }
  });

  it('survives a connection reset while it drains an unwanted error body', async () => {
    const result = await fetcher.fetch(request('/gone-reset/'));
    expect(result.ok).toBe(false);
    // The reset lands after the exchange has returned; it must not surface as an unhandled error.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetcher.fetch(request('/page/'))).ok).toBe(true);
  });

  it('sends validators and reports 304 as not modified with no body', async () => {
    const result = await fetcher.fetch(request('/page/', { validators: { etag: '"p1"' } }));
    expect(result.ok && result.notModified).toBe(true);
    expect(result.ok && result.body.length).toBe(0);
  });

  it('follows redirects within the allowlist, absolute and relative', async () => {
    const moved = await fetcher.fetch(request('/moved/'));
    expect(moved.ok && moved.finalUrl).toBe(`${NHSE}/page/`);
    expect(moved.ok && moved.redirects).toEqual([`${NHSE}/moved/`]);
    const relative = await fetcher.fetch(request('/relative/'));
    expect(relative.ok && relative.finalUrl).toBe(`${NHSE}/page/`);
  });

  it('refuses a redirect to a host that is not allowlisted, without contacting it', async () => {
    const failure = failureOf(await fetcher.fetch(request('/offsite/')));
    expect(failure.error).toBeInstanceOf(FetchRefusedError);
    expect(failure.error.message).toMatch(/redirect .*evil\.example.* not allowlisted/);
    expect(failure.error.message).toContain('test-source');
    expect(server.requests.some((entry) => entry.url.includes('evil.example'))).toBe(false);
    expect(failure.attempts).toBe(1);
  });

  it('refuses redirects to the metadata address and to a trailing-dot look-alike', async () => {
    expect(failureOf(await fetcher.fetch(request('/to-metadata/'))).error.message).toMatch(
      /scheme http:|IP literal/,
    );
    expect(failureOf(await fetcher.fetch(request('/to-lookalike/'))).error.message).toMatch(
      /ends with a dot/,
    );
  });

  it('refuses a redirect loop', async () => {
    const failure = failureOf(await fetcher.fetch(request('/loop-a/')));
    expect(failure.error).toBeInstanceOf(FetchRefusedError);
    expect(failure.error.message).toMatch(/redirect loop/);
  });

  it('refuses more than 5 redirects', async () => {
    const failure = failureOf(await fetcher.fetch(request('/hop/0')));
    expect(failure.error.message).toMatch(/more than 5 redirects/);
    expect(hits('/hop/6')).toBe(0);
  });

  it('refuses a URL outside the allowlist before connecting', async () => {
    const before = server.requests.length;
    const failure = failureOf(
      await fetcher.fetch({ ...request('/page/'), url: 'https://evil.example/page/' }),
    );
    expect(failure.error).toBeInstanceOf(FetchRefusedError);
    expect(server.requests.length).toBe(before);
  });

  it('aborts a body whose Content-Length is over the byte cap', async () => {
    const failure = failureOf(await fetcher.fetch(request('/big/')));
    expect(failure.error).toBeInstanceOf(FetchFailedError);
    expect(failure.error.message).toMatch(/declares 3145728 bytes, over the cap of 1048576/);
  });

  it('aborts a body without Content-Length as soon as it streams past the byte cap', async () => {
    const failure = failureOf(await fetcher.fetch(request('/big-unannounced/')));
    expect(failure.error.message).toMatch(/exceeded the byte cap of 1048576 bytes while streaming/);
    expect(failure.attempts).toBe(1);
  });

  it('treats a body shorter than its Content-Length as a network failure, retried then reported', async () => {
    const before = hits('/short-body/');
    const failure = failureOf(await fetcher.fetch(request('/short-body/')));
    expect(failure.error).toBeInstanceOf(FetchFailedError);
    expect(failure.error.message).toMatch(/network error/);
    expect(hits('/short-body/') - before).toBe(4);
  });

  it('retries a connection reset mid-body and reports it after the limit', async () => {
    const before = hits('/reset/');
    const failure = failureOf(await fetcher.fetch(request('/reset/')));
    expect(failure.error.message).toMatch(/failed after 4 attempt\(s\): network error/);
    expect(hits('/reset/') - before).toBe(4);
  });

  it('aborts a dripping response at the overall deadline', async () => {
    const started = performance.now();
    const failure = failureOf(await fetcher.fetch(request('/drip/', { deadlineMs: 300 })));
    const elapsed = performance.now() - started;
    expect(failure.error.message).toMatch(/overall deadline of 300 ms exceeded/);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('does not retry a 404', async () => {
    const failure = failureOf(await fetcher.fetch(request('/gone/')));
    expect(failure.status).toBe(404);
    expect(failure.attempts).toBe(1);
    expect(failure.error.message).toMatch(/HTTP 404/);
  });
});

describe('retries', () => {
  it('retries 503 with exponential backoff and full jitter, and stops after the limit', async () => {
    const { fetcher, waits } = fetcherRecordingWaits({ maxAttempts: 3, baseDelayMs: 1000 });
    const before = hits('/always-503/');
    const failure = failureOf(await fetcher.fetch(request('/always-503/')));
    fetcher.close();
    expect(hits('/always-503/') - before).toBe(3);
    expect(failure.attempts).toBe(3);
    expect(failure.status).toBe(503);
    expect(failure.error.message).toMatch(/HTTP 503 .*retry limit reached/);
    // random() = 0.5 of a ceiling that doubles: 1000, then 2000.
    expect(waits).toEqual([500, 1000]);
  });

  it('uses the full jitter range: random() scales the whole delay', async () => {
    const { fetcher, waits } = fetcherRecordingWaits({ maxAttempts: 2, baseDelayMs: 1000, random: () => 0 });
    await fetcher.fetch(request('/always-503/'));
    fetcher.close();
    expect(waits).toEqual([0]);
  });

  it('succeeds when the server recovers within the limit', async () => {
    const { fetcher } = fetcherRecordingWaits();
    const result = await fetcher.fetch(request('/twice-503/'));
    fetcher.close();
    expect(result.ok && result.attempts).toBe(3);
    expect(result.ok && new TextDecoder().decode(result.body)).toBe('third time lucky');
  });

  it('retries 429', async () => {
    const { fetcher } = fetcherRecordingWaits();
    const result = await fetcher.fetch(request('/429/'));
    fetcher.close();
    expect(result.ok && result.attempts).toBe(2);
  });

  it('honours Retry-After in seconds', async () => {
    const { fetcher, waits } = fetcherRecordingWaits();
    const result = await fetcher.fetch(request('/retry-after-seconds/', { deadlineMs: 60_000 }));
    fetcher.close();
    expect(result.ok).toBe(true);
    expect(waits).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date, relative to the response Date', async () => {
    const { fetcher, waits } = fetcherRecordingWaits();
    const result = await fetcher.fetch(request('/retry-after-date/', { deadlineMs: 60_000 }));
    fetcher.close();
    expect(result.ok).toBe(true);
    expect(waits).toEqual([5000]);
  });

  it('gives up at once when Retry-After would pass the deadline', async () => {
    const { fetcher, waits } = fetcherRecordingWaits();
    const failure = failureOf(await fetcher.fetch(request('/retry-after-hour/', { deadlineMs: 5_000 })));
    fetcher.close();
    expect(waits).toEqual([]);
    expect(failure.error.message).toMatch(
      /waiting 3600000 ms before retrying would pass the 5000 ms deadline/,
    );
  });

  it('parses Retry-After forms', () => {
    expect(parseRetryAfter('120', undefined)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', 'Wed, 21 Oct 2015 07:28:00 GMT')).toBe(30_000);
    expect(parseRetryAfter('soon', undefined)).toBeUndefined();
    expect(parseRetryAfter(undefined, undefined)).toBeUndefined();
  });
});

describe('politeness', () => {
  it('limits concurrent requests per host', async () => {
    const fetcher = createFetcher({ mode: 'snapshot', snapshotPort: server.port, perHostConcurrency: 2 });
    const single = performance.now();
    await fetcher.fetch(request('/slow/0'));
    const oneResponse = performance.now() - single;
    const started = performance.now();
    const results = await Promise.all([0, 1, 2, 3].map((index) => fetcher.fetch(request(`/slow/${index}`))));
    const elapsed = performance.now() - started;
    fetcher.close();
    expect(results.every((result) => result.ok)).toBe(true);
    // Each response drips its bytes slowly; two at a time need two rounds, so at least ~2x one response.
    expect(elapsed).toBeGreaterThanOrEqual(1.8 * oneResponse);
  });
});

describe('createFetcher in live mode', () => {
  it('refuses a host that resolves to a private address, before connecting', async () => {
    const resolved: string[] = [];
    const fetcher = createFetcher({
      mode: 'live',
      resolve: async (hostname) => {
        resolved.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const failure = failureOf(await fetcher.fetch(request('/page/')));
    fetcher.close();
    expect(resolved).toEqual(['www.england.nhs.uk']);
    expect(failure.error).toBeInstanceOf(FetchRefusedError);
    expect(failure.error.message).toMatch(/resolves to 127\.0\.0\.1, which is not a public address/);
    expect(failure.error.message).toContain('test-source');
  });

  it('refuses plain http in live mode', async () => {
    const fetcher = createFetcher({ mode: 'live' });
    const failure = failureOf(
      await fetcher.fetch({ ...request('/page/'), url: 'http://www.england.nhs.uk/page/' }),
    );
    fetcher.close();
    expect(failure.error.message).toMatch(/scheme http: is not allowed/);
  });
});
