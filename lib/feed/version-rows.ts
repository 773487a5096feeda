import { z } from 'zod';
import { UncommittedVersionError } from '../core/errors.ts';
import { getText, type LakeStore } from '../lake/store.ts';
import type { Row } from './diff.ts';

/**
 * Minimal readers of the lake layout (datasets/<name>/v<N>/...), tolerant of what the lake writer chooses:
 * rows come from `<name>.json` (a JSON array) or, failing that, `<name>.jsonl` (one row per line).
 */

/** The folder of a dataset version, with a trailing slash. */
export function versionPrefix(dataset: string, version: number): string {
  return `datasets/${dataset}/v${version}/`;
}

/** The manifest key of a dataset version. */
export function manifestKey(dataset: string, version: number): string {
  return `${versionPrefix(dataset, version)}manifest.json`;
}

/** The parts of `latest.json` the feed relies on. */
const LatestPointer = z.looseObject({ version: z.number().int().positive() });
/** The parts of a manifest the feed relies on. */
const ManifestHeader = z.looseObject({ as_of: z.string().min(1) });

/** The version `datasets/<name>/latest.json` points at, or undefined when nothing is published. */
export async function latestVersion(store: LakeStore, dataset: string): Promise<number | undefined> {
  const key = `datasets/${dataset}/latest.json`;
  const text = await getText(store, key);
  if (text === undefined) return undefined;
  const parsed = LatestPointer.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${store.location}/${key}: expected { "version": N, ... }, found ${text.slice(0, 200)}`);
  return parsed.data.version;
}

/** A version's `as_of`, read from its manifest; throws when the manifest is missing (not committed). */
export async function versionAsOf(store: LakeStore, dataset: string, version: number): Promise<string> {
  const key = manifestKey(dataset, version);
  const text = await getText(store, key);
  if (text === undefined) {
    throw new UncommittedVersionError(
      `expected a manifest for ${dataset} v${version}, found none`,
      undefined,
      key,
    );
  }
  const parsed = ManifestHeader.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${store.location}/${key}: expected a manifest with "as_of", found ${text.slice(0, 200)}`,
    );
  return parsed.data.as_of;
}

/** The rows of a dataset version (`[]` for version 0, i.e. before the first version). */
export async function readVersionRows(store: LakeStore, dataset: string, version: number): Promise<Row[]> {
  if (version === 0) return [];
  const prefix = versionPrefix(dataset, version);
  const json = await getText(store, `${prefix}${dataset}.json`);
  const rows: unknown =
    json !== undefined
      ? JSON.parse(json)
      : (await getText(store, `${prefix}${dataset}.jsonl`))
          ?.split('\n')
          .filter((line) => line.trim().length > 0)
          .map((line) => JSON.parse(line));
  if (rows === undefined) {
    throw new UncommittedVersionError(
      `expected ${prefix}${dataset}.json or .jsonl, found neither`,
      undefined,
      prefix,
    );
  }
  const parsed = z.array(z.record(z.string(), z.unknown())).safeParse(rows);
  if (!parsed.success)
    throw new Error(`${store.location}/${prefix}${dataset}.json: expected an array of row objects`);
  return parsed.data;
}
