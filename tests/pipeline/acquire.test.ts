import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { getJson } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { RunReport } from '../../lib/pipeline/run-report.ts';
import { catalogue, type SourceEntry } from '../../lib/sources/catalogue.ts';
import { currentDocuments, ProvenanceSidecar, readSourceState } from '../../lib/sources/raw-zone.ts';
import { MINI_SNAPSHOTS, testSource, writeSnapshot } from '../sources/snapshot-fixture.ts';

const JUNE = { date: '2020-06-15', dir: path.join(MINI_SNAPSHOTS, '2020-06-15') };
const DECEMBER = { date: '2020-12-14', dir: path.join(MINI_SNAPSHOTS, '2020-12-14') };
/** Retries without real waits, so failure tests stay fast. */
const noWaits = { sleep: async () => {} };

function freshLake(): { root: string; store: FolderLakeStore } {
  const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-lake-'));
  return { root, store: new FolderLakeStore(root) };
}

/** Every file of the lake outside runs/, with its sha256 and modification time. */
function fingerprint(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, name.name);
      const key = path.relative(root, full).split(path.sep).join('/');
      if (key === 'runs' || key.startsWith('runs/')) continue;
      if (name.isDirectory()) walk(full);
      else {
        const sha = createHash('sha256').update(readFileSync(full)).digest('hex');
        files.set(key, `${sha} ${statSync(full).mtimeMs}`);
      }
    }
  };
  walk(root);
  return files;
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const urlsOf = (documents: { url: string }[]) => documents.map((document) => document.url).sort();

