import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { readLatest, readVersionRows } from '../../lib/lake/versions.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import type { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';
import { BAD_CASES, type BadCase } from '../fixtures/bad/cases.ts';
import {
  assertCommittedLake,
  cloneLake,
  memoryLakeHashes,
  SMALL_SNAPSHOTS,
} from '../helpers/lake-invariants.ts';

/** Heap growth allowed for one case (the 50 MB page and the 20 MB ZIP bomb must not be held whole). */
const HEAP_CAP_BYTES = 48 * 1024 * 1024;
const DATE = '2020-06-15';
const fetcherOptions = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 };
const stages = createDefaultStages();
const scratch = mkdtempSync(path.join(tmpdir(), 'ics-lake-bad-'));
let baseline: MemoryLakeStore;

beforeAll(async () => {
  baseline = new MemoryLakeStore();
  const summary = await runSnapshot(
    { date: DATE, dir: path.join(SMALL_SNAPSHOTS, DATE) },
    { store: baseline, stages, fetcherOptions },
  );
  expect(summary.status).toBe('completed');
  expect(summary.report.quarantine).toEqual([]);
}, 60_000);
/** Per case: the source's time and the heap growth, printed at the end for the README's figures. */
const figures: { name: string; ms: number; heapMiB: number }[] = [];
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  const slowest = [...figures].sort((a, b) => b.ms - a.ms)[0];
  const hungriest = [...figures].sort((a, b) => b.heapMiB - a.heapMiB)[0];
  console.info(
    `hostile corpus: ${figures.length} cases; slowest source ${slowest?.name} ${slowest?.ms} ms; ` +
      `largest heap growth ${hungriest?.name} ${hungriest?.heapMiB.toFixed(1)} MiB (cap ${HEAP_CAP_BYTES / 1048576} MiB)`,
  );
});

/** The good snapshot with the case's resource replaced, written under the scratch folder. */
async function badSnapshot(badCase: BadCase): Promise<string> {
  const dir = path.join(scratch, badCase.name, DATE);
  cpSync(path.join(SMALL_SNAPSHOTS, DATE), dir, { recursive: true });
  const resourcesFile = path.join(dir, 'resources', `${badCase.sourceId}.json`);
  const resources = JSON.parse(readFileSync(resourcesFile, 'utf8')) as SnapshotResource[];
  const index = resources.findIndex((resource) => resource.url === badCase.url);
  if (index < 0) throw new Error(`${badCase.name}: ${badCase.url} is not in the good snapshot`);
  // A hostile server sends no validators of the good document, so a conditional GET cannot short-cut the case.
  const {
    file: _file,
    etag: _etag,
    lastModified: _lastModified,
    ...kept
  } = resources[index] as SnapshotResource;
  const replaced: SnapshotResource = {
    ...kept,
    ...badCase.resource,
    note: `hostile corpus: ${badCase.name}`,
  };
  if (badCase.body) {
    writeFileSync(path.join(dir, 'files', 'bad.bin'), await badCase.body());
    replaced.file = 'files/bad.bin';
  }
  resources[index] = replaced;
  resources.push(...(badCase.extra ?? []).map((extra) => ({ status: 200, ...extra })));
  writeFileSync(resourcesFile, JSON.stringify(resources, null, 2));
  return dir;
}

/** Every dataset's latest rows without the raw document's hash: the published facts, whatever bytes carried them. */
async function latestData(store: MemoryLakeStore): Promise<Record<string, unknown[]>> {
  const data: Record<string, unknown[]> = {};
  for (const name of ['ics', 'ics_designations', 'ics_population', 'ics_coverage', 'published_claims']) {
    const manifest = await readLatest(store, name);
    const rows = manifest ? await readVersionRows(store, name, manifest.version) : [];
    data[name] = rows.map(({ source_sha256: _sha, ...row }) => row);
  }
  return data;
}

