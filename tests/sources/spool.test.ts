import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ArchiveRefusedError, FetchFailedError } from '../../lib/core/errors.ts';
import { extractArchiveFile } from '../../lib/sources/archive.ts';
import { createFetcher, type Fetcher } from '../../lib/sources/fetch.ts';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { spoolChunks } from '../../lib/sources/spool.ts';
import { writeSnapshot } from './snapshot-fixture.ts';

// Regression guard for issue 8: documents and archive entries used to be held whole in memory (a 184 MB GP file
// took the acquire to 714 MB RSS). They now stream through scratch files; these tests pin the streaming paths.

const NHSE = 'https://www.england.nhs.uk';
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

let scratch: string;
let server: SnapshotServer;
let fetcher: Fetcher;

beforeAll(async () => {
  server = await startSnapshotServer({
    dir: await writeSnapshot([
      { url: `${NHSE}/doc.csv`, body: 'a,b\n1,2\n', contentType: 'text/csv' },
      { url: `${NHSE}/huge/`, simulate: { fillerBytes: 3 * 1024 * 1024, omitLength: true } },
    ]),
  });
  fetcher = createFetcher({ mode: 'snapshot', snapshotPort: server.port, maxAttempts: 1 });
});
afterAll(async () => {
  fetcher.close();
  await server.close();
});
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'ics-lake-spool-test-'));
  return () => rm(scratch, { recursive: true, force: true });
});

async function* chunksOf(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('spoolChunks', () => {
  it('writes the chunks to a file and reports their sha256, size and first bytes', async () => {
    const spooled = await spoolChunks(chunksOf('PK', '\u0003\u0004rest of the body'), scratch);
    const written = await readFile(spooled.path);
    expect(written.toString()).toBe('PK\u0003\u0004rest of the body');
    expect(spooled.sha256).toBe(sha256(written));
    expect(spooled.bytes).toBe(written.length);
    expect([...spooled.head.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });

  it('removes the partial file when the chunks throw', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    // Many at once: the file is opened asynchronously, and a removal that does not wait for the open loses the
    // race now and then (seen once in CI), leaving the partial file behind.
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, () => spoolChunks(failing(), scratch)),
    );
    expect(
      attempts.map((attempt) => (attempt.status === 'rejected' ? String(attempt.reason) : 'spooled')),
    ).toEqual(Array.from({ length: 50 }, () => 'Error: connection reset'));
    expect(await readdir(scratch)).toEqual([]);
  });
});

describe('fetch with spoolDir', () => {
  const request = (url: string, maxBytes = 1024 * 1024) => ({
    url,
    sourceId: 'nhse-ics-list',
    allowedHosts: ['www.england.nhs.uk'],
    maxBytes,
    deadlineMs: 10_000,
    spoolDir: scratch,
  });

  it('streams a 200 body into a scratch file and returns an empty in-memory body', async () => {
    const result = await fetcher.fetch(request(`${NHSE}/doc.csv`));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body.length).toBe(0);
    expect(await readFile(result.spooled?.path ?? '', 'utf8')).toBe('a,b\n1,2\n');
    expect(result.spooled?.sha256).toBe(sha256('a,b\n1,2\n'));
  });

  it('enforces the byte cap while spooling and leaves no scratch file behind', async () => {
    const result = await fetcher.fetch(request(`${NHSE}/huge/`));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(FetchFailedError);
    expect(result.error.message).toContain('exceeded the byte cap of 1048576 bytes while streaming');
    expect(await readdir(scratch)).toEqual([]);
  });
});

describe('extractArchiveFile', () => {
  const PATTERN = '^gp-reg-pat-prac-all[A-Za-z0-9-]*\\.csv$';
  async function zipFile(entries: { name: string; data: Buffer }[]): Promise<string> {
    const zip = new yazl.ZipFile();
    for (const entry of entries) zip.addBuffer(entry.data, entry.name);
    zip.end();
    const file = path.join(scratch, 'archive.zip');
    await writeFile(file, await buffer(zip.outputStream));
    return file;
  }
  /** Rows that do not compress past the ratio guard. */
  const practiceRows = (count: number) =>
    Buffer.from(
      Array.from(
        { length: count },
        (_, row) => `GP,A${(row * 7919) % 99991},${(row * 104729) % 9973}\n`,
      ).join(''),
    );
  const options = (limits = {}) => ({
    entryPattern: PATTERN,
    sourceId: 'nhsd-gp-registrations',
    url: 'https://files.digital.nhs.uk/AB/123456/gp.zip',
    limits,
  });

  it('streams each matching entry from a file on disk to the consumer', async () => {
    const data = practiceRows(2000);
    const file = await zipFile([{ name: 'gp-reg-pat-prac-all.csv', data }]);
    const entries = await extractArchiveFile(file, options(), (_name, chunks) =>
      spoolChunks(chunks, scratch),
    );
    expect(entries.map((entry) => entry.name)).toEqual(['gp-reg-pat-prac-all.csv']);
    expect(entries[0]?.result.sha256).toBe(sha256(data));
    expect(entries[0]?.result.bytes).toBe(data.length);
  });

  it('refuses an archive that inflates past the total limit while streaming, leaving no partial entry', async () => {
    // The total is only known while inflating, so this refusal happens mid-stream, inside the consumer's spool.
    const file = await zipFile([{ name: 'gp-reg-pat-prac-all.csv', data: practiceRows(20_000) }]);
    const refused = extractArchiveFile(file, options({ maxTotalBytes: 100_000 }), (_name, chunks) =>
      spoolChunks(chunks, scratch),
    );
    await expect(refused).rejects.toBeInstanceOf(ArchiveRefusedError);
    expect(await readdir(scratch)).toEqual(['archive.zip']);
  });
});
