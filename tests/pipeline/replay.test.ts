import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { getJson } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { createProgress } from '../../lib/pipeline/progress.ts';
import { replaySnapshots } from '../../lib/pipeline/replay.ts';
import type { PipelineStage } from '../../lib/pipeline/run.ts';
import { RunReport, runIdFor } from '../../lib/pipeline/run-report.ts';
import { MINI_SNAPSHOTS } from '../sources/snapshot-fixture.ts';

function freshLake(): { root: string; store: FolderLakeStore } {
  const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-replay-'));
  return { root, store: new FolderLakeStore(root) };
}

describe('replaySnapshots', () => {
  it('runs once per snapshot, oldest first, each at its own date, and writes a report per run', async () => {
    const { store } = freshLake();
    const seen: string[] = [];
    const summaries = await replaySnapshots({
      root: MINI_SNAPSHOTS,
      store,
      onSnapshot: (ref) => seen.push(ref.date),
    });
    expect(seen).toEqual(['2020-06-15', '2020-12-14']);
    expect(summaries.map((summary) => summary.runId)).toEqual(['2020-06-15T120000Z', '2020-12-14T120000Z']);
    for (const summary of summaries) {
      const report = RunReport.parse(await getJson(store, `runs/${summary.runId}.json`));
      expect(report.status).toBe('completed');
      expect(report.snapshot).toBe(summary.runId.slice(0, 10));
      expect(report.startedAt).toBe(`${summary.runId.slice(0, 10)}T12:00:00.000Z`);
    }
    // Trade press did not change between June and December, and its cadence allows 30 days.
    expect(summaries[1]?.report.overdue).toEqual([
      {
        sourceId: 'trade-press',
        lastChangedAt: '2020-06-15T12:00:00.000Z',
        daysSinceChange: 182,
        overdueAfterDays: 30,
      },
    ]);
  });

  it('runs the stages appended after acquire and keeps their results and quarantine in the report', async () => {
    const { store } = freshLake();
    const parse: PipelineStage = {
      name: 'parse',
      async run(context) {
        context.quarantine({
          sourceId: 'nhse-news',
          stage: 'parse',
          key: null,
          url: 'https://www.england.nhs.uk/2020/05/accountable-care-update/',
          code: 'layout_drift',
          reason: 'no list of ICSs found',
        });
        return { sourcesSeen: context.sources.length };
      },
    };
    const [summary] = await replaySnapshots({
      root: MINI_SNAPSHOTS,
      store,
      stages: [parse],
      only: ['nhse-news'],
    });
    expect(summary?.report.stages).toEqual({ parse: { sourcesSeen: 1 } });
    expect(summary?.report.totals.quarantined).toBe(1);
  });

  it('marks the run failed, and stops the replay, when a stage throws', async () => {
    const { store } = freshLake();
    const broken: PipelineStage = {
      name: 'publish',
      run: async () => {
        throw new Error('lake unavailable');
      },
    };
    const summaries = await replaySnapshots({
      root: MINI_SNAPSHOTS,
      store,
      stages: [broken],
      only: ['trade-press'],
    });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.status).toBe('failed');
    expect(summaries[0]?.report.error).toBe('lake unavailable');
  });

  it('derives run ids from the clock', () => {
    expect(runIdFor(new Date('2021-04-12T12:00:00.000Z'))).toBe('2021-04-12T120000Z');
  });
});

describe('progress', () => {
  it('prints plain lines when the stream is not a TTY, and a live line on a TTY', () => {
    const plain: string[] = [];
    const progress = createProgress({ write: (text: string) => plain.push(text), isTTY: false });
    progress.update('nhse-news', 'acquire', 'landing https://www.england.nhs.uk/news/');
    progress.done('nhse-news', 'acquire', 'fetched');
    expect(plain).toEqual(['- acquire   nhse-news: fetched\n']);
    const tty: string[] = [];
    const live = createProgress({ write: (text: string) => tty.push(text), isTTY: true, columns: 80 });
    live.update('nhse-news', 'acquire', 'landing');
    live.done('nhse-news', 'acquire', 'fetched');
    expect(tty.join('')).toBe('… acquire   nhse-news: landing\r\u001b[2K✓ acquire   nhse-news: fetched\n');
  });
});

describe('CLI', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('`ics-lake run --snapshot DIR --only ID` fetches one source into the lake and exits 0', async () => {
    const { root } = freshLake();
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      output.push(String(text));
      return true;
    });
    const code = await main([
      'run',
      '--snapshot',
      path.join(MINI_SNAPSHOTS, '2020-06-15'),
      '--lake',
      root,
      '--only',
      'nhse-ics-list',
      '--only',
      'trade-press',
    ]);
    expect(code).toBe(0);
    expect(output.join('')).toMatch(/2 sources — 2 fetched, 0 unchanged, 0 failed, 0 quarantined/);
    expect(existsSync(path.join(root, 'runs', '2020-06-15T120000Z.json'))).toBe(true);
    expect(existsSync(path.join(root, 'state', 'sources', 'nhse-news.json'))).toBe(false);
  });

  it('`ics-lake replay --snapshots DIR` replays every snapshot and exits 0', async () => {
    const { root } = freshLake();
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      output.push(String(text));
      return true;
    });
    expect(await main(['replay', '--lake', root, '--snapshots', MINI_SNAPSHOTS])).toBe(0);
    expect(output.join('')).toMatch(/replayed 2 snapshot\(s\)/);
    expect(existsSync(path.join(root, 'runs', '2020-12-14T120000Z.json'))).toBe(true);
  });
});
