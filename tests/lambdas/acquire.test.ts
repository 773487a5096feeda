import path from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/core/clock.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { createFetcher, type Fetcher } from '../../lib/sources/fetch.ts';
import { readSourceState } from '../../lib/sources/raw-zone.ts';
import { type SnapshotServer, startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';
import { MINI_SNAPSHOTS } from '../sources/snapshot-fixture.ts';

const bucket = 'ics-lake-handler-test';
// The module reads its configuration at import (cold start), as it does in Lambda.
process.env.LAKE_BUCKET = bucket;
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const { createAcquireHandler, handler } = await import('../../lambdas/acquire.ts');

describe('acquire handler', () => {
  let fauxqs: Fauxqs;
  let s3: S3Client;
  let snapshots: SnapshotServer;
  let fetcher: Fetcher;
  let acquire: ReturnType<typeof createAcquireHandler>;
  let store: S3LakeStore;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    s3 = fauxqsS3Client(fauxqs);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    snapshots = await startSnapshotServer({ dir: path.join(MINI_SNAPSHOTS, '2020-06-15') });
    fetcher = createFetcher({ mode: 'snapshot', snapshotPort: snapshots.port, sleep: async () => {} });
    // fauxqs ignores If-None-Match, so the store must not rely on it.
    store = new S3LakeStore({ client: s3, bucket, enforcesConditionalCreate: false });
    acquire = createAcquireHandler({ store, fetcher, clock: fixedClock('2020-06-15T06:30:00Z') });
  });

  afterAll(async () => {
    fetcher?.close();
    await snapshots?.close();
    s3?.destroy();
    await fauxqs?.stop();
  });

  it('is exported with the production adapters built at cold start', () => {
    expect(typeof handler).toBe('function');
  });

  it('fetches a source into the S3 raw zone and returns its outcome', async () => {
    const outcome = await acquire({ runId: 'run-1', sourceId: 'nhse-ics-list' });
    expect(outcome).toMatchObject({ sourceId: 'nhse-ics-list', status: 'fetched', newObjects: 1 });
    const raw = await store.list('raw/nhse-ics-list/');
    expect(raw.map((object) => object.key)).toEqual([
      expect.stringMatching(/^raw\/nhse-ics-list\/[a-f0-9]{64}\.html$/),
      expect.stringMatching(/^raw\/nhse-ics-list\/[a-f0-9]{64}\.html\.provenance\.json$/),
    ]);
    const state = await readSourceState(store, 'nhse-ics-list');
    expect(state.lastSuccessAt).toBe('2020-06-15T06:30:00.000Z');
  });

  it('stores nothing new when the source has not changed', async () => {
    const outcome = await acquire({ runId: 'run-2', sourceId: 'nhse-ics-list' });
    expect(outcome).toMatchObject({ status: 'unchanged', newObjects: 0 });
  });

  it('rejects an event that is not an acquire input (Step Functions records it as a failed source)', async () => {
    await expect(acquire({ runId: 'run-3' })).rejects.toThrow(/sourceId/);
  });
});
