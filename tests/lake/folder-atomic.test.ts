import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type FileHandle, mkdir, writeFile } from 'node:fs/promises';
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

/** A body writer that counts its writes. */
function countingWrites() {
  let writes = 0;
  return {
    writes: () => writes,
    write: (handle: FileHandle, body: Uint8Array | string) => {
      writes += 1;
      return handle.writeFile(typeof body === 'string' ? Buffer.from(body) : Buffer.from(body));
    },
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
    const leftover = path.join(dir, '.tmp', 'b.json.tmp-999999-abcdef');
    await writeFile(leftover, '{"half');
    expect((await store.list('')).map(({ key }) => key)).toEqual(['state/a.json']);
    expect(await store.sweepTemporary()).toEqual(['.tmp/b.json.tmp-999999-abcdef']);
    expect(readdirSync(path.join(dir, '.tmp'))).toEqual([]);
    await expect(store.put('.tmp/c.json', '{}')).rejects.toThrow(/Unsafe lake key/);
  });

  it('sweeps a lake written before the temporary folder whole, once: files left beside their targets', async () => {
    const dir = path.join(root, 'sweep-legacy');
    await mkdir(path.join(dir, 'state'), { recursive: true });
    await writeFile(path.join(dir, 'state', 'a.json'), '{}');
    await writeFile(path.join(dir, 'state', 'b.json.tmp-999999-abcdef'), '{"half');
    const store = new FolderLakeStore(dir);
    expect((await store.list('state/')).map(({ key }) => key)).toEqual(['state/a.json']);
    expect(await store.sweepTemporary()).toEqual(['state/b.json.tmp-999999-abcdef']);
    expect(readdirSync(path.join(dir, 'state'))).toEqual(['a.json']);
  });

  // The fault lands at a fraction of the clean replay's writes, so it stays spread over the replay (lease, parse
  // state, data files, manifests, feed) whatever the number of writes a layout makes.
  it.for([0.02, 0.25, 0.6, 0.95])(
    'a replay whose write at %d of the way is cut short by ENOSPC fails, and a clean rerun gives the same lake as a clean replay',
    { timeout: 60_000 },
    async (fraction) => {
      const snapshots = listSnapshots(SMALL_SNAPSHOTS);
      const stages = createDefaultStages();
      const cleanDir = path.join(root, `clean-${fraction}`);
      const counted = countingWrites();
      for (const snapshot of snapshots)
        await runSnapshot(snapshot, {
          store: new FolderLakeStore(cleanDir, { writeBody: counted.write }),
          stages,
        });
      const failAt = Math.max(1, Math.round(counted.writes() * fraction));

      const dir = path.join(root, `faulty-${fraction}`);
      const faulty = new FolderLakeStore(dir, { writeBody: partialWriteAt(failAt) });
      const outcomes: string[] = [];
      for (const snapshot of snapshots) {
        const summary = await runSnapshot(snapshot, { store: faulty, stages }).catch((error: Error) => error);
        // A run fails with its report written, or (a fault while taking the lease, before the run exists) throws.
        outcomes.push(summary instanceof Error ? `threw: ${summary.message}` : summary.status);
        if (summary instanceof Error || summary.status !== 'completed') break;
      }
      const last = outcomes.at(-1) ?? '';
      expect(last === 'failed' || /^threw: .*ENOSPC/.test(last), `outcomes: ${outcomes.join(' / ')}`).toBe(
        true,
      );
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
