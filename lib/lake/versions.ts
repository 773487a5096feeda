import type { Readable } from 'node:stream';
import { parseInstant } from '../core/instant.ts';
import { parseJsonRows } from './formats/json.ts';
import { editionFileNames, LatestPointer, lakePaths, Manifest } from './manifest.ts';
import type { Row } from './rows.ts';
import { getJson, getText, type LakeStore } from './store.ts';

/** Committed version numbers of a dataset (those with a manifest), ascending. Leftovers without one are ignored. */
export async function committedVersionNumbers(store: LakeStore, name: string): Promise<number[]> {
  const prefix = lakePaths.datasetPrefix(name);
  const numbers: number[] = [];
  for (const { key } of await store.list(prefix)) {
    const match = /^v([1-9]\d*)\/manifest\.json$/.exec(key.slice(prefix.length));
    if (match?.[1] !== undefined) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

/** The manifest of one version, or `undefined` when that version was never committed. */
export async function readManifest(
  store: LakeStore,
  name: string,
  version: number,
): Promise<Manifest | undefined> {
  const value = await getJson(store, lakePaths.manifest(name, version));
  return value === undefined ? undefined : Manifest.parse(value);
}

/** Every committed version's manifest, oldest first. */
export async function listVersions(store: LakeStore, name: string): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const version of await committedVersionNumbers(store, name)) {
    const manifest = await readManifest(store, name, version);
    if (manifest !== undefined) manifests.push(manifest);
  }
  return manifests;
}

/** The `latest.json` pointer, or `undefined` before the first publish. */
export async function readLatestPointer(store: LakeStore, name: string): Promise<LatestPointer | undefined> {
  const value = await getJson(store, lakePaths.latest(name));
  return value === undefined ? undefined : LatestPointer.parse(value);
}

/** The manifest `latest.json` points at (what readers see), or `undefined` before the first publish. */
export async function readLatest(store: LakeStore, name: string): Promise<Manifest | undefined> {
  const pointer = await readLatestPointer(store, name);
  if (pointer === undefined) return undefined;
  const manifest = await readManifest(store, name, pointer.version);
  if (manifest === undefined) {
    throw new Error(
      `latest.json of ${name} points at v${pointer.version}, but ${pointer.manifest} does not exist`,
    );
  }
  return manifest;
}

/** The rows of one committed version, read from its JSON edition. */
export async function readVersionRows(store: LakeStore, name: string, version: number): Promise<Row[]> {
  const key = lakePaths.file(name, version, editionFileNames(name).json);
  if (!(await store.exists(lakePaths.manifest(name, version)))) {
    throw new RangeError(
      `Dataset ${name} has no committed version ${version} (expected ${lakePaths.manifest(name, version)})`,
    );
  }
  const text = await getText(store, key);
  if (text === undefined) throw new Error(`Dataset ${name} v${version} is committed but ${key} is missing`);
  return parseJsonRows(text);
}

/** Parse an instant given to a reader (see lib/core/instant.ts): zone-less means UTC, anything odd is refused. */
export { parseInstant } from '../core/instant.ts';

/**
 * The version that was latest at `instant`: the committed version with the greatest `as_of` not after it (ties go
 * to the higher version). `as_of` (the run's clock) governs, not `created_at`, so replayed history answers as the
 * original runs would have. An instant exactly equal to a version's `as_of` selects that version.
 */
export async function versionAsOf(
  store: LakeStore,
  name: string,
  instant: Date | string,
): Promise<Manifest | undefined> {
  const at = parseInstant(instant).getTime();
  let best: Manifest | undefined;
  for (const manifest of await listVersions(store, name)) {
    const asOf = Date.parse(manifest.as_of);
    if (asOf > at) continue;
    if (
      best === undefined ||
      asOf > Date.parse(best.as_of) ||
      (asOf === Date.parse(best.as_of) && manifest.version > best.version)
    ) {
      best = manifest;
    }
  }
  return best;
}

/** Which version a reader asked for: a number, the one latest at an instant, or (neither) the latest. */
export interface VersionSelector {
  version?: number;
  asOf?: Date | string;
}

/** The manifest a selector picks; a clear error when the dataset or version does not exist. */
export async function resolveVersion(
  store: LakeStore,
  name: string,
  selector: VersionSelector = {},
): Promise<Manifest> {
  if (selector.version !== undefined && selector.asOf !== undefined) {
    throw new RangeError('Expected either a version number or an as-of date, not both');
  }
  const where = `${store.location}/datasets/${name}/`;
  if (selector.version !== undefined) {
    const manifest = await readManifest(store, name, selector.version);
    if (manifest === undefined)
      throw new RangeError(`Dataset ${name} has no committed version ${selector.version} in ${where}`);
    return manifest;
  }
  if (selector.asOf !== undefined) {
    const manifest = await versionAsOf(store, name, selector.asOf);
    if (manifest === undefined) {
      throw new RangeError(
        `Dataset ${name} has no version as of ${String(selector.asOf)} in ${where} (it starts later)`,
      );
    }
    return manifest;
  }
  const latest = await readLatest(store, name);
  if (latest === undefined) throw new RangeError(`Dataset ${name} has not been published in ${where}`);
  return latest;
}

/** Stream one edition (csv, json or parquet) of a committed version. */
export async function openVersionFile(
  store: LakeStore,
  manifest: Manifest,
  format: 'csv' | 'json' | 'parquet',
): Promise<Readable> {
  const file = manifest.files.find((candidate) => candidate.format === format);
  if (file === undefined)
    throw new RangeError(`Dataset ${manifest.dataset} v${manifest.version} has no ${format} file`);
  const key = lakePaths.file(manifest.dataset, manifest.version, file.name);
  const stream = await store.getStream(key);
  if (stream === undefined)
    throw new Error(`Dataset ${manifest.dataset} v${manifest.version} is committed but ${key} is missing`);
  return stream;
}
