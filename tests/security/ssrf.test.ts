import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FetchRefusedError } from '../../lib/core/errors.ts';
import { createFetcher, type Fetcher } from '../../lib/sources/fetch.ts';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { checkUrl } from '../../lib/sources/url-guard.ts';
import { writeSnapshot } from '../sources/snapshot-fixture.ts';

const ALLOWED = 'www.england.nhs.uk';
const live = { mode: 'live' as const, allowedHosts: [ALLOWED], sourceId: 'nhse-news' };
const snapshot = { ...live, mode: 'snapshot' as const };

/** Bypass forms an attacker (or a hijacked page) could hand the fetcher. Each must be refused in both modes. */
const BYPASS_FORMS: { name: string; url: string; reason: RegExp }[] = [
  { name: 'file scheme', url: 'file:///etc/passwd', reason: /scheme file:/ },
  { name: 'ftp scheme', url: `ftp://${ALLOWED}/pub/`, reason: /scheme ftp:/ },
  { name: 'gopher scheme', url: `gopher://${ALLOWED}/_GET`, reason: /scheme gopher:/ },
  { name: 'data scheme', url: 'data:text/html,<h1>x</h1>', reason: /scheme data:/ },
  { name: 'javascript scheme', url: 'javascript:alert(1)', reason: /scheme javascript:/ },
  { name: 'ws scheme', url: `ws://${ALLOWED}/`, reason: /scheme ws:/ },
  { name: 'user and password', url: `https://user:hunter2@${ALLOWED}/`, reason: /credentials/ },
  { name: 'user only', url: `https://admin@${ALLOWED}/`, reason: /credentials/ },
  {
    name: 'allowlisted name as the user part',
    url: `https://${ALLOWED}@evil.example/`,
    reason: /credentials/,
  },
  { name: 'decimal IPv4 of 127.0.0.1', url: 'https://2130706433/', reason: /IP literal/ },
  { name: 'octal IPv4', url: 'https://0177.0.0.1/', reason: /IP literal/ },
  { name: 'hex IPv4', url: 'https://0x7f000001/', reason: /IP literal/ },
  { name: 'dotted hex IPv4', url: 'https://0x7f.0x0.0x0.0x1/', reason: /IP literal/ },
  { name: 'short-form IPv4', url: 'https://127.1/', reason: /IP literal/ },
  { name: 'cloud metadata address', url: 'https://169.254.169.254/latest/meta-data/', reason: /IP literal/ },
  { name: 'metadata address in decimal', url: 'https://2852039166/', reason: /IP literal/ },
  { name: 'private 10/8', url: 'https://10.0.0.1/', reason: /IP literal/ },
  { name: 'private 172.16/12', url: 'https://172.16.5.4/', reason: /IP literal/ },
  { name: 'private 192.168/16', url: 'https://192.168.1.1/', reason: /IP literal/ },
  { name: 'unspecified 0.0.0.0', url: 'https://0.0.0.0/', reason: /IP literal/ },
  { name: 'IPv6 loopback', url: 'https://[::1]/', reason: /IP literal/ },
  { name: 'IPv4-mapped IPv6', url: 'https://[::ffff:127.0.0.1]/', reason: /IP literal/ },
  {
    name: 'IPv4-mapped IPv6 of the metadata address',
    url: 'https://[::ffff:a9fe:a9fe]/',
    reason: /IP literal/,
  },
  { name: 'IPv6 link-local', url: 'https://[fe80::1]/', reason: /IP literal/ },
  { name: 'IPv6 unique-local', url: 'https://[fd00::1]/', reason: /IP literal/ },
  { name: 'localhost', url: 'https://localhost/', reason: /not allowlisted/ },
  { name: 'localhost with a trailing dot', url: 'https://localhost./', reason: /ends with a dot/ },
  { name: 'a localhost subdomain', url: `https://${ALLOWED}.localhost/`, reason: /not allowlisted/ },
  {
    name: 'allowlisted name under an attacker domain',
    url: `https://${ALLOWED}.evil.com/`,
    reason: /not allowlisted/,
  },
  {
    name: 'attacker name ending in the allowlisted name',
    url: 'https://evilwww.england.nhs.uk/',
    reason: /not allowlisted/,
  },
  {
    name: 'parent domain of the allowlisted name',
    url: 'https://england.nhs.uk/',
    reason: /not allowlisted/,
  },
  { name: 'trailing dot', url: `https://${ALLOWED}./news/`, reason: /ends with a dot/ },
  { name: 'full-width dots', url: 'https://www\uff0eengland\uff0enhs\uff0euk/', reason: /non-ASCII/ },
  { name: 'ideographic full stops', url: 'https://www\u3002england\u3002nhs\u3002uk/', reason: /non-ASCII/ },
  { name: 'Cyrillic e look-alike', url: 'https://www.\u0435ngland.nhs.uk/', reason: /non-ASCII/ },
  { name: 'Cyrillic a and o look-alikes', url: 'https://www.engl\u0430nd.nhs.uk/', reason: /non-ASCII/ },
  { name: 'punycode look-alike', url: 'https://www.xn--ngland-2of.nhs.uk/', reason: /internationalised/ },
  { name: 'percent-escaped dot', url: 'https://www.england%2Enhs.uk/', reason: /percent-escapes/ },
  { name: 'explicit port', url: `https://${ALLOWED}:8443/`, reason: /explicit ports/ },
  {
    name: 'backslash authority trick',
    url: `https://evil.example\\@${ALLOWED}/`,
    reason: /credentials|backslash/,
  },
  { name: 'header injection', url: `https://${ALLOWED}/\r\nHost: evil`, reason: /whitespace or control/ },
];