describe('acquire over a snapshot', () => {
  it('discovers and stores the right documents of every source', async () => {
    const { store } = freshLake();
    const summary = await runSnapshot(JUNE, { store });
    expect(summary.status).toBe('completed');
    expect(summary.report.sources.map((source) => [source.sourceId, source.status])).toEqual(
      catalogue.map((entry) => [entry.id, 'fetched']),
    );
    expect(urlsOf(await currentDocuments(store, 'nhse-ics-list'))).toEqual([
      'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/',
    ]);
    expect(urlsOf(await currentDocuments(store, 'nhse-news'))).toEqual([
      'https://www.england.nhs.uk/2020/04/four-more-areas-become-integrated-care-systems/',
      'https://www.england.nhs.uk/2020/05/accountable-care-update/',
      'https://www.england.nhs.uk/2020/05/dorset-and-suffolk-named-ics/',
    ]);
    const gp = await currentDocuments(store, 'nhsd-gp-registrations');
    expect(gp.map((document) => [document.role, document.url, document.archiveEntry])).toEqual([
      ['document', 'https://files.digital.nhs.uk/AB/12CD34/gp-reg-pat-prac-all.csv', null],
      [
        'archive-entry',
        'https://files.digital.nhs.uk/AB/12CD34/gp-reg-pat-prac-sing-age-regions.zip',
        'gp-reg-pat-prac-sing-age-regions.csv',
      ],
    ]);
    expect(urlsOf(await currentDocuments(store, 'ons-code-lookups'))).toEqual([
      'https://hub.arcgis.com/api/v3/datasets/a1b2c3d4e5f60718293a4b5c6d7e8f90_0/downloads/data?format=csv&spatialRefId=4326',
    ]);
    expect((await currentDocuments(store, 'ons-population')).map((document) => document.ext)).toEqual([
      'csv',
    ]);
    expect(urlsOf(await currentDocuments(store, 'trade-press'))).toEqual([
      'https://healthcareleadernews.com/news/ics-designations-announced/',
    ]);
    const requested = summary.report.requests.map((request) => request.url);
    expect(requested).not.toContain('https://files.digital.nhs.uk/AB/12CD34/gp-reg-pat-prac-map.csv');
    expect(requested).not.toContain('https://www.england.nhs.uk/2020/05/nhs-staff-thanked-in-clap/');
    expect(summary.report.requests.every((request) => request.outcome === 'fetched')).toBe(true);
  });

  it('writes a complete provenance sidecar for every raw object', async () => {
    const { store } = freshLake();
    await runSnapshot(JUNE, { store, only: ['nhsd-gp-registrations'] });
    const keys = (await store.list('raw/nhsd-gp-registrations/')).map((object) => object.key);
    const bodies = keys.filter((key) => !key.endsWith('.provenance.json'));
    expect(bodies).toHaveLength(5); // series page, edition page, CSV, ZIP and the ZIP's entry; not the map CSV
    const fields = Object.keys(ProvenanceSidecar.shape).sort();
    const sidecars: ProvenanceSidecar[] = [];
    for (const key of bodies) {
      const raw = await getJson(store, `${key}.provenance.json`);
      expect(Object.keys(raw as object).sort()).toEqual(fields);
      const sidecar = ProvenanceSidecar.strict().parse(raw);
      const bytes = await store.get(key);
      if (!bytes) throw new Error(`missing ${key}`);
      expect(sidecar.key).toBe(key);
      expect(sidecar.sha256).toBe(sha256(bytes));
      expect(key).toBe(`raw/nhsd-gp-registrations/${sidecar.sha256}.${sidecar.ext}`);
      expect(sidecar.bytes).toBe(bytes.length);
      expect(sidecar.runId).toBe('2020-06-15T120000Z');
      expect(sidecar.fetchedAt).toBe('2020-06-15T12:00:00.000Z');
      expect(sidecar.status).toBe(200);
      sidecars.push(sidecar);
    }
    const byRole = (role: string) => sidecars.filter((sidecar) => sidecar.role === role);
    expect(byRole('landing')).toHaveLength(1);
    expect(byRole('landing')[0]?.parentUrl).toBeNull();
    expect(byRole('page')[0]?.parentUrl).toBe(byRole('landing')[0]?.requestedUrl);
    for (const document of byRole('document')) {
      expect(document.parentUrl).toBe(byRole('page')[0]?.requestedUrl);
      expect(document.headers['content-type']).toMatch(/csv|zip/);
      expect(document.headers['content-length']).toBe(String(document.bytes));
      expect(document.headers.etag).toBe(`"${document.sha256}"`);
      expect(document.headers.date).not.toBeNull();
    }
    const archive = byRole('document').find((sidecar) => sidecar.ext === 'zip');
    const [entry] = byRole('archive-entry');
    expect(entry?.parentSha256).toBe(archive?.sha256);
    expect(entry?.parentUrl).toBe(archive?.requestedUrl);
    expect(entry?.archiveEntry).toBe('gp-reg-pat-prac-sing-age-regions.csv');
    expect(entry?.ext).toBe('csv');
  });

  it('writes nothing new on a second run over the same snapshot, thanks to 304s', async () => {
    const { root, store } = freshLake();
    await runSnapshot(JUNE, { store });
    const before = fingerprint(root);
    const second = await runSnapshot(JUNE, { store });
    expect(fingerprint(root)).toEqual(before);
    expect(
      second.report.sources.every((source) => source.status === 'unchanged' && source.newObjects === 0),
    ).toBe(true);
    expect(second.report.requests.every((request) => request.outcome === 'unchanged')).toBe(true);
    expect(second.report.requests.every((request) => request.status === 304)).toBe(true);
    expect(second.report.totals).toMatchObject({
      fetched: 0,
      unchanged: catalogue.length,
      failed: 0,
      bytes: 0,
    });
  });

  it('stores only what changed when run over a newer snapshot', async () => {
    const { store } = freshLake();
    await runSnapshot(JUNE, { store });
    const keysBefore = new Set((await store.list('raw/')).map((object) => object.key));
    const december = await runSnapshot(DECEMBER, { store });
    const added = (await store.list('raw/'))
      .map((object) => object.key)
      .filter((key) => !keysBefore.has(key) && !key.endsWith('.provenance.json'));
    // What changed between the two fixture snapshots: every body of December not already served in June.
    const bodiesIn = (snapshot: string) =>
      readdirSync(path.join(MINI_SNAPSHOTS, snapshot, 'files'), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => sha256(readFileSync(path.join(entry.parentPath, entry.name))));
    const june = new Set(bodiesIn('2020-06-15'));
    const changed = new Set(bodiesIn('2020-12-14').filter((sha) => !june.has(sha)));
    const addedShas = added.map((key) => path.basename(key).split('.')[0]);
    const entries: ProvenanceSidecar[] = [];
    for (const key of added) {
      const sidecar = ProvenanceSidecar.parse(await getJson(store, `${key}.provenance.json`));
      if (sidecar.role === 'archive-entry') entries.push(sidecar);
      else expect(changed.has(sidecar.sha256)).toBe(true);
    }
    expect(entries).toHaveLength(1);
    // icb-news starts from the same news index as nhse-news, so one changed body may be stored under both sources.
    expect(new Set(addedShas).size).toBe(changed.size + 1);
    const statuses = Object.fromEntries(
      december.report.sources.map((source) => [source.sourceId, source.status]),
    );
    expect(statuses).toEqual({
      'nhse-ics-list': 'fetched',
      'nhse-news': 'fetched',
      'trade-press': 'unchanged',
      'nhsd-gp-registrations': 'fetched',
      'icb-news': 'unchanged', // its landing page changed, but it links to no ICB news page yet
      'ons-code-lookups': 'unchanged',
      'ons-population': 'unchanged',
    });
    // The population file moved behind a redirect but its bytes did not change.
    const [population] = await currentDocuments(store, 'ons-population');
    expect(population?.finalUrl).toMatch(/-v2\.csv$/);
    expect(population?.lastChangedAt).toBe('2020-06-15T12:00:00.000Z');
    const news = await currentDocuments(store, 'nhse-news');
    expect(news.find((document) => document.url.includes('eleven-new'))?.lastChangedAt).toBe(
      '2020-12-14T12:00:00.000Z',
    );
  });
});

