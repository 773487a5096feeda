import path from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../lib/core/clock.ts';
import { getJson } from '../../lib/lake/store.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import { acquireSource } from '../../lib/pipeline/acquire.ts';
import { RunReport } from '../../lib/pipeline/run-report.ts';
import type { SourceOutcome } from '../../lib/pipeline/stages.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { createFetcher } from '../../lib/sources/fetch.ts';
import { startSnapshotServer } from '../../lib/sources/snapshot-server.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';
import { MINI_SNAPSHOTS } from '../sources/snapshot-fixture.ts';

const bucket = 'ics-lake-process-handler-test';
// The module reads its configuration at import (cold start), as it does in Lambda.
process.env.LAKE_BUCKET = bucket;
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const { createProcessHandler, handler } = await import('../../lambdas/process.ts');

const clock = fixedClock('2020-06-15T06:30:00Z');

/** EMF records written to stdout while `run` runs, as `[metric, SourceId or null, value]`. */
async function capturedMetrics<T>(run: () => Promise<T>): Promise<{ result: T; metrics: unknown[][] }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  // EMF records are kept for the assertions; anything else still reaches the terminal.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    if (String(chunk).includes('"_aws"')) lines.push(String(chunk));
    else write(chunk);
    return true;
  });
  const result = await run();
  const metrics = lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      const name = (record._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> })
        .CloudWatchMetrics[0]?.Metrics[0]?.Name as string;
      return [name, record.SourceId ?? null, record[name]];
    });
  return { result, metrics };
}

describe('process handler', () => {
  let fauxqs: Fauxqs;
  let s3: S3Client;
  let store: S3LakeStore;
  let sources: SourceOutcome[];
  let processRun: ReturnType<typeof createProcessHandler>;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    s3 = fauxqsS3Client(fauxqs);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3LakeStore({ client: s3, bucket, enforcesConditionalCreate: false });
    // The acquire Map's work, done directly: every source of the June 2020 mini snapshot into the S3 lake.
    const snapshots = await startSnapshotServer({ dir: path.join(MINI_SNAPSHOTS, '2020-06-15') });
    const fetcher = createFetcher({ mode: 'snapshot', snapshotPort: snapshots.port, sleep: async () => {} });
    try {
      sources = [];
      for (const entry of catalogue) {
        sources.push(
          await acquireSource(
            { runId: 'run-1', sourceId: entry.id },
            { store, clock, fetcher, log: () => {} },
          ),
        );
      }
    } finally {
      fetcher.close();
      await snapshots.close();
    }
    processRun = createProcessHandler({
      store,
      clock,
      metrics: new Metrics({ namespace: 'IcsLake', serviceName: 'ics-lake' }),
      catalogue,
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    s3?.destroy();
    await fauxqs?.stop();
  });

  it('is exported with the production adapters built at cold start', () => {
    expect(typeof handler).toBe('function');
  });

  it('publishes the first version of every dataset to S3 and emits the run’s health metrics', async () => {
    const { result: outcome, metrics } = await capturedMetrics(() => processRun({ runId: 'run-1', sources }));
    expect(outcome.runId).toBe('run-1');
    expect(outcome.published).toEqual(
      datasetDefinitions.map((definition) => ({ dataset: definition.name, version: 1 })),
    );
    for (const definition of datasetDefinitions) {
      expect(await store.exists(`datasets/${definition.name}/latest.json`)).toBe(true);
    }
    expect(await store.exists('index.html')).toBe(true);
    // The run report is assembled from the acquire outcomes and this task's section.
    const report = RunReport.parse(await getJson(store, 'runs/run-1.json'));
    expect(report.sources.map((source) => [source.sourceId, source.status])).toEqual(
      sources.map((source) => [source.sourceId, source.status]),
    );
    expect(report.stages.process).toMatchObject({ unresolved: expect.any(Number) });

    expect(metrics).toEqual([
      ...sources.map((source) => ['SourceFailed', source.sourceId, source.status === 'failed' ? 1 : 0]),
      ...catalogue.flatMap((entry) => [
        ['SourceConsecutiveFailures', entry.id, 0],
        // Every source changed on this run's own date, so none is overdue.
        ['SourceOverdue', entry.id, 0],
      ]),
      ['QuarantinedDocuments', null, outcome.quarantined],
    ]);
  });

  it('publishes nothing when rerun over the same inputs', async () => {
    const { result: outcome } = await capturedMetrics(() => processRun({ runId: 'run-2', sources }));
    expect(outcome.published).toEqual([]);
  });

  it('fails the execution (so its alarm fires) when no source could be fetched, as the CLI exits 3', async () => {
    const allFailed = sources.map((source) => ({
      ...source,
      status: 'failed' as const,
      error: 'network error',
    }));
    await expect(capturedMetrics(() => processRun({ runId: 'run-4', sources: allFailed }))).rejects.toThrow(
      /nothing could be fetched: all \d+ sources failed \(run run-4\)/,
    );
    // The run report still says what happened.
    expect(
      RunReport.parse(await getJson(store, 'runs/run-4.json')).sources.every((s) => s.status === 'failed'),
    ).toBe(true);
  });

  it('rejects an event without the acquire outcomes', async () => {
    await expect(processRun({ runId: 'run-3' })).rejects.toThrow(/sources/);
  });
});