describe('the URL guard refuses every bypass form', () => {
  it(`covers at least 25 forms (${BYPASS_FORMS.length})`, () => {
    expect(BYPASS_FORMS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(BYPASS_FORMS)('refuses $name in live and snapshot mode', ({ url, reason }) => {
    for (const policy of [live, snapshot]) {
      let thrown: unknown;
      try {
        checkUrl(url, policy);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(FetchRefusedError);
      expect((thrown as Error).message).toMatch(reason);
      expect((thrown as Error).message).not.toContain('hunter2');
    }
  });
});

/** Forms that can travel in a Location header (Node refuses header values outside Latin-1). */
const REDIRECTABLE = BYPASS_FORMS.filter(({ url }) => /^[\x21-\x7e]+$/.test(url));

describe('redirects to a bypass form, through the snapshot server', () => {
  let server: SnapshotServer;
  let fetcher: Fetcher;
  const connections: string[] = [];
  beforeAll(async () => {
    const dir = await writeSnapshot([
      { url: `https://${ALLOWED}/start/`, body: '<p>hello</p>', contentType: 'text/html' },
      ...REDIRECTABLE.map((form, index) => ({
        url: `https://${ALLOWED}/r/${index}/`,
        status: 302,
        location: form.url,
      })),
      // Percent-encoded look-alikes: the parser would decode them into a different host.
      { url: `https://${ALLOWED}/r/cyrillic/`, status: 302, location: 'https://www.%D0%B5ngland.nhs.uk/' },
      {
        url: `https://${ALLOWED}/r/fullwidth/`,
        status: 302,
        location: 'https://www%EF%BC%8Eengland.nhs.uk/',
      },
      { url: `https://${ALLOWED}/r/relative-ip/`, status: 302, location: '//169.254.169.254/latest/' },
    ]);
    server = await startSnapshotServer({ dir });
    fetcher = createFetcher({ mode: 'snapshot', snapshotPort: server.port, maxAttempts: 1 });
    const connect = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
      this: net.Socket,
      ...args: unknown[]
    ) {
      // Node's own callers pass one pre-normalised [options, callback] array.
      const [first, second] = (Array.isArray(args[0]) ? args[0] : args) as [unknown, unknown];
      const target =
        typeof first === 'object' && first !== null
          ? `${(first as { host?: string }).host ?? ''}:${(first as { port?: number }).port ?? ''}`
          : `${String(second ?? '')}:${String(first)}`;
      connections.push(target);
      return (connect as (...rest: unknown[]) => net.Socket).apply(this, args);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    fetcher.close();
    await server.close();
  });
  afterEach(() => {
    for (const target of connections) expect(target).toBe(`127.0.0.1:${server.port}`);
  });

  const fetchOne = (path: string) =>
    fetcher.fetch({
      url: `https://${ALLOWED}${path}`,
      sourceId: 'nhse-news',
      allowedHosts: [ALLOWED],
      maxBytes: 100_000,
      deadlineMs: 5_000,
    });

  it('fetches the allowlisted page itself (the control case)', async () => {
    const result = await fetchOne('/start/');
    expect(result.ok).toBe(true);
    // The connection spy sees real connections, so the checks after each redirect case are not vacuous.
    expect(connections.length).toBeGreaterThan(0);
  });

  it.each(REDIRECTABLE.map((form, index) => ({ ...form, index })))(
    'refuses a redirect to $name and contacts nothing but the snapshot server',
    async ({ index }) => {
      const before = server.requests.length;
      const result = await fetchOne(`/r/${index}/`);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(FetchRefusedError);
      expect(result.error.message).toMatch(/Refused redirect/);
      expect(result.error.message).not.toContain('hunter2');
      // Only the redirecting URL itself reached the server: the target was never requested.
      expect(server.requests.slice(before).map((request) => request.url)).toEqual([
        `https://${ALLOWED}/r/${index}/`,
      ]);
    },
  );

  it.each(['cyrillic', 'fullwidth', 'relative-ip'])(
    'refuses a percent-encoded or relative %s redirect',
    async (name) => {
      const result = await fetchOne(`/r/${name}/`);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toBeInstanceOf(FetchRefusedError);
    },
  );

  it(`redirects to ${REDIRECTABLE.length} forms are covered`, () => {
    expect(REDIRECTABLE.length).toBeGreaterThanOrEqual(25);
  });
});

describe('live mode', () => {
  it('refuses an allowlisted host whose name resolves to a loopback, private or metadata address', async () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', '::ffff:127.0.0.1']) {
      const fetcher = createFetcher({
        mode: 'live',
        maxAttempts: 1,
        resolve: async () => [{ address, family: address.includes(':') ? 6 : 4 }],
      });
      try {
        const result = await fetcher.fetch({
          url: `https://${ALLOWED}/news/`,
          sourceId: 'nhse-news',
          allowedHosts: [ALLOWED],
          maxBytes: 1_000,
          deadlineMs: 2_000,
        });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.message).toMatch(/not a public address/);
      } finally {
        fetcher.close();
      }
    }
  });
});
