import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { listSnapshots, loadSnapshot, resolveSnapshot } from '../../lib/sources/snapshots.ts';
import { MINI_SNAPSHOTS, writeSnapshot } from './snapshot-fixture.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain request to the loopback server with a chosen Host header (what the snapshot fetcher sends). */
function ask(
  server: SnapshotServer,
  host: string,
  pathAndQuery: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: server.port, path: pathAndQuery, method, headers: { ...headers, host } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('snapshot server', () => {
  let server: SnapshotServer;
  const page = '<html><body>ICS list</body></html>';

  beforeAll(async () => {
    const dir = await writeSnapshot([
      {
        url: 'https://www.england.nhs.uk/integratedcare/',
        body: page,
        contentType: 'text/html',
        lastModified: 'Mon, 01 Jun 2020 09:00:00 GMT',
      },
      { url: 'https://www.england.nhs.uk/search?q=ics&page=2', body: 'page two', contentType: 'text/plain' },
      { url: 'https://www.england.nhs.uk/tagged', body: 'tagged', etag: '"v7"' },
      {
        url: 'https://www.england.nhs.uk/old/',
        status: 301,
        location: 'https://www.england.nhs.uk/integratedcare/',
      },
      { url: 'https://www.england.nhs.uk/busy/', status: 503, headers: { 'Retry-After': '120' } },
      { url: 'https://files.digital.nhs.uk/AB/123456/x.csv', body: 'a,b\n1,2\n', contentType: 'text/csv' },
    ]);
    server = await startSnapshotServer({ dir });
  });
  afterAll(async () => server.close());

  it('routes by Host header and path, and answers on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await ask(server, 'www.england.nhs.uk', '/integratedcare/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(page);
    expect(answer.headers['content-type']).toBe('text/html');
    expect((await ask(server, 'files.digital.nhs.uk', '/AB/123456/x.csv')).body).toBe('a,b\n1,2\n');
  });

  it('matches the query string exactly', async () => {
    expect((await ask(server, 'www.england.nhs.uk', '/search?q=ics&page=2')).body).toBe('page two');
    expect((await ask(server, 'www.england.nhs.uk', '/search?q=ics&page=3')).status).toBe(404);
  });

  it('answers 404 for anything not in the snapshot, including a known path on another host', async () => {
    expect((await ask(server, 'www.england.nhs.uk', '/nothing-here/')).status).toBe(404);
    expect((await ask(server, 'evil.example', '/integratedcare/')).status).toBe(404);
  });

  it('gives a strong ETag from the sha256 of the bytes, or the manifest ETag', async () => {
    const sha = createHash('sha256').update(page).digest('hex');
    expect((await ask(server, 'www.england.nhs.uk', '/integratedcare/')).headers.etag).toBe(`"${sha}"`);
    expect((await ask(server, 'www.england.nhs.uk', '/tagged')).headers.etag).toBe('"v7"');
  });

  it('answers If-None-Match with 304 when the ETag matches, and 200 when it does not', async () => {
    const first = await ask(server, 'www.england.nhs.uk', '/tagged');
    const again = await ask(server, 'www.england.nhs.uk', '/tagged', {
      'if-none-match': String(first.headers.etag),
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect((await ask(server, 'www.england.nhs.uk', '/tagged', { 'if-none-match': '"v6"' })).status).toBe(
      200,
    );
  });

  it('answers If-Modified-Since with 304 unless the resource is newer', async () => {
    const since = (date: string) =>
      ask(server, 'www.england.nhs.uk', '/integratedcare/', { 'if-modified-since': date });
    expect((await since('Mon, 01 Jun 2020 09:00:00 GMT')).status).toBe(304);
    expect((await since('Tue, 02 Jun 2020 00:00:00 GMT')).status).toBe(304);
    expect((await since('Sun, 31 May 2020 00:00:00 GMT')).status).toBe(200);
  });

  it('serves redirects and error statuses with their headers', async () => {
    const moved = await ask(server, 'www.england.nhs.uk', '/old/');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('https://www.england.nhs.uk/integratedcare/');
    const busy = await ask(server, 'www.england.nhs.uk', '/busy/');
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('120');
  });

  it('answers HEAD with headers and no body', async () => {
    const head = await ask(server, 'www.england.nhs.uk', '/integratedcare/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(page)));
    expect(head.body).toBe('');
  });

  it('lets a browser name the live host as the first path segment, and lists the URLs at /', async () => {
    expect((await ask(server, `127.0.0.1:${server.port}`, '/www.england.nhs.uk/integratedcare/')).body).toBe(
      page,
    );
    const index = await ask(server, `127.0.0.1:${server.port}`, '/');
    expect(index.body).toContain('https://files.digital.nhs.uk/AB/123456/x.csv');
  });

  it('logs every request it answered', () => {
    expect(
      server.requests.some(
        (entry) => entry.url === 'https://www.england.nhs.uk/old/' && entry.status === 301,
      ),
    ).toBe(true);
  });
});

describe('snapshot server simulations', () => {
  it('serves N failures and then the body', async () => {
    const dir = await writeSnapshot([
      {
        url: 'https://www.england.nhs.uk/flaky/',
        body: 'finally',
        simulate: { failFirst: { count: 2, status: 502 } },
      },
    ]);
    const server = await startSnapshotServer({ dir });
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        statuses.push((await ask(server, 'www.england.nhs.uk', '/flaky/')).status);
      }
      expect(statuses).toEqual([502, 502, 200]);
    } finally {
      await server.close();
    }
  });
});

describe('snapshot folders', () => {
  it('lists dated snapshots oldest first', () => {
    expect(listSnapshots(MINI_SNAPSHOTS).map((ref) => ref.date)).toEqual(['2020-06-15', '2020-12-14']);
    expect(listSnapshots(path.join(MINI_SNAPSHOTS, 'missing'))).toEqual([]);
  });

  it('resolves a date, a folder, or the newest snapshot', () => {
    expect(resolveSnapshot(undefined, MINI_SNAPSHOTS).date).toBe('2020-12-14');
    expect(resolveSnapshot('2020-06-15', MINI_SNAPSHOTS).dir).toBe(path.join(MINI_SNAPSHOTS, '2020-06-15'));
    expect(resolveSnapshot(path.join(MINI_SNAPSHOTS, '2020-06-15'), 'nowhere').date).toBe('2020-06-15');
    expect(() => resolveSnapshot('1999-01-01', MINI_SNAPSHOTS)).toThrow(/known: 2020-06-15, 2020-12-14/);
  });

  it('merges resources/*.json into the manifest', async () => {
    const snapshot = await loadSnapshot(path.join(MINI_SNAPSHOTS, '2020-06-15'));
    expect(snapshot.resources.length).toBeGreaterThan(3);
    expect(snapshot.resources.map((resource) => resource.url)).toContain('https://www.england.nhs.uk/news/');
  });

  it('refuses a URL listed twice across manifest and resource files', async () => {
    const dir = await writeSnapshot([{ url: 'https://www.england.nhs.uk/a/', body: 'a' }]);
    mkdirSync(path.join(dir, 'resources'));
    writeFileSync(
      path.join(dir, 'resources', 'extra.json'),
      JSON.stringify([{ url: 'https://www.england.nhs.uk/a/', file: 'files/0.bin' }]),
    );
    await expect(loadSnapshot(dir)).rejects.toThrow(/listed twice/);
  });
});
