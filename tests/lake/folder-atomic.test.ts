import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LakeIoError } from '../../lib/core/errors.ts';
import { getText } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';
import { folderHashes, temporaryFiles } from '../helpers/cli-process.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * Writes that fail the way disks fail: part of the body reaches the file, then the write throws ENOSPC. The
 * folder store must never show that partial body under the object's name, must leave no temporary file, and
 * must name the key in its error.
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A body writer that fails the n-th write after writing half of it, as a full disk does. */
function partialWriteAt(failAt: number) {
  let writes = 0;
  return async (handle: FileHandle, body: Uint8Array | string) => {
    writes += 1;
    const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    if (writes !== failAt) return handle.writeFile(bytes);
    await handle.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
}

describe('the folder store under a partial write and ENOSPC', () => {
  it('put keeps the old object whole, putIfAbsent creates nothing, and no temporary file is left', async () => {
    const dir = path.join(root, 'unit');
    const good = new FolderLakeStore(dir);
    await good.put('datasets/x/latest.json', '{"version":1}\n');
    const failing = new FolderLakeStore(dir, { writeBody: partialWriteAt(1) });
    const error = await failing
      .put('datasets/x/latest.json', '{"version":2,"padding":"....."}\n')
      .catch((e) => e);
    expect(error).toBeInstanceOf(LakeIoError);
    expect(error.message).toMatch(/Could not write file:\/\/.*\/datasets\/x\/latest\.json: ENOSPC/);
    expect(await getText(good, 'datasets/x/latest.json')).toBe('{"version":1}\n');

    const failingCreate = new FolderLakeStore(dir, { writeBody: partialWriteAt(1) });
    await expect(failingCreate.putIfAbsent('datasets/x/v2/manifest.json', '{"a":1}')).rejects.toThrow(
      LakeIoError,
    );
    expect(await good.exists('datasets/x/v2/manifest.json')).toBe(false);
    expect(temporaryFiles(dir)).toEqual([]);
  });

  it('sweeps temporary files a killed writer left, and never lists them', async () => {
    const dir = path.join(root, 'sweep');
    const store = new FolderLakeStore(dir);
    await store.put('state/a.json', '{}');
    const leftover = path.join(dir, 'state', 'b.json.tmp-999999-abcdef');
    await import('node:fs/promises').then((fs) => fs.writeFile(leftover, '{"half'));
    expect((await store.list('state/')).map(({ key }) => key)).toEqual(['state/a.json']);
    expect(await store.sweepTemporary()).toEqual(['state/b.json.tmp-999999-abcdef']);
    expect(readdirSync(path.join(dir, 'state'))).toEqual(['a.json']);
  });

  // Write numbers are spread over a replay; 97 rather than 95 since partitioned ics_population writes fewer files
  // per publish, which moved write 95 onto a later run's lease (refused before the run exists, so never 'failed').
  it.for([7, 40, 97, 160])(
    'a replay whose write %i is cut short by ENOSPC fails, and a clean rerun gives the same lake as a clean replay',
    { timeout: 60_000 },
    async (failAt) => {
      const snapshots = listSnapshots(SMALL_SNAPSHOTS);
      const stages = createDefaultStages();
      const cleanDir = path.join(root, `clean-${failAt}`);
      for (const snapshot of snapshots)
        await runSnapshot(snapshot, { store: new FolderLakeStore(cleanDir), stages });

      const dir = path.join(root, `faulty-${failAt}`);
      const faulty = new FolderLakeStore(dir, { writeBody: partialWriteAt(failAt) });
      const statuses: string[] = [];
      for (const snapshot of snapshots) {
        const summary = await runSnapshot(snapshot, { store: faulty, stages }).catch(() => undefined);
        statuses.push(summary?.status ?? 'threw');
        if (summary?.status !== 'completed') break;
      }
      expect(statuses).toContain('failed');
      expect(temporaryFiles(dir)).toEqual([]);

      const store = new FolderLakeStore(dir);
      for (const snapshot of snapshots) {
        const summary = await runSnapshot(snapshot, { store, stages }).catch((error: Error) => error.message);
        // Snapshots completed before the fault are refused as older than the lake: history only moves forward.
        if (typeof summary === 'string') expect(summary).toMatch(/history only moves forward/);
      }
      expect(folderHashes(dir, ['runs/'])).toEqual(folderHashes(cleanDir, ['runs/']));
    },
  );
});

describe('the folder store once a signal abandons its writes', () => {
  it('refuses every new write with the key named, and leaves no temporary file', async () => {
    const dir = path.join(root, 'abandoned');
    const store = new FolderLakeStore(dir);
    await store.put('kept.json', '{}');
    store.abandonWrites();
    await expect(store.put('late.json', '{}')).rejects.toThrow(LakeIoError);
    await expect(store.putIfAbsent('late.json', '{}')).rejects.toThrow(/late\.json: the process is stopping/);
    expect(await getText(store, 'kept.json')).toBe('{}');
    expect(await getText(store, 'late.json')).toBeUndefined();
    expect(temporaryFiles(dir)).toEqual([]);
  });
});
