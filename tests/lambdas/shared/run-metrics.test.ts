import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitRunMetrics, judgeSourceHealth } from '../../../lambdas/shared/run-metrics.ts';
import { sourceById } from '../../../lib/sources/catalogue.ts';
import { freshSourceState, type SourceState } from '../../../lib/sources/raw-zone.ts';

const news = sourceById('nhse-news'); // overdue after 30 days
const now = new Date('2021-03-01T06:30:00Z');

function state(overrides: Partial<SourceState>): SourceState {
  return { ...freshSourceState(news.id), ...overrides };
}

describe('judgeSourceHealth', () => {
  it('is not overdue while the newest change is within the catalogue cadence', () => {
    expect(judgeSourceHealth(news, state({ lastChangedAt: '2021-02-01T06:30:00Z' }), now)).toEqual({
      sourceId: 'nhse-news',
      consecutiveFailures: 0,
      overdue: false,
    });
  });

  it('is overdue once the newest change is older than the cadence allows', () => {
    expect(judgeSourceHealth(news, state({ lastChangedAt: '2021-01-29T06:29:59Z' }), now).overdue).toBe(true);
  });

  it('is overdue, with its failures counted, when no change was ever recorded', () => {
    expect(judgeSourceHealth(news, state({ consecutiveFailures: 4 }), now)).toEqual({
      sourceId: 'nhse-news',
      consecutiveFailures: 4,
      overdue: true,
    });
    expect(judgeSourceHealth(news, undefined, now).overdue).toBe(true);
  });
});

describe('emitRunMetrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one EMF record per source series, with the SourceId dimension, and the quarantine count', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'IcsLake', serviceName: 'ics-lake' });
    emitRunMetrics(metrics, {
      outcomes: [
        { sourceId: 'nhse-news', status: 'failed', documents: 0, newObjects: 0, bytes: 0, error: 'HTTP 503' },
        { sourceId: 'ons-population', status: 'unchanged', documents: 1, newObjects: 0, bytes: 0 },
      ],
      health: [{ sourceId: 'nhse-news', consecutiveFailures: 3, overdue: true }],
      quarantined: 2,
    });
    const records = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const values = records.map((record) => {
      const directive = (
        record._aws as {
          CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
        }
      ).CloudWatchMetrics[0];
      const name = directive?.Metrics[0]?.Name ?? '';
      return [name, record.SourceId ?? null, record[name], directive?.Dimensions[0]?.sort()];
    });
    expect(values).toEqual([
      ['SourceFailed', 'nhse-news', 1, ['SourceId', 'service']],
      ['SourceFailed', 'ons-population', 0, ['SourceId', 'service']],
      ['SourceConsecutiveFailures', 'nhse-news', 3, ['SourceId', 'service']],
      ['SourceOverdue', 'nhse-news', 1, ['SourceId', 'service']],
      ['QuarantinedDocuments', null, 2, ['service']],
    ]);
  });
});
