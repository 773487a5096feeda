import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { runSnapshot } from '../lib/pipeline/replay.ts';
import { monthlyReleases, writeReleaseSnapshot } from './history-releases.ts';
import { timedStages } from './replay.ts';

const [lake, idx, out] = process.argv.slice(2);
const release = monthlyReleases('2013-04', '2027-06')[Number(idx) - 1]!;
const snapshot = await writeReleaseSnapshot('/tmp/acq-snapshots', release);
const store = new FolderLakeStore(lake!);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const stageMs: Record<string, number> = {};
const t = performance.now();
await runSnapshot(snapshot, { store, stages: timedStages(stageMs), lease: false });
const total = performance.now() - t;
const { profile } = await session.post('Profiler.stop');
await writeFile(out!, JSON.stringify(profile));
console.log(
  release.month,
  'total',
  total.toFixed(0),
  'acquire',
  (total - stageMs.process! - stageMs.feed!).toFixed(0),
  'process',
  stageMs.process!.toFixed(0),
  'feed',
  stageMs.feed!.toFixed(0),
);
