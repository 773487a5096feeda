import { fileKey, isPartitioned, Manifest } from './manifest.ts';
import { type LakeStore, parseJsonOrUndefined } from './store.ts';

/**
 * Stable URLs: `datasets/<name>/latest/<name>.{csv,json,parquet}` hold copies of the newest committed version's
 * editions, so a script can fetch one URL for ever. They are copied after the version and `latest.json` (a crash
 * can leave them behind, never ahead), and `latest/manifest.json`, a copy of that version's manifest, goes last:
 * when it matches the newest manifest byte for byte, every copy before it is in place.
 *
 * A partitioned version's copies are one file per partition and format (`latest/<name>-<partition>.csv`, …), and
 * a release copies only the partitions whose bytes differ from those the marker lists, and deletes the copies of
 * partitions it dropped: the cost of keeping stable URLs is the changed partitions, not the history.
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
  const marker = await store.get(latestPaths.marker(name));
  const current = marker !== undefined && Buffer.from(marker).equals(Buffer.from(manifestBytes));
  if (!force && current) return false;
  // The copies the marker vouches for need not move: only a partition that changed is copied again.
  const inPlace = current ? new Map<string, string>() : copiesInPlace(marker);
  const toCopy = manifest.files.filter(
    (file) => !isPartitioned(manifest) || inPlace.get(file.name) !== file.sha256,
  );
  // A committed version that lost a file is for verify to report; copying the rest would mix versions.
  for (const file of toCopy) if (!(await store.exists(fileKey(manifest, file)))) return false;
  for (const file of toCopy) {
    const stream = await store.getStream(fileKey(manifest, file));
    if (stream === undefined) return false;
    await store.putStream(latestPaths.file(name, file.name), stream, { contentType: file.media_type });
  }
  const names = new Set(manifest.files.map((file) => file.name));
  for (const stale of inPlace.keys())
    if (!names.has(stale)) await store.delete(latestPaths.file(name, stale));
  await store.put(latestPaths.marker(name), manifestBytes, { contentType: 'application/json' });
  return true;
}

/** The copies the current marker (a committed manifest) says are in place under `latest/`: name -> sha256. */
function copiesInPlace(marker: Uint8Array | undefined): Map<string, string> {
  const inPlace = new Map<string, string>();
  if (marker === undefined) return inPlace;
  const parsed = Manifest.safeParse(parseJsonOrUndefined(Buffer.from(marker).toString('utf8')));
  if (parsed.success) for (const file of parsed.data.files) inPlace.set(file.name, file.sha256);
  return inPlace;
}
