// Profile one release of the history benchmark (issue 15): `npx tsx bench/prof-release.ts <work> <from> <to>` runs
// releases from..to (0-based indices of monthlyReleases) into <work>/lake, a fresh lake or one left by an earlier
// call, and for the last one writes a V8 CPU profile to <work>/release.cpuprofile and prints the bytes it read per
// lake prefix. How the README's "what still grows with the history" was found: profile an early and a late
// release on the same code and compare.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { createDefaultStages } from '../lib/pipeline/process.ts';
import { runSnapshot } from '../lib/pipeline/replay.ts';
import { monthlyReleases, writeReleaseSnapshot } from './history-releases.ts';

const [work, fromText, toText] = process.argv.slice(2);
const releases = monthlyReleases('2013-04', process.env.HISTORY_TO ?? '2026-11').slice(
  Number(fromText),
  Number(toText) + 1,
);
const lakeDir = path.join(work as string, 'lake');
const stages = createDefaultStages();
for (const release of releases) {
  const snapshot = await writeReleaseSnapshot(path.join(work as string, 'snapshots'), release);
  const store = new FolderLakeStore(lakeDir);
  const last = release === releases.at(-1);
  const reads = new Map<string, [number, number]>();
  if (last) {
    const get = store.get.bind(store);
    store.get = async (key: string) => {
      const body = await get(key);
      const prefix = key.split('/').slice(0, 2).join('/').replace(/v\d+$/, 'vN');
      const [n, bytes] = reads.get(prefix) ?? [0, 0];
      reads.set(prefix, [n + 1, bytes + (body?.byteLength ?? 0)]);
      return body;
    };
    const list = store.list.bind(store);
    store.list = async (prefix: string) => {
      const started = performance.now();
      const objects = await list(prefix);
      const key = `list ${prefix.split('/').slice(0, 3).join('/')} (${objects.length} objects, ms)`;
      const [n, ms] = reads.get(key) ?? [0, 0];
      reads.set(key, [n + 1, ms + (performance.now() - started) * 2 ** 20]);
      return objects;
    };
    const getStream = store.getStream.bind(store);
    store.getStream = async (key: string) => {
      const prefix = `stream ${key.split('/').slice(0, 3).join('/')}`;
      const [n, bytes] = reads.get(prefix) ?? [0, 0];
      reads.set(prefix, [n + 1, bytes]);
      return getStream(key);
    };
  }
  const session = new Session();
  if (last) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const started = performance.now();
  const summary = await runSnapshot(snapshot, { store, stages, lease: false });
  const ms = performance.now() - started;
  process.stderr.write(`${release.month}: ${summary.status} ${ms.toFixed(0)} ms\n`);
  if (last) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path.join(work as string, 'release.cpuprofile'), JSON.stringify(profile));
    for (const [prefix, [n, bytes]] of [...reads].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25))
      process.stderr.write(`  ${prefix}: ${n} reads, ${(bytes / 2 ** 20).toFixed(1)} MiB\n`);
  }
}
