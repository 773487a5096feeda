// Child process: the history benchmark (issue 15). Runs the first N monthly GP releases through the real stages,
// one run per month, each in a fresh process (bench/children/history-release.ts) as the monthly schedule runs it,
// into a folder lake, then times the newest ics_population diff against DuckDB and a no-op rerun. Prints progress
// on stderr and one JSON line on stdout.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { runChild } from '../child.ts';
import type { ProcessSideMeasure, ReleaseMeasure } from '../history.ts';
import { compareWithDuckDb } from '../history-diff.ts';
import { monthlyReleases } from '../history-releases.ts';
import { resetPeakRss } from '../memory.ts';
import { noOpRerun } from '../replay.ts';

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
 * fresh process (bench/children/process-side.ts): the whole history as before, one month as after issue 15, and
 * one month whose newest edition moved some practice (every re-based year built again).
 */
async function processSide(asOf: string): Promise<NonNullable<ReleaseMeasure['processSide']>> {
  const month = await runChild<ProcessSideMeasure>('process-side.ts', [lakeDir, 'month', asOf]);
  const moved = await runChild<ProcessSideMeasure>('process-side.ts', [lakeDir, 'moved', asOf]);
  const whole = await runChild<ProcessSideMeasure>('process-side.ts', [lakeDir, 'whole', asOf]);
  log(
    `process side at ${asOf}: one month ${month.ms.toFixed(0)} ms, ${(month.peakRssBytes / 2 ** 20).toFixed(0)} MiB (${month.built.join(', ')} of ${month.partitions} partitions); placement moved ${moved.ms.toFixed(0)} ms (${moved.built.length} partitions); whole history ${whole.ms.toFixed(0)} ms, ${(whole.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  return { whole, month, moved };
}

const measured: ReleaseMeasure[] = [];
const samples = new Set([10, 40, 80, releases.length]);
for (const release of releases) {
  const keep = release === releases.at(-1) ? ['keep'] : [];
  const row: ReleaseMeasure = await runChild<ReleaseMeasure>('history-release.ts', [
    lakeDir,
    snapshotsDir,
    String(release.index),
    ...keep,
  ]);
  if (samples.has(release.index)) {
    row.lake = await folderBytes(lakeDir);
    row.processSide = await processSide(release.snapshotDate);
  }
  measured.push(row);
  log(
    `${release.month} (${release.index}/${releases.length}, vintage ${release.base.date}): ${row.status}, ${row.rows} rows, ` +
      `acquire ${row.ms.acquire.toFixed(0)} ms, process ${row.ms.process.toFixed(0)} ms, feed ${row.ms.feed.toFixed(0)} ms, ` +
      `peak RSS ${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB (process ${((row.stagePeakRssBytes.process ?? 0) / 2 ** 20).toFixed(0)}, feed ${((row.stagePeakRssBytes.feed ?? 0) / 2 ** 20).toFixed(0)}), ${(row.bytesWritten / 2 ** 20).toFixed(1)} MiB written`,
  );
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
