import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lakePaths } from './manifest.ts';
import type { LakeStore } from './store.ts';

/** A `--lake` that does not hold a lake, or a dataset/version that is not in it. */
export class NotALakeError extends Error {}

/**
 * Check that a store holds a lake before reading it: a folder must exist and be a folder, and any store must
 * hold `state/`, `datasets/` or `feed/index.json`. Readers fail with one line instead of printing nothing.
 */
export async function assertIsLake(store: LakeStore): Promise<void> {
  if (store.location.startsWith('file://')) {
    const folder = fileURLToPath(store.location);
    let isFolder = false;
    try {
      isFolder = (await stat(folder)).isDirectory();
    } catch {
      throw new NotALakeError(`${folder} does not exist: expected a lake made by ics-lake run or replay`);
    }
    if (!isFolder) throw new NotALakeError(`${folder} is a file, not a lake folder`);
  }
  if ((await store.exists('feed/index.json')) || (await listDatasets(store)).length > 0) return;
  if ((await store.list('state/')).length > 0) return;
  throw new NotALakeError(
    `${store.location} is not an ics-lake lake: it holds no datasets/, feed/index.json or state/ (make one with ics-lake replay)`,
  );
}

/** The datasets published in the lake (those with a latest.json), sorted. */
export async function listDatasets(store: LakeStore): Promise<string[]> {
  const names = new Set<string>();
  for (const { key } of await store.list('datasets/')) {
    const match = /^datasets\/([^/]+)\/latest\.json$/.exec(key);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return [...names].sort();
}

/** Fail with the list of datasets in the lake when `name` is not one of them. */
export async function assertDatasetExists(store: LakeStore, name: string): Promise<void> {
  if (await store.exists(lakePaths.latest(name))) return;
  const known = await listDatasets(store);
  throw new NotALakeError(
    `Dataset "${name}" is not in ${store.location}; the lake holds: ${known.length > 0 ? known.join(', ') : 'no datasets yet'}`,
  );
}
