// Child process: the history benchmark (issue 15). Runs the first N monthly GP releases through the real stages,
// one run per month, into a folder lake, then times the newest ics_population diff against DuckDB and a no-op
// rerun. Prints progress on stderr and one JSON line on stdout.

import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { readLatestPointer } from '../../lib/lake/versions.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { runChild } from '../child.ts';
import { CountingLakeStore } from '../counting-store.ts';
import type { ProcessSideMeasure } from '../history.ts';
import { compareWithDuckDb } from '../history-diff.ts';
import { monthlyReleases, writeReleaseSnapshot } from '../history-releases.ts';
import { peakRssBytes, resetPeakRss } from '../memory.ts';
import { noOpRerun, timedStages } from '../replay.ts';

const [work, releasesText] = process.argv.slice(2);
if (work === undefined) throw new Error('usage: history.ts <work dir> [releases]');
const all = monthlyReleases();
const releases = all.slice(0, Math.min(all.length, Number(releasesText ?? all.length)));
const lakeDir = path.join(work, 'lake');
const snapshotsDir = path.join(work, 'snapshots');
const log = (line: string) => process.stderr.write(`[history] ${line}\n`);

/** Bytes under a folder (the lake's size on disk, apparent sizes). */
async function folderBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    files += 1;
  }
  return { bytes, files };
}

/**
 * The process stage's parse, normalise and ics_population build alone at this point of the history, each mode in a
 * fresh process (bench/children/process-side.ts): the whole history as before, and one month as after issue 15.
 */
async function processSide(asOf: string): Promise<{ whole: ProcessSideMeasure; month: ProcessSideMeasure }> {
  const month = await runChild<ProcessSideMeasure>('process-side.ts', [lakeDir, 'month', asOf]);
  const whole = await runChild<ProcessSideMeasure>('process-side.ts', [lakeDir, 'whole', asOf]);
  log(
    `process side at ${asOf}: one month ${month.ms.toFixed(0)} ms, ${(month.peakRssBytes / 2 ** 20).toFixed(0)} MiB (${month.built.join(', ')} of ${month.partitions} partitions); whole history ${whole.ms.toFixed(0)} ms, ${(whole.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  return { whole, month };
}

const measured = [];
const samples = new Set([10, 40, 80, releases.length]);
for (const release of releases) {
  const snapshot = await writeReleaseSnapshot(snapshotsDir, release);
  const store = new CountingLakeStore(new FolderLakeStore(lakeDir));
  const stageMs: Record<string, number> = {};
  const stagePeakRss: Record<string, number> = {};
  resetPeakRss();
  const started = performance.now();
  const summary = await runSnapshot(snapshot, {
    store,
    stages: timedStages(stageMs, stagePeakRss),
    lease: false,
  });
  const runPeakRss = Math.max(peakRssBytes(), ...Object.values(stagePeakRss));
  const ms = performance.now() - started;
  const population = (await readLatestPointer(store, 'ics_population'))?.version ?? 0;
  const processReport = summary.report.stages.process as
    | { datasets?: Record<string, { rows: number; status: string }> }
    | undefined;
  const rows = processReport?.datasets?.ics_population?.rows ?? 0;
  const row = {
    release: release.index,
    month: release.month,
    vintage: release.base.date,
    status: summary.status,
    rows,
    populationVersion: population,
    ms: {
      acquire: ms - (stageMs.process ?? 0) - (stageMs.feed ?? 0),
      process: stageMs.process ?? 0,
      feed: stageMs.feed ?? 0,
      total: ms,
    },
    peakRssBytes: runPeakRss,
    stagePeakRssBytes: stagePeakRss,
    bytesWritten: store.bytesWritten,
    objectsWritten: store.written.length,
    ...(samples.has(release.index) && {
      lake: await folderBytes(lakeDir),
      processSide: await processSide(release.snapshotDate),
    }),
  };
  measured.push(row);
  log(
    `${release.month} (${release.index}/${releases.length}, vintage ${release.base.date}): ${summary.status}, ${rows} rows, ` +
      `acquire ${row.ms.acquire.toFixed(0)} ms, process ${row.ms.process.toFixed(0)} ms, feed ${row.ms.feed.toFixed(0)} ms, ` +
      `peak RSS ${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB (process ${((stagePeakRss.process ?? 0) / 2 ** 20).toFixed(0)}, feed ${((stagePeakRss.feed ?? 0) / 2 ** 20).toFixed(0)}), ${(row.bytesWritten / 2 ** 20).toFixed(1)} MiB written`,
  );
  if (release !== releases.at(-1)) await rm(snapshot.dir, { recursive: true, force: true });
}

const last = releases.at(-1);
if (last === undefined) throw new Error('no releases to run');
log('ics_population: our diff and feed events vs DuckDB on the two newest versions');
resetPeakRss();
const diff = await compareWithDuckDb(lakeDir, 3);
log(`no-op rerun of ${last.month} over the full lake`);
const noop = [];
for (let run = 0; run < 3; run++) {
  noop.push(await noOpRerun(lakeDir, `history-noop-${run}`, path.join(snapshotsDir, last.snapshotDate)));
}
process.stdout.write(`${JSON.stringify({ releases: measured, diff, noop })}\n`);