describe('acquire runs sources side by side', () => {
  const page = (id: string) => `https://www.england.nhs.uk/${id}/`;

  /** One single-page source per id, in this order; the source `slow` trickles its page in, so it finishes last. */
  async function sourcesRun(ids: readonly string[]) {
    const dir = await writeSnapshot(
      ids.map((id) => ({
        url: page(id),
        contentType: 'text/html',
        body: `<html><body><p>${id}</p>${'x'.repeat(id === 'slow' ? 2_000 : 10)}</body></html>`,
        ...(id === 'slow' && { simulate: { drip: { chunkBytes: 200, intervalMs: 15 } } }),
      })),
    );
    return {
      snapshot: { date: '2020-06-15', dir },
      catalogue: ids.map((id) => testSource({ id, landingUrls: [page(id)] })),
    };
  }

  it('starts up to three sources at once and reports them in catalogue order, whichever finishes first', async () => {
    const ids = ['slow', 'quick-a', 'quick-b', 'quick-c'];
    const { snapshot, catalogue: sources } = await sourcesRun(ids);
    const events: string[] = [];
    const note = (kind: string) => (sourceId: string, stage: string, message: string) => {
      if (stage === 'acquire' && (kind === 'done' || message === 'starting'))
        events.push(`${kind} ${sourceId}`);
    };
    const summary = await runSnapshot(snapshot, {
      store: freshLake().store,
      stages: [],
      catalogue: sources,
      progress: { update: note('start'), done: note('done'), line() {}, finish() {} },
    });
    expect(summary.report.sources.map((source) => [source.sourceId, source.status])).toEqual(
      ids.map((id) => [id, 'fetched']),
    );
    expect(summary.report.requests.map((request) => request.sourceId)).toEqual(ids);
    // Three start before any is done; the fourth takes the first free slot, while the slow one still runs.
    expect(events.slice(0, 3)).toEqual(['start slow', 'start quick-a', 'start quick-b']);
    expect(events.indexOf('start quick-c')).toBeLessThan(events.indexOf('done slow'));
    // Finished lines come in catalogue order, so the log reads the same however the sources raced.
    expect(events.filter((event) => event.startsWith('done'))).toEqual(ids.map((id) => `done ${id}`));
  });

  it('when the lake fails, starts no further source and lets those running finish before the run reports', async () => {
    const { snapshot, catalogue: sources } = await sourcesRun(['doomed', 'slow', 'quick-b', 'quick-c']);
    /** A lake whose disk fails for one source's raw objects, and that notes writes made after the run returned. */
    class FailingLake extends MemoryLakeStore {
      returned = false;
      lateWrites: string[] = [];
      private check(key: string): void {
        if (this.returned) this.lateWrites.push(key);
        if (key.startsWith('raw/doomed/')) throw new Error(`ENOSPC: no space left on device, writing ${key}`);
      }
      override async put(key: string, body: Uint8Array | string): Promise<void> {
        this.check(key);
        return super.put(key, body);
      }
      override async putStream(key: string, body: Readable): Promise<void> {
        this.check(key);
        return super.putStream(key, body);
      }
      override async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
        this.check(key);
        return super.putIfAbsent(key, body);
      }
    }
    const store = new FailingLake();
    const started: string[] = [];
    const summary = await runSnapshot(snapshot, {
      store,
      stages: [],
      catalogue: sources,
      progress: {
        update: (sourceId, _stage, message) => message === 'starting' && started.push(sourceId),
        done() {},
        line() {},
        finish() {},
      },
    });
    store.returned = true;
    expect(summary.status).toBe('failed');
    expect(summary.report.error).toMatch(/ENOSPC.*raw\/doomed\//);
    expect(started).toEqual(['doomed', 'slow', 'quick-b']);
    // The slow source, running when the lake failed, finished (its state is written) before the run returned.
    expect((await readSourceState(store, 'slow')).lastSuccessAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.lateWrites).toEqual([]);
  });
});

