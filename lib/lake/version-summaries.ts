import { z } from 'zod';
import { isPartitioned, type Manifest, ManifestFile } from './manifest.ts';
import { getJson, type LakeStore, putJson } from './store.ts';
import { committedVersionNumbers, newestCommittedVersion, readManifest } from './versions.ts';

/**
 * What the catalog shows of one version, bounded in size however long the history: a manifest of a partitioned
 * dataset lists every part and every changed key (about 1 MB a version for `ics_population`), so reading every
 * version's manifest for the catalog's version table would grow with the square of the number of releases.
 */
export const VersionSummary = z.object({
  dataset: z.string(),
  version: z.int().positive(),
  release: z.string(),
  as_of: z.iso.datetime(),
  rows: z.int().nonnegative(),
  content_hash: z.string(),
  schema_change: z.boolean(),
  changes: z.object({
    created: z.int().nonnegative(),
    updated: z.int().nonnegative(),
    deleted: z.int().nonnegative(),
  }),
  /** How many partitions the version holds; null when the dataset is not partitioned. */
  partitions: z.int().nonnegative().nullable(),
  /** Every file of an unpartitioned version; of a partitioned one, the parts the previous version did not hold. */
  files: z.array(ManifestFile),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

/** The files of a partitioned version that the previous version did not hold (its new or changed partitions). */
export function changedParts(manifest: Manifest, previous: Manifest | undefined): Manifest['files'] {
  const before = new Set(previous?.files.flatMap((file) => file.path ?? []));
  return manifest.files.filter((file) => file.partition !== undefined && !before.has(file.path ?? ''));
}

/** The summary of one committed version, given the version before it (for a partitioned one's changed parts). */
export function summariseVersion(manifest: Manifest, previous: Manifest | undefined): VersionSummary {
  const partitioned = isPartitioned(manifest);
  return {
    dataset: manifest.dataset,
    version: manifest.version,
    release: manifest.release,
    as_of: manifest.as_of,
    rows: manifest.rows,
    content_hash: manifest.content_hash,
    schema_change: manifest.schema_change,
    changes: {
      created: manifest.changes.created,
      updated: manifest.changes.updated,
      deleted: manifest.changes.deleted,
    },
    partitions: partitioned ? new Set(manifest.files.map((file) => file.partition)).size : null,
    files: partitioned ? changedParts(manifest, previous) : manifest.files,
  };
}

const SummaryCache = z.object({
  cache_version: z.literal(1),
  dataset: z.string(),
  versions: z.array(VersionSummary),
});
type SummaryCache = z.infer<typeof SummaryCache>;

/** `state/catalog/<name>-versions.json`: the summaries of a dataset's committed versions, derived, rebuildable. */
export function versionSummariesKey(name: string): string {
  return `state/catalog/${name}-versions.json`;
}

/**
 * The summaries of every committed version of a dataset, oldest first. Committed versions never change, so each
 * is summarised once, from its manifest (and the previous one's), and kept in a cache; a release reads the cache
 * and one or two manifests. A cache that does not parse, names another dataset or holds a version no longer
 * committed is not trusted: the versions it lacks are summarised from their manifests again.
 */
export async function listVersionSummaries(store: LakeStore, name: string): Promise<VersionSummary[]> {
  const cache = SummaryCache.safeParse(
    await getJson(store, versionSummariesKey(name)).catch(() => undefined),
  );
  const held = cache.success && cache.data.dataset === name ? cache.data : undefined;
  const committed = await committedVersions(store, name, held);
  const { cached, stale } = cacheEntries(held, name, new Set(committed));
  const summaries: VersionSummary[] = [];
  const manifests = new Map<number, Manifest | undefined>();
  const manifestOf = async (version: number | null): Promise<Manifest | undefined> => {
    if (version === null) return undefined;
    if (!manifests.has(version)) manifests.set(version, await readManifest(store, name, version));
    return manifests.get(version);
  };
  let computed = 0;
  for (const version of committed) {
    const known = cached.get(version);
    if (known !== undefined) {
      summaries.push(known);
      continue;
    }
    const manifest = await manifestOf(version);
    if (manifest === undefined) continue;
    const previous = isPartitioned(manifest) ? await manifestOf(manifest.previous_version) : undefined;
    summaries.push(summariseVersion(manifest, previous));
    computed += 1;
  }
  if (computed > 0 || stale) {
    await putJson(store, versionSummariesKey(name), { cache_version: 1, dataset: name, versions: summaries });
  }
  return summaries;
}

/**
 * The committed version numbers, ascending. Versions are committed one after another from 1 and never removed, so
 * when the cache holds exactly versions 1..k, the committed ones are 1..newest (newest found from latest.json
 * without listing); any other cache, or none, and the version folders are listed.
 */
async function committedVersions(
  store: LakeStore,
  name: string,
  cache: SummaryCache | undefined,
): Promise<number[]> {
  const newest = await newestCommittedVersion(store, name);
  const cachedVersions = cache?.versions.map((summary) => summary.version) ?? [];
  const contiguous =
    cachedVersions.length > 0 && cachedVersions.every((version, index) => version === index + 1);
  if (!contiguous || newest === undefined || cachedVersions.length > newest)
    return committedVersionNumbers(store, name);
  return Array.from({ length: newest }, (_, index) => index + 1);
}

function cacheEntries(
  cache: SummaryCache | undefined,
  name: string,
  committed: ReadonlySet<number>,
): { cached: Map<number, VersionSummary>; stale: boolean } {
  if (cache === undefined) return { cached: new Map(), stale: true };
  const entries = cache.versions.filter(
    (summary) => summary.dataset === name && committed.has(summary.version),
  );
  return {
    cached: new Map(entries.map((summary) => [summary.version, summary])),
    stale: entries.length !== cache.versions.length,
  };
}
