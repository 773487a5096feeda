import { z } from 'zod';
import { isPartitioned, type Manifest, type ManifestFile, partFiles } from '../lake/manifest.ts';
import { sha256Hex } from '../lake/rows.ts';
import type { LakeStore } from '../lake/store.ts';
import { getJson, parseJsonOrUndefined, putJson } from '../lake/store.ts';
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

/** An ICS's newest all-ages total in one series (measure and basis). */
const ProfileTotal = z.object({
  measure: z.string(),
  basis: z.string().nullable(),
  reference_date: z.string(),
  value: z.number(),
});

/** The series a total belongs to (measure and basis): a profile keeps the newest total of each. */
function seriesOf(total: { measure: string; basis: string | null }): string {
  return `${total.measure}|${total.basis}`;
}

/** A profile: per ICS code, its row count and its newest total per series (`total`: what each total holds). */
function profileSchema<Total extends z.ZodType>(total: Total) {
  return z.array(z.object({ code: z.string(), rows: z.int().nonnegative(), totals: z.array(total) }));
}

/** A cached partition profile. */
const CachedProfile = z.object({ ics: profileSchema(ProfileTotal) });
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
  const beforeProfile = before === undefined ? undefined : await versionProfile(store, before, seen);
  const previous = before && beforeProfile && { manifest: before, profile: beforeProfile };
  return {
    before: beforeProfile === undefined ? new Map() : populationProfileOf(beforeProfile),
    after: populationProfileOf(await versionProfile(store, after, seen, previous)),
  };
}

const VERSION_CACHE_PREFIX = 'feed/cache/version-profiles/';

/**
 * A version's profile: each ICS's row count and newest total per series, each total with the part (sha256 of its
 * JSON file) it came from; `parts` is the version's part list, which the profile is a function of.
 */
const VersionProfile = z.object({
  parts: z.array(z.string()),
  ics: profileSchema(ProfileTotal.extend({ part: z.string() })),
});
type VersionProfile = z.infer<typeof VersionProfile>;

/**
 * A version's profile: from its cache (`feed/cache/version-profiles/`, keyed by its part list), else from the
 * previous version's by the parts that changed (a release reads the profiles of its new parts only), else merged
 * from every part's profile; cached for the next release, whose "before" it is.
 */
async function versionProfile(
  store: LakeStore,
  manifest: Manifest,
  seen: Map<string, CachedProfile>,
  previous?: { manifest: Manifest; profile: VersionProfile },
): Promise<VersionProfile> {
  const parts = partFiles(manifest, 'json');
  const shas = parts.map((file) => file.sha256);
  const key = `${VERSION_CACHE_PREFIX}${sha256Hex(shas.join('\n'))}.json`;
  const cached = VersionProfile.safeParse(await getJson(store, key).catch(() => undefined));
  if (cached.success && cached.data.parts.join('\n') === shas.join('\n')) return cached.data;
  const profileOf = async (file: ManifestFile) => {
    let part = seen.get(file.sha256);
    if (part === undefined) {
      part = await partProfile(store, file);
      seen.set(file.sha256, part);
    }
    return part;
  };
  const stepped = previous && (await steppedProfile(previous, parts, profileOf));
  const profile = stepped ?? mergedProfile(shas, await eachInTurn(parts, profileOf));
  await putJson(store, key, profile);
  return profile;
}

/** One at a time: a part whose profile is not cached yet is read whole to make it (after a rebuild, every part). */
async function eachInTurn<T, R>(items: readonly T[], make: (item: T) => Promise<R>): Promise<R[]> {
  const made: R[] = [];
  for (const item of items) made.push(await make(item));
  return made;
}

/** Every part's profile merged, in the version's part order: rows summed, the first newest total kept per series. */
function mergedProfile(shas: readonly string[], profiles: readonly CachedProfile[]): VersionProfile {
  const byIcs = new Map<
    string,
    { rows: number; totals: Map<string, VersionProfile['ics'][number]['totals'][number]> }
  >();
  profiles.forEach((part, index) => {
    for (const { code, rows, totals } of part.ics) {
      const side = byIcs.get(code) ?? { rows: 0, totals: new Map() };
      side.rows += rows;
      for (const total of totals) {
        const series = seriesOf(total);
        const held = side.totals.get(series);
        if (held === undefined || total.reference_date > held.reference_date)
          side.totals.set(series, { ...total, part: shas[index] as string });
      }
      byIcs.set(code, side);
    }
  });
  return profileFrom(shas, byIcs);
}

/**
 * The profile of a version from the previous version's and the profiles of the parts it added, when that is
 * exact: every newest total that came from a part the version dropped is superseded by a newer total from a part
 * it added (a new month, the re-based series built again). Otherwise undefined, and the caller merges every part.
 */
async function steppedProfile(
  previous: { manifest: Manifest; profile: VersionProfile },
  parts: readonly ManifestFile[],
  profileOf: (file: ManifestFile) => Promise<CachedProfile>,
): Promise<VersionProfile | undefined> {
  const shas = parts.map((file) => file.sha256);
  const kept = new Set(shas);
  const dropped = partFiles(previous.manifest, 'json').filter((file) => !kept.has(file.sha256));
  const held = new Set(previous.profile.parts);
  const added = parts.filter((file) => !held.has(file.sha256));
  if (dropped.length + added.length > Math.max(4, parts.length / 2)) return undefined;
  const byIcs = new Map(
    previous.profile.ics.map(({ code, rows, totals }) => [
      code,
      { rows, totals: new Map(totals.map((total) => [seriesOf(total), total])) },
    ]),
  );
  const side = (code: string) => {
    const found = byIcs.get(code) ?? { rows: 0, totals: new Map() };
    byIcs.set(code, found);
    return found;
  };
  for (const file of dropped) {
    // The part's rows leave; its profile (cached by its hash) says how many per ICS.
    for (const { code, rows } of (await profileOf(file)).ics) side(code).rows -= rows;
  }
  for (const file of added) {
    const part = await profileOf(file);
    for (const { code, rows, totals } of part.ics) {
      const entry = side(code);
      entry.rows += rows;
      for (const total of totals) {
        const series = seriesOf(total);
        const current = entry.totals.get(series);
        if (current !== undefined && current.reference_date === total.reference_date) return undefined;
        if (current === undefined || total.reference_date > current.reference_date)
          entry.totals.set(series, { ...total, part: file.sha256 });
      }
    }
  }
  const gone = new Set(dropped.map((file) => file.sha256));
  for (const { totals } of byIcs.values())
    for (const total of totals.values()) if (gone.has(total.part)) return undefined;
  for (const [code, { rows }] of byIcs) if (rows === 0) byIcs.delete(code);
  return profileFrom(shas, byIcs);
}

function profileFrom(
  shas: readonly string[],
  byIcs: ReadonlyMap<
    string,
    { rows: number; totals: ReadonlyMap<string, VersionProfile['ics'][number]['totals'][number]> }
  >,
): VersionProfile {
  return {
    parts: [...shas],
    ics: [...byIcs]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, { rows, totals }]) => ({
        code,
        rows,
        totals: [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, total]) => total),
      })),
  };
}

/** The events' view of a version profile: each ICS's rows and its newest totals. */
function populationProfileOf(profile: VersionProfile): PopulationProfile {
  return new Map(
    profile.ics.map(({ code, rows, totals }) => [
      code,
      { rows, totals: totals.map(({ part: _, ...total }) => total) },
    ]),
  );
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
