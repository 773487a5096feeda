// Child process: one release of the history benchmark (issue 15), in a fresh process as the schedule runs it (a
// monthly Lambda invocation is a cold start; `ics-lake run` is a new process). Writes the month's snapshot, runs it
// through the real stages into the folder lake, and prints one JSON line: per-stage times, peak RSS (the whole
// process, and while each later stage ran), bytes written.

import { rm } from 'node:fs/promises';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { readLatestPointer } from '../../lib/lake/versions.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { CountingLakeStore } from '../counting-store.ts';
import type { ReleaseMeasure } from '../history.ts';
import { monthlyReleases, writeReleaseSnapshot } from '../history-releases.ts';
import { peakRssBytes } from '../memory.ts';
import { timedStages } from '../replay.ts';

const [lakeDir, snapshotsDir, indexText, keepText] = process.argv.slice(2);
if (lakeDir === undefined || snapshotsDir === undefined || indexText === undefined)
  throw new Error(
    'usage: history-release.ts <lake dir> <snapshots dir> <release index (1-based)> [keep snapshot]',
  );
const release = monthlyReleases()[Number(indexText) - 1];
if (release === undefined) throw new RangeError(`expected a release index 1..164, found ${indexText}`);

const snapshot = await writeReleaseSnapshot(snapshotsDir, release);
const store = new CountingLakeStore(new FolderLakeStore(lakeDir));
const stageMs: Record<string, number> = {};
const stagePeakRss: Record<string, number> = {};
const started = performance.now();
const summary = await runSnapshot(snapshot, {
  store,
  stages: timedStages(stageMs, stagePeakRss),
  lease: false,
});
const ms = performance.now() - started;
const processReport = summary.report.stages.process as
  | { datasets?: Record<string, { rows: number; status: string }> }
  | undefined;
const measure: ReleaseMeasure = {
  release: release.index,
  month: release.month,
  vintage: release.base.date,
  status: summary.status,
  rows: processReport?.datasets?.ics_population?.rows ?? 0,
  populationVersion: (await readLatestPointer(store, 'ics_population'))?.version ?? 0,
  ms: {
    acquire: ms - (stageMs.process ?? 0) - (stageMs.feed ?? 0),
    process: stageMs.process ?? 0,
    feed: stageMs.feed ?? 0,
    total: ms,
  },
  peakRssBytes: Math.max(peakRssBytes(), ...Object.values(stagePeakRss)),
  stagePeakRssBytes: stagePeakRss,
  bytesWritten: store.bytesWritten,
  objectsWritten: store.written.length,
  requests: summary.report.requests.length,
};
if (keepText !== 'keep') await rm(snapshot.dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(measure)}\n`);