describe('acquire failures', () => {
  const secretUrl = 'https://www.england.nhs.uk/private/?token=s3cr3t-value';
  const broken: SourceEntry[] = [
    testSource({ id: 'missing-page', landingUrls: [secretUrl] }),
    testSource({ id: 'redirects-offsite', landingUrls: ['https://www.england.nhs.uk/offsite/'] }),
    ...catalogue.filter((entry) => entry.id === 'nhse-ics-list' || entry.id === 'trade-press'),
  ];

  it('reports a failed source with its id, URL and reason, and still processes the others', async () => {
    const dir = await writeSnapshot([
      { url: 'https://www.england.nhs.uk/offsite/', status: 302, location: 'https://evil.example/' },
      ...JSON.parse(readFileSync(path.join(JUNE.dir, 'manifest.json'), 'utf8')).resources.map(
        (resource: { url: string; file: string }) => ({
          ...resource,
          file: undefined,
          body: readFileSync(path.join(JUNE.dir, resource.file)),
        }),
      ),
      ...JSON.parse(readFileSync(path.join(JUNE.dir, 'resources/sources.json'), 'utf8'))
        .filter((resource: { url: string }) => resource.url.startsWith('https://healthcareleadernews.com/'))
        .map((resource: { url: string; file: string }) => ({
          ...resource,
          file: undefined,
          body: readFileSync(path.join(JUNE.dir, resource.file)),
        })),
    ]);
    const { store } = freshLake();
    const logged: string[] = [];
    const summary = await runSnapshot(
      { date: '2020-06-15', dir },
      { store, catalogue: broken, log: (line) => logged.push(line), fetcherOptions: noWaits },
    );
    expect(summary.status).toBe('completed');
    const byId = Object.fromEntries(summary.report.sources.map((source) => [source.sourceId, source]));
    expect(byId['missing-page']).toMatchObject({ status: 'failed', errorCode: 'fetch_failed' });
    expect(byId['missing-page']?.error).toMatch(/missing-page.*HTTP 404/);
    expect(byId['redirects-offsite']).toMatchObject({ status: 'failed', errorCode: 'fetch_refused' });
    expect(byId['redirects-offsite']?.error).toMatch(/redirects-offsite.*evil\.example.*not allowlisted/);
    expect(byId['nhse-ics-list']?.status).toBe('fetched');
    expect(byId['trade-press']?.status).toBe('fetched');
    expect(summary.report.totals).toMatchObject({ sources: 4, fetched: 2, failed: 2 });
    const refused = summary.report.requests.find((request) => request.sourceId === 'redirects-offsite');
    expect(refused).toMatchObject({ outcome: 'refused', errorCode: 'fetch_refused', status: null });
    const state = await readSourceState(store, 'missing-page');
    expect(state).toMatchObject({
      consecutiveFailures: 1,
      lastFailureAt: '2020-06-15T12:00:00.000Z',
      objects: [],
    });
    // No secret reaches the report, the state or the log.
    const reportText = new TextDecoder().decode(await store.get(summary.reportKey));
    expect(RunReport.parse(JSON.parse(reportText)).runId).toBe('2020-06-15T120000Z');
    expect(reportText).toContain('token=REDACTED');
    for (const text of [reportText, JSON.stringify(state), logged.join('\n')])
      expect(text).not.toContain('s3cr3t');
  });

  it('touches nothing already in the lake when a source that worked before fails', async () => {
    const { root, store } = freshLake();
    await runSnapshot(JUNE, { store, only: ['nhse-ics-list'] });
    const rawBefore = [...fingerprint(root)].filter(([key]) => key.startsWith('raw/'));
    const documentsBefore = await currentDocuments(store, 'nhse-ics-list');
    const down = await writeSnapshot(
      [{ url: 'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/', status: 503 }],
      '2020-06-16',
    );
    const summary = await runSnapshot(
      { date: '2020-06-16', dir: down },
      { store, only: ['nhse-ics-list'], fetcherOptions: noWaits },
    );
    expect(summary.report.sources[0]).toMatchObject({ status: 'failed', errorCode: 'fetch_failed' });
    expect(summary.report.sources[0]?.error).toMatch(/after 4 attempt\(s\): HTTP 503/);
    expect(summary.report.requests[0]).toMatchObject({ attempts: 4, status: 503, outcome: 'failed' });
    expect([...fingerprint(root)].filter(([key]) => key.startsWith('raw/'))).toEqual(rawBefore);
    expect(await currentDocuments(store, 'nhse-ics-list')).toEqual(documentsBefore);
    expect((await readSourceState(store, 'nhse-ics-list')).consecutiveFailures).toBe(1);
  });

  it('refuses a ZIP bomb attachment and reports the source as failed', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.alloc(20 * 1024 * 1024), 'gp-reg-pat-prac-all.csv');
    zip.end();
    const bomb = await buffer(zip.outputStream);
    const source = testSource({
      id: 'zipped',
      landingIsDocument: false,
      landingUrls: ['https://digital.nhs.uk/edition'],
      allowedHosts: ['digital.nhs.uk', 'files.digital.nhs.uk'],
      discovery: [
        {
          description: 'attachments',
          selector: 'a',
          hrefPattern: '\\.zip$',
          maxLinks: 2,
          yields: 'document',
        },
      ],
      archiveEntryPattern: '^gp-reg-pat-prac-all\\.csv$',
    });
    const dir = await writeSnapshot([
      {
        url: 'https://digital.nhs.uk/edition',
        body: '<a href="https://files.digital.nhs.uk/AB/123456/all.zip">ZIP</a>',
      },
      { url: 'https://files.digital.nhs.uk/AB/123456/all.zip', body: bomb, contentType: 'application/zip' },
    ]);
    const { store } = freshLake();
    const summary = await runSnapshot({ date: '2020-06-15', dir }, { store, catalogue: [source] });
    expect(summary.report.sources[0]).toMatchObject({
      sourceId: 'zipped',
      status: 'failed',
      errorCode: 'archive_refused',
    });
    expect(summary.report.sources[0]?.error).toMatch(/all\.zip.*compression ratio/);
    expect(await currentDocuments(store, 'zipped')).toEqual([]);
  });
});

describe('acquire determinism', () => {
  it('builds byte-identical raw zones and state when the same snapshot is replayed into two fresh lakes', async () => {
    const first = freshLake();
    const second = freshLake();
    await runSnapshot(JUNE, { store: first.store });
    await runSnapshot(JUNE, { store: second.store });
    const contents = (root: string) =>
      [...fingerprint(root)].map(([key, value]) => `${key} ${value.split(' ')[0]}`).sort();
    expect(contents(second.root)).toEqual(contents(first.root));
    const sidecar = ProvenanceSidecar.parse(
      await getJson(
        first.store,
        (await first.store.list('raw/nhse-ics-list/'))
          .map((o) => o.key)
          .find((k) => k.endsWith('.provenance.json')) ?? '',
      ),
    );
    expect(sidecar.headers.date).toBe('Mon, 15 Jun 2020 12:00:00 GMT');
  });
});