const datasetHashes = (store: MemoryLakeStore) =>
  Object.fromEntries(Object.entries(memoryLakeHashes(store)).filter(([key]) => key.startsWith('datasets/')));

describe('the hostile corpus', () => {
  it(`holds at least 30 named cases (${BAD_CASES.length})`, () => {
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_CASES.map((badCase) => badCase.name)).size).toBe(BAD_CASES.length);
  });

  it.each(BAD_CASES)(
    '$name: $expect.kind, reported, bounded, and the published data is intact',
    async (badCase) => {
      const dir = await badSnapshot(badCase);
      const entry = catalogue.find((source) => source.id === badCase.sourceId);
      if (!entry) throw new Error(`unknown source ${badCase.sourceId}`);
      const deadlineMs = badCase.deadlineMs ?? entry.deadlineMs;
      const testCatalogue = catalogue.map((source) =>
        source.id === entry.id ? { ...source, deadlineMs } : source,
      );
      const store = cloneLake(baseline);
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => {
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }, 25);
      const summary = await runSnapshot(
        { date: DATE, dir },
        { store, stages, catalogue: testCatalogue, fetcherOptions },
      ).finally(() => clearInterval(sampler));
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      const { report } = summary;

      // The run completes, and every other source is fine.
      expect(report.status, report.error ?? '').toBe('completed');
      for (const source of report.sources.filter((source) => source.sourceId !== badCase.sourceId)) {
        expect(source.status, source.sourceId).not.toBe('failed');
      }
      const target = report.sources.find((source) => source.sourceId === badCase.sourceId);
      figures.push({ name: badCase.name, ms: target?.ms ?? -1, heapMiB: (heapPeak - heapBefore) / 1048576 });
      expect(target?.ms ?? Number.POSITIVE_INFINITY).toBeLessThan(deadlineMs + 500);
      expect(heapPeak - heapBefore).toBeLessThan(HEAP_CAP_BYTES);
      await assertCommittedLake(store);

      const expectation = badCase.expect;
      const reportedUrl = badCase.reportedUrl ?? badCase.url;
      const quarantineFor = report.quarantine.filter(
        (item) => item.sourceId === badCase.sourceId && item.url === reportedUrl,
      );
      if (expectation.kind === 'tolerated') {
        expect(target?.status).not.toBe('failed');
        expect(quarantineFor).toEqual([]);
        expect(await latestData(store)).toEqual(await latestData(baseline));
        return;
      }
      // Rejected input never reaches the published datasets: the last good documents are used.
      expect(datasetHashes(store)).toEqual(datasetHashes(baseline));
      if (expectation.kind === 'refused') {
        expect(target?.status).toBe('failed');
        expect(target?.errorCode).toBe(expectation.code);
        const request = report.requests.find(
          (item) =>
            item.sourceId === badCase.sourceId &&
            (item.url === reportedUrl || item.finalUrl === badCase.url || item.error?.includes(badCase.url)),
        );
        expect(request, 'the run report names the request').toBeDefined();
        if (expectation.code !== 'archive_refused') expect(request?.errorCode).toBe(expectation.code);
      }
      const expectQuarantine = expectation.kind === 'quarantined' || expectation.quarantined;
      if (expectQuarantine) {
        expect(quarantineFor.map((item) => item.code)).toContain(expectation.code);
        const records = (await store.list(`quarantine/${badCase.sourceId}/`)).map(({ key }) => key);
        const found = [];
        for (const key of records) {
          const record = (await getJson(store, key)) as {
            url: string;
            code: string;
            reason: string;
            key: string;
          };
          if (record.url === reportedUrl && record.code === expectation.code) found.push(record);
        }
        expect(found.length, 'a quarantine record with its reason').toBeGreaterThan(0);
        expect(found[0]?.reason.length).toBeGreaterThan(10);
        if (found[0]?.key) expect(await store.exists(found[0].key)).toBe(true);
      } else {
        expect(quarantineFor).toEqual([]);
      }
    },
    30_000,
  );
});
