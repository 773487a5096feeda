import { UncommittedVersionError } from '../core/errors.ts';
import { lakePaths } from '../lake/manifest.ts';
import type { LakeStore } from '../lake/store.ts';
import { readVersionRows as readCommittedRows, readLatestPointer, readManifest } from '../lake/versions.ts';
import type { Row } from './diff.ts';

/** The lake's readers, as the feed uses them: a missing manifest is an `UncommittedVersionError`. */

export const versionPrefix = lakePaths.versionPrefix;
export const manifestKey = lakePaths.manifest;

/** The version `datasets/<name>/latest.json` points at, or undefined when nothing is published. */
export async function latestVersion(store: LakeStore, dataset: string): Promise<number | undefined> {
  return (await readLatestPointer(store, dataset))?.version;
}

/** A version's `as_of`, read from its manifest; throws when the manifest is missing (not committed). */
export async function versionAsOf(store: LakeStore, dataset: string, version: number): Promise<string> {
  const manifest = await readManifest(store, dataset, version);
  if (manifest === undefined) {
    const key = manifestKey(dataset, version);
    throw new UncommittedVersionError(
      `expected a manifest for ${dataset} v${version}, found none`,
      undefined,
      key,
    );
  }
  return manifest.as_of;
}

/** The rows of a committed dataset version (`[]` for version 0, i.e. before the first version). */
export async function readVersionRows(store: LakeStore, dataset: string, version: number): Promise<Row[]> {
  if (version === 0) return [];
  if (!(await store.exists(manifestKey(dataset, version)))) {
    throw new UncommittedVersionError(
      `expected a committed ${dataset} v${version}, found no manifest`,
      undefined,
      manifestKey(dataset, version),
    );
  }
  return readCommittedRows(store, dataset, version);
}
