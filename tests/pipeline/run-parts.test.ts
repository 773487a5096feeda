import { describe, expect, it } from 'vitest';
import { getJson } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import {
  addStageToRunReport,
  writeAssembledRunReport,
  writeSourcePart,
} from '../../lib/pipeline/run-parts.ts';
import { RunReport } from '../../lib/pipeline/run-report.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';

const request = (sourceId: string, url: string) => ({
  sourceId,
  url,
  finalUrl: url,
  role: 'landing' as const,
  status: 200,
  attempts: 1,
  bytes: 10,
  ms: 5,
  outcome: 'fetched' as const,
  errorCode: null,
  error: null,
});

describe('run report assembled from Lambda tasks', () => {
  it('merges every acquire part, keeps sources whose task crashed, and adds later stages', async () => {
    const store = new MemoryLakeStore();
    const fetched = {
      sourceId: 'nhse-news',
      status: 'fetched' as const,
      documents: 2,
      newObjects: 3,
      bytes: 10,
    };
    await writeSourcePart(store, 'exec-1', {
      source: { ...fetched, ms: 40 },
      requests: [request('nhse-news', 'https://www.england.nhs.uk/news/')],
      quarantine: [],
    });
    // The lookups task crashed: Step Functions recorded it as failed, and it wrote no part.
    const crashed = {
      sourceId: 'ons-code-lookups',
      status: 'failed' as const,
      documents: 0,
      newObjects: 0,
      bytes: 0,
      error: 'Runtime.ExitError: out of memory',
    };
    const report = await writeAssembledRunReport(store, {
      runId: 'exec-1',
      startedAt: new Date('2026-11-22T06:30:00Z'),
      now: new Date('2026-11-22T06:31:00Z'),
      catalogue: catalogue.filter((entry) => entry.id === 'nhse-news'),
      sources: [fetched, crashed],
      quarantine: [
        {
          sourceId: 'nhse-news',
          stage: 'parse',
          key: null,
          url: 'https://x.test/',
          code: 'layout_drift',
          reason: 'r',
        },
      ],
      stages: { process: { datasets: {} } },
    });
    expect(report.sources).toEqual([
      { ...fetched, ms: 40 },
      { ...crashed, ms: 0 },
    ]);
    expect(report.requests).toHaveLength(1);
    expect(report.totals).toMatchObject({
      sources: 2,
      fetched: 1,
      failed: 1,
      quarantined: 1,
      durationMs: 60_000,
    });
    await addStageToRunReport(store, 'exec-1', 'feed', { events: 3 });
    const stored = RunReport.parse(await getJson(store, 'runs/exec-1.json'));
    expect(stored.stages).toEqual({ process: { datasets: {} }, feed: { events: 3 } });
  });
});
