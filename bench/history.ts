import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DiffComparison } from './history-diff.ts';
import type { NoOpRun } from './replay.ts';
import { MiB, summarise } from './stats.ts';
import type { TargetCheck } from './targets.ts';

/** One release of the history run, as the child reports it. */
export interface ReleaseMeasure {
  release: number;
  month: string;
  vintage: string;
  status: string;
  rows: number;
  populationVersion: number;
  ms: { acquire: number; process: number; feed: number; total: number };
  /** Peak RSS over the whole run (acquire, process and feed in one process). */
  peakRssBytes: number;
  /** Peak RSS while each later stage ran (a window per stage, as each is its own Lambda on AWS). */
  stagePeakRssBytes: Record<string, number>;
  bytesWritten: number;
  objectsWritten: number;
  /** HTTP requests the acquire stage made (the sources' pages and files it fetched or revalidated). */
  requests?: number;
  lake?: { bytes: number; files: number };
  /** At the sample releases: the process stage's parse, normalise and population build alone, in both modes. */
  processSide?: {
    whole: ProcessSideMeasure;
    month: ProcessSideMeasure;
    /** The run's month and every re-based year: a release in which a practice every year holds moved location. */
    moved?: ProcessSideMeasure;
  };
}

/** One measure of bench/children/process-side.ts (parse, normalise, build ics_population; no publish). */
export interface ProcessSideMeasure {
  ms: number;
  peakRssBytes: number;
  /** Rows built. */
  rows: number;
  /** Partitions ics_population holds (month mode). */
  partitions: number;
  /** Partitions built (month mode: the run's month and the re-based series). */
  built: string[];
}

/** What the history child prints. */
export interface HistoryRun {
  releases: ReleaseMeasure[];
  diff: DiffComparison;
  noop: NoOpRun[];
}

const STAGES = ['acquire', 'process', 'feed'] as const;

/** Run the history child (fresh process, its progress on our stderr) over the first `releases` months. */
export function runHistoryChild(work: string, releases: number): Promise<HistoryRun> {
  const script = fileURLToPath(new URL('./children/history.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, work, String(releases)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`history child exited with ${code}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HistoryRun);
      } catch {
        reject(new Error(`history child printed no JSON result: ${stdout.slice(-500)}`));
      }
    });
  });
}

/** The releases reported in the table: the 10th, 40th, 80th and the last that ran. */
export function samplePoints(run: HistoryRun): ReleaseMeasure[] {
  const last = run.releases.length;
  return [...new Set([10, 40, 80, last])]
    .filter((index) => index <= last)
    .sort((a, b) => a - b)
    .map((index) => run.releases[index - 1] as ReleaseMeasure);
}

