import { z } from 'zod';
import { isPartitioned, type Manifest, type ManifestFile, partFiles } from '../lake/manifest.ts';
import type { LakeStore } from '../lake/store.ts';
import { parseJsonOrUndefined, putJson } from '../lake/store.ts';
import { readManifest, readPartRows } from '../lake/versions.ts';
import { newestTotals, type PopulationProfile, profileOfRows } from './population-events.ts';

/**
 * Per-ICS population profiles of partitioned versions, built from per-partition profiles.
 *
 * A version's profile (each ICS's row count and newest all-ages totals) is the merge of its partitions' profiles,
 * and a partition's profile depends only on its bytes: it is computed once, from the part's JSON file, and kept
 * in `feed/cache/part-profiles/<sha256 of the part>.json` (a few KB, derived: deleting it costs one re-read). So a
 * release reads its new or changed parts and one small file per other partition, never the unchanged rows.
 */
const CACHE_PREFIX = 'feed/cache/part-profiles/';

/** A cached partition profile: per ICS code, its row count and its newest total per measure and basis. */
const CachedProfile = z.object({
  ics: z.array(
    z.object({
      code: z.string(),
      rows: z.int().nonnegative(),
      totals: z.array(
        z.object({
          measure: z.string(),
          basis: z.string().nullable(),
          reference_date: z.string(),
          value: z.number(),
        }),
      ),
    }),
  ),
});
type CachedProfile = z.infer<typeof CachedProfile>;

/**
 * Profiles of both sides when `newer` and `older` (0: none) are partitioned; undefined otherwise (the caller
 * then profiles the versions as the diff walks them).
 */
export async function partitionedProfiles(
  store: LakeStore,
  name: string,
  older: number,
  newer: number,
): Promise<{ before: PopulationProfile; after: PopulationProfile } | undefined> {
  const after = await readManifest(store, name, newer);
  const before = older === 0 ? undefined : await readManifest(store, name, older);
  if (after === undefined || !isPartitioned(after)) return undefined;
  if (older !== 0 && (before === undefined || !isPartitioned(before))) return undefined;
  const seen = new Map<string, CachedProfile>();
  return {
    before: before === undefined ? new Map() : await versionProfile(store, before, seen),
    after: await versionProfile(store, after, seen),
  };
}

async function versionProfile(
  store: LakeStore,
  manifest: Manifest,
  seen: Map<string, CachedProfile>,
): Promise<PopulationProfile> {
  const profile: PopulationProfile = new Map();
  for (const file of partFiles(manifest, 'json')) {
    let part = seen.get(file.sha256);
    if (part === undefined) {
      part = await partProfile(store, file);
      seen.set(file.sha256, part);
    }
    for (const { code, rows, totals } of part.ics) {
      const side = profile.get(code) ?? { rows: 0, totals: [] };
      side.rows += rows;
      side.totals.push(...totals);
      profile.set(code, side);
    }
  }
  return profile;
}

/** One partition's profile: from the cache when it is there and reads, else computed from the part and cached. */
export async function partProfile(store: LakeStore, file: ManifestFile): Promise<CachedProfile> {
  const key = `${CACHE_PREFIX}${file.sha256}.json`;
  const cachedBytes = await store.get(key);
  if (cachedBytes !== undefined) {
    const cached = CachedProfile.safeParse(parseJsonOrUndefined(Buffer.from(cachedBytes).toString('utf8')));
    if (cached.success) return cached.data;
  }
  const computed = summarise(profileOfRows(await readPartRows(store, file)));
  await putJson(store, key, computed);
  return computed;
}

/** Keep each ICS's row count and only its newest total per series: all the events read from a side. */
function summarise(profile: PopulationProfile): CachedProfile {
  return {
    ics: [...profile.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, side]) => ({
        code,
        rows: side.rows,
        totals: [...newestTotals(side.totals).entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, total]) => total),
      })),
  };
}
