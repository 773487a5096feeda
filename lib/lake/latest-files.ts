import { lakePaths, type Manifest } from './manifest.ts';
import type { LakeStore } from './store.ts';

/**
 * Stable URLs: `datasets/<name>/latest/<name>.{csv,json,parquet}` hold copies of the newest committed version's
 * editions, so a script can fetch one URL for ever. They are copied after the version and `latest.json` (a crash
 * can leave them behind, never ahead), and `latest/manifest.json`, a copy of that version's manifest, goes last:
 * when it matches the newest manifest byte for byte, every copy before it is in place.
 */
export const latestPaths = {
  prefix: (name: string) => `datasets/${name}/latest/`,
  file: (name: string, fileName: string) => `datasets/${name}/latest/${fileName}`,
  marker: (name: string) => `datasets/${name}/latest/manifest.json`,
};

/** Whether `latest/manifest.json` already equals the newest version's manifest (one small read). */
export async function latestFilesCurrent(
  store: LakeStore,
  name: string,
  manifestBytes: Uint8Array,
): Promise<boolean> {
  const marker = await store.get(latestPaths.marker(name));
  return marker !== undefined && Buffer.from(marker).equals(Buffer.from(manifestBytes));
}

/**
 * Bring the copies up to a committed version by streaming its files (they may be large), the marker last.
 * Unless `force`, does nothing when the marker already matches: the cheap check a rerun makes.
 * Returns whether anything was written.
 */
export async function refreshLatestFiles(
  store: LakeStore,
  manifest: Manifest,
  manifestBytes: Uint8Array,
  { force = false }: { force?: boolean } = {},
): Promise<boolean> {
  const name = manifest.dataset;
  if (!force && (await latestFilesCurrent(store, name, manifestBytes))) return false;
  const sources = manifest.files.map((file) => lakePaths.file(name, manifest.version, file.name));
  // A committed version that lost a file is for verify to report; copying the rest would mix versions.
  for (const source of sources) if (!(await store.exists(source))) return false;
  for (const [index, file] of manifest.files.entries()) {
    const stream = await store.getStream(sources[index] ?? '');
    if (stream === undefined) return false;
    await store.putStream(latestPaths.file(name, file.name), stream, { contentType: file.media_type });
  }
  await store.put(latestPaths.marker(name), manifestBytes, { contentType: 'application/json' });
  return true;
}