const ms = (value: number) => `${(value / 1000).toFixed(1)} s`;
const msExact = (value: number) => `${value.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

/**
 * A stage's cost around a release: the median of the five releases centred on it (clamped to the series), leaving
 * out code-vintage rebuilds (a release whose process stage took over four times the series' median), so one noisy
 * run on a shared machine does not decide a ratio.
 */
function around(run: HistoryRun, release: number, pick: (measure: ReleaseMeasure) => number): number {
  const typical = summarise(run.releases.map((measure) => measure.ms.process)).median;
  const from = Math.max(0, Math.min(release - 3, run.releases.length - 5));
  const window = run.releases
    .slice(from, from + 5)
    .filter((measure) => measure.ms.process <= 4 * typical)
    .map(pick);
  return summarise(window.length > 0 ? window : [pick(run.releases[release - 1] as ReleaseMeasure)]).median;
}

/** Per stage: the last release within 1.5x the tenth (medians of five releases around each, see `around`). */
function stageTargets(run: HistoryRun, tenth: ReleaseMeasure, last: ReleaseMeasure): TargetCheck[] {
  return STAGES.map((stage) => {
    const before = around(run, tenth.release, (measure) => measure.ms[stage]);
    const after = around(run, last.release, (measure) => measure.ms[stage]);
    const ratio = after / Math.max(before, 1);
    const met = ratio <= 1.5;
    const single = last.ms[stage] / Math.max(tenth.ms[stage], 1);
    return {
      workload: 'history',
      target: `${stage}: release ${last.release} costs <= 1.5x release 10 (medians of five releases around each)`,
      measured: `${msExact(before)} -> ${msExact(after)} (${ratio.toFixed(2)}x; the two releases alone ${msExact(tenth.ms[stage])} -> ${msExact(last.ms[stage])}, ${single.toFixed(2)}x) while ics_population grows ${tenth.rows} -> ${last.rows} rows${stage === 'acquire' ? requestsNote(run, tenth, last) : ''}`,
      met,
      ...(!met && { reason: stageReason(stage) }),
    };
  });
}

/** The acquire stage's requests at both ends, and its cost per request. */
function requestsNote(run: HistoryRun, tenth: ReleaseMeasure, last: ReleaseMeasure): string {
  const requests = (measure: ReleaseMeasure) => measure.requests ?? 0;
  if (requests(tenth) === 0 || requests(last) === 0) return '';
  const perRequest = (measure: ReleaseMeasure) =>
    around(run, measure.release, (each) => each.ms.acquire / Math.max(requests(each), 1));
  return `; requests ${requests(tenth)} -> ${requests(last)}, per request ${perRequest(tenth).toFixed(1)} -> ${perRequest(last).toFixed(1)} ms`;
}

function stageReason(stage: (typeof STAGES)[number]): string {
  if (stage === 'acquire')
    return 'the sources serve more as the years pass (each code vintage adds lookup files, news pages accumulate, the GP series page lists every edition): acquire makes more requests, while the cost per request stays flat';
  if (stage === 'process')
    return "publish builds and writes only the new month and its re-based year (earlier years are carried forward while the newest GP edition places every practice as before), but every run still reads each retained GP edition's two summaries and the newest edition's practices, the manifests list every part, and the reference data grows with each code vintage (more lookups for the gazetteer, more changes for lineage); a code-vintage change rebuilds every partition once (README, History)";
  return 'the feed walks only the partitions whose hash changed and steps each version profile from the previous one; what remains grows with the number of parts a manifest lists and the re-based part of the current year (42 rows a month)';
}

/**
 * Peak RSS under 1 GiB throughout (every release, code-vintage rebuilds included), and flat: the last release
 * within 20% of release 10 (medians of five releases around each, see `around`).
 */
function rssTarget(run: HistoryRun, tenth: ReleaseMeasure, last: ReleaseMeasure): TargetCheck {
  const worst = run.releases.reduce((max, release) =>
    release.peakRssBytes > max.peakRssBytes ? release : max,
  );
  const before = around(run, tenth.release, (measure) => measure.peakRssBytes);
  const after = around(run, last.release, (measure) => measure.peakRssBytes);
  const under = worst.peakRssBytes < 1024 * MiB;
  const flat = after <= before * 1.2;
  return {
    workload: 'history',
    target: 'peak RSS < 1 GiB throughout, and flat (last release within 20% of release 10)',
    measured: `release 10: ${mib(before)}, release ${last.release}: ${mib(after)} (${(after / before).toFixed(2)}x, medians of five releases around each); highest ${mib(worst.peakRssBytes)} (release ${worst.release})`,
    met: under && flat,
    ...(!(under && flat) && {
      reason: under
        ? "each release runs in a fresh process, as the monthly schedule does; what it holds still grows with the history: the resolved inputs (every GP edition's totals), the manifests listing every part, the feed index"
        : 'a code-vintage change rebuilds every partition (a batch of 12 at a time) and holds a batch of rows, their sex x age cells and the three renderings at once',
    }),
  };
}

function diffTarget(diff: DiffComparison): TargetCheck {
  const ratios = diff.oursMs.map((value, run) => value / (diff.duckdbMs[run] ?? value));
  const ratio = summarise(ratios).median;
  const met = ratio <= 3 && diff.changes === diff.duckdbChanges;
  return {
    workload: 'history',
    target: 'diff of the two newest ics_population versions within 3x DuckDB (same keyed diff, same process)',
    measured: `v${diff.versions[0]} (${diff.rows[0]} rows) -> v${diff.versions[1]} (${diff.rows[1]} rows), ${diff.changes} changes (DuckDB ${diff.duckdbChanges}): ours ${summarise(diff.oursMs).median.toFixed(0)} ms, DuckDB ${summarise(diff.duckdbMs).median.toFixed(0)} ms, ratio ${ratio.toFixed(2)}x (median of ${ratios.length})`,
    met,
    ...(!met && {
      reason:
        diff.changes !== diff.duckdbChanges
          ? 'the two diffs disagree on the number of changed rows'
          : 'ours scans both JSON editions byte by byte in one JavaScript thread (parsing only changed lines); DuckDB reads only the Parquet columns it needs, vectorised, in native threads',
    }),
  };
}

function noOpTarget(noop: readonly NoOpRun[], rows: number): TargetCheck {
  const median = summarise(noop.map((run) => run.ms)).median;
  const met = median < 1000;
  return {
    workload: 'history',
    target: 'no-op rerun over the full-history lake < 1 s',
    measured: `${median.toFixed(0)} ms (median of ${noop.length}) over ${rows} ics_population rows; objects written besides the run report: ${JSON.stringify(noop.at(-1)?.objectsWritten ?? [])}`,
    met,
    ...(!met && {
      reason: `process ${(noop.at(-1)?.stageMs.process ?? 0).toFixed(0)} ms, feed ${(noop.at(-1)?.stageMs.feed ?? 0).toFixed(0)} ms: the input fingerprint reads the source and parse state, which grow with the retained editions`,
    }),
  };
}

/**
 * The process half of issue 15 on its own: parse, normalise and build the partitions publish asks for (the run's
 * month and the re-based series) within 1.5x of release 10, and under 1 GiB, against the whole build as before.
 */
function processSideTargets(tenth: ReleaseMeasure, last: ReleaseMeasure): TargetCheck[] {
  const first = tenth.processSide;
  const latest = last.processSide;
  if (first === undefined || latest === undefined) return [];
  const ratio = latest.month.ms / Math.max(first.month.ms, 1);
  const wholeRatio = latest.whole.ms / Math.max(first.whole.ms, 1);
  const met = ratio <= 1.5 && latest.month.peakRssBytes < 1024 * MiB;
  return [
    {
      workload: 'history',
      target: `process side (parse, normalise, build ics_population; no publish): one month at release ${last.release} <= 1.5x release 10, peak RSS < 1 GiB`,
      measured: `one month ${ms(first.month.ms)} -> ${ms(latest.month.ms)} (${ratio.toFixed(2)}x), ${mib(first.month.peakRssBytes)} -> ${mib(latest.month.peakRssBytes)}; whole history as before ${ms(first.whole.ms)} -> ${ms(latest.whole.ms)} (${wholeRatio.toFixed(2)}x), ${mib(first.whole.peakRssBytes)} -> ${mib(latest.whole.peakRssBytes)}`,
      met,
      ...(!met && {
        reason:
          "every run still reads and validates each retained GP edition's two parse summaries, lineage loads the practices of the editions either side of each change of footprint, and the reference data grows with each code vintage (six changes of vintage from release 97, 2021-04, on); the run's own re-based year is built from its editions only",
      }),
    },
  ];
}

/** The issue 15 targets for a history run (per-stage and RSS targets need at least 10 releases). */
export function historyTargets(run: HistoryRun): TargetCheck[] {
  const tenth = run.releases[9];
  const last = run.releases.at(-1);
  const targets: TargetCheck[] = [];
  if (tenth && last && last.release > tenth.release) {
    targets.push(
      ...stageTargets(run, tenth, last),
      rssTarget(run, tenth, last),
      ...processSideTargets(tenth, last),
    );
  }
  targets.push(diffTarget(run.diff), noOpTarget(run.noop, last?.rows ?? 0));
  return targets;
}

/** Lines of the history table: one per sample point. */
export function historyTable(run: HistoryRun): string[] {
  const lines = [
    `7. History: ${run.releases.length} monthly GP releases from ${run.releases[0]?.month} (one run per month, folder lake)`,
    '   release  month    rows       acquire   process   feed      peak RSS (process / feed)    written    lake',
  ];
  for (const release of samplePoints(run)) {
    lines.push(
      `   ${String(release.release).padEnd(8)} ${release.month}  ${String(release.rows).padEnd(10)} ${ms(release.ms.acquire).padEnd(9)} ${ms(release.ms.process).padEnd(9)} ${ms(release.ms.feed).padEnd(9)} ${`${mib(release.peakRssBytes)} (${mib(release.stagePeakRssBytes.process ?? 0)} / ${mib(release.stagePeakRssBytes.feed ?? 0)})`.padEnd(28)} ${mib(release.bytesWritten).padEnd(10)} ${release.lake ? `${mib(release.lake.bytes)} (${release.lake.files} files)` : ''}`,
    );
  }
  lines.push(
    '   process side alone (parse, normalise, build ics_population; no publish), each in a fresh process:',
  );
  for (const release of samplePoints(run)) {
    const side = release.processSide;
    if (side === undefined) continue;
    lines.push(
      `   ${String(release.release).padEnd(8)} one month (${side.month.built.join(' + ')}, ${side.month.rows} rows): ${ms(side.month.ms)}, ${mib(side.month.peakRssBytes)}${side.moved ? `; placement moved (${side.moved.built.length} partitions, ${side.moved.rows} rows): ${ms(side.moved.ms)}, ${mib(side.moved.peakRssBytes)}` : ''}; whole history (${side.whole.rows} rows): ${ms(side.whole.ms)}, ${mib(side.whole.peakRssBytes)}`,
    );
  }
  return lines;
}
