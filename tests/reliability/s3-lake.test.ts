import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDataset } from '../../lib/core/dataset.ts';
import { LakeConflictError, LakeIoError } from '../../lib/core/errors.ts';
import { confirmCommit, jsonBytes, publishDataset } from '../../lib/lake/publish.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';
import { runCli } from '../helpers/cli-process.ts';
import { lakeHashes } from '../helpers/faulty-store.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';

/**
 * S3 for real, against fauxqs on loopback: large files go up in parts (fauxqs refuses request bodies over
 * 11 MiB, as some gateways do), failures name the key and the HTTP status, a server that ignores If-None-Match is
 * detected and the run warns, and a commit overwritten by a concurrent writer is an error, never silent.
 */
let fauxqs: Fauxqs;
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-s3-'));

beforeAll(async () => {
  fauxqs = await startFauxqs();
  await fauxqsS3Client(fauxqs).send(new CreateBucketCommand({ Bucket: 'lake' }));
});
afterAll(async () => {
  await fauxqs.stop();
  rmSync(root, { recursive: true, force: true });
});

const store = (bucket = 'lake', prefix?: string) =>
  new S3LakeStore({ client: fauxqsS3Client(fauxqs), bucket, ...(prefix && { prefix }) });

describe('the S3 lake store against a real S3-compatible server', () => {
  it('uploads a 12 MiB object in parts where a single PUT of it is refused', async () => {
    const body = new Uint8Array(12 * 1024 * 1024).fill(65);
    await expect(
      fauxqsS3Client(fauxqs).send(new PutObjectCommand({ Bucket: 'lake', Key: 'single.bin', Body: body })),
    ).rejects.toThrow();
    const s3 = store();
    await s3.put('datasets/big/v1/big.json', body);
    expect((await s3.get('datasets/big/v1/big.json'))?.byteLength).toBe(body.byteLength);
  });

  it('names the key and the HTTP status when S3 refuses a write', async () => {
    const error = await store('no-such-bucket')
      .put('datasets/ics/latest.json', '{}')
      .catch((thrown) => thrown);
    expect(error).toBeInstanceOf(LakeIoError);
    expect(error.message).toMatch(
      /S3 PutObject of s3:\/\/no-such-bucket\/datasets\/ics\/latest\.json failed: HTTP 404/,
    );
  });

  it('finds out that the server ignores If-None-Match, and falls back to the checked path', async () => {
    const s3 = store('lake', 'probe');
    expect(s3.enforcesConditionalCreate).toBe(true);
    expect(await s3.checkConditionalCreate()).toBe(false);
    expect(s3.enforcesConditionalCreate).toBe(false);
    expect(await s3.list('')).toEqual([]);
    expect(await s3.putIfAbsent('a.json', '1')).toBe(true);
    expect(await s3.putIfAbsent('a.json', '2')).toBe(false);
  });

  it('warns on every run that the lease is advisory on such a server', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: fauxqs.region,
    };
    const small = path.resolve(import.meta.dirname, '../fixtures/snapshots-small');
    const run = await runCli(
      [
        'run',
        '--snapshot',
        path.join(small, '2020-06-15'),
        '--lake',
        's3://lake/warned',
        '--endpoint',
        fauxqs.endpoint,
      ],
      env,
    );
    expect(run.stderr).toContain('cannot enforce conditional create, so the run lease is advisory');
  }, 60_000);
});

describe('a commit lost to a concurrent writer on a store without conditional create', () => {
  const definition = defineDataset({
    name: 'widgets',
    title: 'Widgets',
    description: 'test',
    schema: z.object({ id: z.string() }),
    primaryKey: ['id'],
    columns: { id: 'the widget' },
  });

  it('is detected when the manifest is read back', async () => {
    const lake = new MemoryLakeStore();
    Object.defineProperty(lake, 'enforcesConditionalCreate', { value: false });
    const options = { asOf: '2021-04-12', createdAt: '2021-04-12', pipelineVersion: 't', lineage: [] };
    const ours = await publishDataset(lake, definition, [{ id: 'a' }], options);
    expect(ours.status).toBe('published');
    if (ours.status !== 'published') return;
    await confirmCommit(lake, 'widgets', 1, jsonBytes(ours.manifest), true);
    // A rival run, blind to ours, writes its own v1 over it.
    const rival = new MemoryLakeStore();
    const theirs = await publishDataset(rival, definition, [{ id: 'b' }], options);
    for (const [key, value] of rival.objects) lake.objects.set(key, value);
    await expect(confirmCommit(lake, 'widgets', 1, jsonBytes(ours.manifest), true)).rejects.toThrow(
      LakeConflictError,
    );
    expect(theirs.status).toBe('published');
  });
});

describe('the bundled snapshots replayed into S3', () => {
  it('complete on a server that refuses bodies over 11 MiB and match a folder replay byte for byte', async () => {
    const stages = createDefaultStages();
    const s3 = store('lake', 'bundled');
    const folder = new FolderLakeStore(path.join(root, 'bundled'));
    for (const snapshot of listSnapshots('snapshots')) {
      const inS3 = await runSnapshot(snapshot, { store: s3, stages });
      expect(inS3.status, inS3.report.error ?? '').toBe('completed');
      const inFolder = await runSnapshot(snapshot, { store: folder, stages });
      expect(inFolder.status).toBe('completed');
    }
    const published = (hashes: Record<string, string>) =>
      Object.fromEntries(Object.entries(hashes).filter(([key]) => !key.startsWith('runs/')));
    const s3Hashes = published(await lakeHashes(s3));
    expect(Object.keys(s3Hashes).length).toBeGreaterThan(50);
    expect(s3Hashes).toEqual(published(await lakeHashes(folder)));
    // Since ics_population is stored in partitions (issue 15) no object of this replay passes 11 MiB (the largest,
    // a month's JSON part, is about 4.5 MB); the 12 MiB test above proves that large objects go up in parts.
    expect((await s3.list('datasets/ics_population/parts/')).length).toBeGreaterThan(3);
  }, 300_000);
});
