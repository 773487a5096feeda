import { describe, expect, it } from 'vitest';
import { type HistoryRun, historyTable, historyTargets, type ReleaseMeasure } from '../../bench/history.ts';

// Issue 15: the history bench judges the process half on its own (parse, normalise, build one month) from the
// measures its child takes at the sample releases.

const MiB = 2 ** 20;

function release(index: number, monthMs: number, monthRss: number): ReleaseMeasure {
  return {
    release: index,
    month: `2014-${String(index).padStart(2, '0')}`,
    vintage: '2020-06-15',
    status: 'completed',
    rows: index * 12_264,
    populationVersion: index,
    ms: { acquire: 100, process: 1000 * index, feed: 500, total: 1000 * index + 600 },
    peakRssBytes: 400 * MiB,
    stagePeakRssBytes: { process: 400 * MiB, feed: 300 * MiB },
    bytesWritten: 0,
    objectsWritten: 0,
    ...(index % 10 === 0 && {
      processSide: {
        month: {
          ms: monthMs,
          peakRssBytes: monthRss,
          rows: 13_000,
          partitions: index + 2,
          built: ['2014-10', 'rebased-2014'],
        },
        ...(index === 20 && {
          moved: {
            ms: 2 * monthMs,
            peakRssBytes: monthRss,
            rows: 13_100,
            partitions: index + 2,
            built: ['2014-10', 'rebased-2013', 'rebased-2014'],
          },
        }),
        whole: {
          ms: 100 * index,
          peakRssBytes: 10 * index * MiB,
          rows: index * 12_264,
          partitions: 0,
          built: [],
        },
      },
    }),
  };
}

function run(lastMonthMs: number, lastMonthRss = 200 * MiB): HistoryRun {
  const releases = Array.from({ length: 20 }, (_, i) =>
    i + 1 === 20 ? release(20, lastMonthMs, lastMonthRss) : release(i + 1, 700, 150 * MiB),
  );
  return {
    releases,
    diff: { versions: [19, 20], rows: [1, 1], oursMs: [10], duckdbMs: [10], changes: 1, duckdbChanges: 1 },
    noop: [{ ms: 100, stageMs: {}, objectsWritten: [] }],
  } as unknown as HistoryRun;
}

const processSide = (targets: ReturnType<typeof historyTargets>) =>
  targets.find((target) => target.target.startsWith('process side'));

describe('history bench: the process side on its own', () => {
  it('is met when one month at the last release costs at most 1.5x release 10, under 1 GiB', () => {
    const target = processSide(historyTargets(run(1000)));
    expect(target?.met).toBe(true);
    expect(target?.measured).toContain('(1.43x)');
  });

  it('is missed when one month grows past 1.5x release 10, or past 1 GiB', () => {
    expect(processSide(historyTargets(run(1100)))?.met).toBe(false);
    expect(processSide(historyTargets(run(700, 1100 * MiB)))?.met).toBe(false);
  });

  it('prints one line per sample release that measured it', () => {
    const lines = historyTable(run(1000)).filter((line) => line.includes('one month ('));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^ {3}10 +one month \(2014-10 \+ rebased-2014, 13000 rows\): 0\.7 s, 150 MiB; whole history/,
    );
    // The release whose newest edition moved a practice builds every re-based year: measured beside the month.
    expect(lines[1]).toMatch(
      /one month \(2014-10 \+ rebased-2014, 13000 rows\): 1\.0 s, 200 MiB; placement moved \(3 partitions, 13100 rows\): 2\.0 s, 200 MiB; whole history/,
    );
  });
});
