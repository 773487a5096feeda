import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/core/clock.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { acquireSourceDetailed } from '../../lib/pipeline/acquire.ts';
import { createFetcher, type Fetcher } from '../../lib/sources/fetch.ts';
import { currentDocuments } from '../../lib/sources/raw-zone.ts';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { MINI_SNAPSHOTS } from '../sources/snapshot-fixture.ts';

// Issue 8: documents and archive entries stream through scratch files instead of memory. These tests pin that the
// scratch folder is cleaned up and that what lands in the lake is byte-for-byte what was fetched or extracted.

let server: SnapshotServer;
let fetcher: Fetcher;
const made: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

beforeAll(async () => {
  server = await startSnapshotServer({ dir: path.join(MINI_SNAPSHOTS, '2020-06-15') });
  fetcher = createFetcher({ mode: 'snapshot', snapshotPort: server.port });
});
afterAll(async () => {
  fetcher.close();
  await server.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function acquire(store: FolderLakeStore, scratchDir: string, runId: string) {
  return acquireSourceDetailed(
    { sourceId: 'nhsd-gp-registrations', runId },
    { store, clock: fixedClock('2020-06-15T12:00:00Z'), log: () => {}, fetcher, scratchDir },
  );
}

describe('acquire streams documents through scratch files', () => {
  it('stores each document and archive entry under the sha256 of its bytes and leaves the scratch folder empty', async () => {
    const store = new FolderLakeStore(tempDir('ics-lake-lake-'));
    const scratch = tempDir('ics-lake-scratch-');
    const detail = await acquire(store, scratch, 'run-1');
    expect(detail.outcome.status).toBe('fetched');
    expect(readdirSync(scratch)).toEqual([]);
    const documents = await currentDocuments(store, 'nhsd-gp-registrations');
    expect(documents.map((document) => document.role)).toEqual(['document', 'archive-entry']);
    for (const document of documents) {
      const bytes = await store.get(document.key);
      expect(
        createHash('sha256')
          .update(bytes ?? new Uint8Array())
          .digest('hex'),
      ).toBe(document.sha256);
    }
  });

  it('re-extracts an unchanged archive from the lake copy when its entries have gone missing', async () => {
    const store = new FolderLakeStore(tempDir('ics-lake-lake-'));
    const scratch = tempDir('ics-lake-scratch-');
    await acquire(store, scratch, 'run-1');
    const entry = (await currentDocuments(store, 'nhsd-gp-registrations')).find(
      (document) => document.role === 'archive-entry',
    );
    expect(entry).toBeDefined();
    await store.delete(entry?.key ?? '');
    const again = await acquire(store, scratch, 'run-2');
    expect(again.outcome.status).toBe('unchanged');
    expect(await store.exists(entry?.key ?? '')).toBe(true);
    expect(readdirSync(scratch)).toEqual([]);
  });
});
