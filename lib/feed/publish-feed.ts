import type { DatasetDefinition } from '../core/dataset.ts';
import { UncommittedVersionError } from '../core/errors.ts';
import type { LakeStore } from '../lake/store.ts';
import { diffVersions } from '../lake/version-diff.ts';
import { changesOf, diffByKey, type Row, type RowChange } from './diff.ts';
import {
  type ChangeEvent,
  changeEventJsonSchema,
  EVENT_SCHEMA_KEY,
  type EventOptions,
  type LineageLookup,
  type PublishedSummary,
  publishedEvent,
  type RegionLookup,
  rowChangeEvents,
} from './events.ts';
import {
  FEED_INDEX_KEY,
  type FeedIndex,
  type FeedRecord,
  pageHash,
  planPages,
  putTextIfChanged,
  RECENT_ENTRIES,
  readFeedIndex,
  renderPage,
  writeFeedIndex,
} from './feed-files.ts';
import { type Notifier, notifyPending } from './notify.ts';
import { partitionedProfiles } from './part-profiles.ts';
import {
  POPULATION_DATASET,
  type PopulationProfile,
  PopulationProfiler,
  populationChangeEvents,
  profileOfRows,
} from './population-events.ts';
import { latestCoveragePercent, summariseVersion, summarySources } from './summary.ts';
import { ATOM_KEY, JSON_FEED_KEY, renderAtom, renderJsonFeed } from './syndication.ts';
import { latestVersion, manifestKey, readVersionRows, versionAsOf, versionPrefix } from './version-rows.ts';

/** A dataset version already committed to the lake (manifest and latest.json written), ready to announce. */
export interface CommittedVersion {
  definition: DatasetDefinition;
  version: number;
  /** The version's `as_of` (ISO date-time): the events' `time`. */
  asOf: string;
  /** Rows of the previous version (`[]` for v1; also `[]` when `diffed` is given). */
  previousRows: readonly Row[];
  /** The version's rows (`[]` when `diffed` is given). */
  rows: readonly Row[];
  /** Lake key of the version's manifest; verified to exist before any event is written. */
  manifestKey: string;
  /**
   * The changes, already found by walking the two versions' editions (see loadCommittedVersion), with the row
   * counts: set for datasets the feed does not need whole, so a full-history version is never held in memory.
   */
  diffed?: {
    changes: readonly RowChange[];
    rows: number;
    previousRows: number;
    /** For `ics_population`: each ICS's row count and totals on both sides, taken as the diff walked past. */
    populationProfiles?: { before: PopulationProfile; after: PopulationProfile };
  };
}

/** Options for writing the feed. */
export interface FeedWriteOptions extends EventOptions {
  /** Maximum events per page (default 1000). Only affects pages written from now on. */
  pageSize?: number;
}

/** What a feed write did. */
export interface FeedWriteResult {
  /** The events appended, in feed order (empty when every version was already in the feed). */
  events: ChangeEvent[];
  /** The same events with their sequence numbers and pages. */
  records: FeedRecord[];
  /** Versions skipped because their events were already in the feed. */
  skipped: { dataset: string; version: number }[];
}

function compareVersions(a: CommittedVersion, b: CommittedVersion): number {
  const byTime = Date.parse(a.asOf) - Date.parse(b.asOf);
  if (byTime !== 0) return byTime;
  if (a.definition.name !== b.definition.name) return a.definition.name < b.definition.name ? -1 : 1;
  return a.version - b.version;
}

async function assertCommitted(store: LakeStore, version: CommittedVersion): Promise<void> {
  const name = version.definition.name;
  if (!(await store.exists(version.manifestKey))) {
    throw new UncommittedVersionError(
      `expected ${name} v${version.version} to be committed before its events are written, but its manifest is missing`,
      undefined,
      version.manifestKey,
    );
  }
  const latest = await latestVersion(store, name);
  if (latest === undefined || latest < version.version) {
    throw new UncommittedVersionError(
      `expected datasets/${name}/latest.json to point at v${version.version} or later before its events are written, found ${latest === undefined ? 'none' : `v${latest}`}`,
      undefined,
      `datasets/${name}/latest.json`,
    );
  }
}

/** ICS code -> region code, from the newest `ics` rows in the batch, else from the lake's latest `ics` version. */
async function regionLookup(store: LakeStore, versions: readonly CommittedVersion[]): Promise<RegionLookup> {
  const newestIcs = versions.filter((v) => v.definition.name === 'ics').at(-1);
  let rows: readonly Row[] = newestIcs?.rows ?? [];
  if (newestIcs === undefined) {
    const latest = await latestVersion(store, 'ics');
    if (latest !== undefined) rows = await readVersionRows(store, 'ics', latest);
  }
  const regions = new Map<string, string>();
  for (const row of rows) {
    if (typeof row.ics_code === 'string' && typeof row.region_code === 'string')
      regions.set(row.ics_code, row.region_code);
  }
  return (icsCode) => regions.get(icsCode);
}

/** ICS code -> its ics_lineage edges, from the newest lineage rows in the batch, else the lake's latest version. */
async function lineageLookup(
  store: LakeStore,
  versions: readonly CommittedVersion[],
): Promise<LineageLookup> {
  const newest = versions.filter((v) => v.definition.name === 'ics_lineage').at(-1);
  let rows: readonly Row[] = newest?.rows ?? [];
  if (newest === undefined) {
    const latest = await latestVersion(store, 'ics_lineage');
    if (latest !== undefined) rows = await readVersionRows(store, 'ics_lineage', latest);
  }
  return (icsCode) =>
    rows.filter((row) => row.predecessor_code === icsCode || row.successor_code === icsCode);
}

function coverageAt(versions: readonly CommittedVersion[], asOf: string) {
  const coverage = versions.find((v) => v.definition.name === 'ics_coverage' && v.asOf === asOf);
  if (coverage === undefined) return undefined;
  return {
    before: latestCoveragePercent(coverage.previousRows),
    after: latestCoveragePercent(coverage.rows),
  };
}

type Lookups = { regionOf: RegionLookup; lineageOf: LineageLookup };

/**
 * The events of a version's row changes: one per row (one per milestone for `ics`), except `ics_population`, whose
 * thousands of sex x age rows a GP month adds are announced as one event per ICS (population-events.ts).
 */
function changeEvents(
  committed: CommittedVersion,
  changes: readonly RowChange[],
  files: string[],
  lookups: Lookups,
  options: FeedWriteOptions,
): ChangeEvent[] {
  const { definition, version, asOf } = committed;
  if (definition.name !== POPULATION_DATASET)
    return changes.flatMap((change) =>
      rowChangeEvents(definition, version, asOf, change, { ...options, ...lookups }),
    );
  const profiles = committed.diffed?.populationProfiles ?? {
    before: profileOfRows(committed.previousRows),
    after: profileOfRows(committed.rows),
  };
  return populationChangeEvents(changes, profiles, {
    definition,
    version,
    asOf,
    refs: { manifest: committed.manifestKey, files },
    options: { ...options, regionOf: lookups.regionOf },
  });
}

async function eventsForVersion(
  store: LakeStore,
  committed: CommittedVersion,
  batch: readonly CommittedVersion[],
  lookups: Lookups,
  options: FeedWriteOptions,
): Promise<ChangeEvent[]> {
  const { definition, version, asOf } = committed;
  const changes = committed.diffed?.changes ?? diffByKey(definition, committed.previousRows, committed.rows);
  const rowCount = committed.diffed?.rows ?? committed.rows.length;
  const files = (await store.list(versionPrefix(definition.name, version))).map((object) => object.key);
  const rowEvents = changeEvents(committed, changes, files, lookups, options);
  const coverage = definition.name === 'ics' ? coverageAt(batch, asOf) : undefined;
  const summary: PublishedSummary = {
    rows: rowCount,
    created: changes.filter((change) => change.op === 'created').length,
    updated: changes.filter((change) => change.op === 'updated').length,
    deleted: changes.filter((change) => change.op === 'deleted').length,
    text: summariseVersion({
      dataset: definition.name,
      version,
      changes,
      rowCount,
      previousRows: committed.previousRows,
      previousRowCount: committed.diffed?.previousRows ?? committed.previousRows.length,
      rows: committed.rows,
      ...(coverage === undefined ? {} : { coverage }),
    }),
    manifest: committed.manifestKey,
    files,
    ...summarySources(changes),
  };
  return [...rowEvents, publishedEvent(definition.name, version, asOf, summary, options)];
}

/** Write the schema, Atom and JSON Feed files when missing or out of date (never touching unchanged objects). */
async function writeDerivedFiles(
  store: LakeStore,
  index: FeedIndex,
  options: FeedWriteOptions,
): Promise<void> {
  await putTextIfChanged(
    store,
    EVENT_SCHEMA_KEY,
    `${JSON.stringify(changeEventJsonSchema(), null, 2)}\n`,
    'application/schema+json',
  );
  const syndication = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  await putTextIfChanged(store, ATOM_KEY, renderAtom(index.recent, syndication), 'application/atom+xml');
  await putTextIfChanged(
    store,
    JSON_FEED_KEY,
    renderJsonFeed(index.recent, syndication),
    'application/feed+json',
  );
}

/**
 * Append the events of committed dataset versions to the feed: pages first, then atom.xml/feed.json, then
 * feed/index.json (the feed's commit point). Versions already in the feed are skipped, so replays add no lines.
 * Versions are ordered by `asOf`, then dataset name, then version, whatever order they are passed in.
 */
export async function writeFeedForVersions(
  store: LakeStore,
  committedVersions: readonly CommittedVersion[],
  options: FeedWriteOptions = {},
): Promise<FeedWriteResult> {
  const index = await readFeedIndex(store);
  const skipped: { dataset: string; version: number }[] = [];
  const pending = new Map<string, CommittedVersion>();
  for (const committed of committedVersions) {
    const name = committed.definition.name;
    const id = `${name}|${committed.version}`;
    if ((index.versions[name] ?? []).includes(committed.version) || pending.has(id)) {
      skipped.push({ dataset: name, version: committed.version });
    } else {
      pending.set(id, committed);
    }
  }
  const batch = [...pending.values()].sort(compareVersions);
  for (const committed of batch) await assertCommitted(store, committed);
  if (batch.length === 0) {
    await writeDerivedFiles(store, index, options);
    // An index rebuilt from the pages (it was missing) is kept, so the next reader need not rebuild it again.
    if (index.pages.length > 0 && !(await store.exists(FEED_INDEX_KEY))) await writeFeedIndex(store, index);
    return { events: [], records: [], skipped };
  }

  const lookups = {
    regionOf: await regionLookup(store, batch),
    lineageOf: await lineageLookup(store, batch),
  };
  const events: ChangeEvent[] = [];
  for (const committed of batch)
    events.push(...(await eventsForVersion(store, committed, batch, lookups, options)));

  const pageSize = options.pageSize ?? index.page_size;
  const planned = planPages(index.cursor, events, pageSize);
  const records: FeedRecord[] = [];
  for (const { page, events: pageEvents } of planned) {
    // Keys past the index's cursor are unlisted, so overwriting a leftover from a crashed run is safe.
    const text = renderPage(pageEvents);
    page.sha256 = pageHash(text);
    await store.put(page.key, text, { contentType: 'application/jsonl' });
    pageEvents.forEach((event, offset) => {
      records.push({ sequence: page.first + offset, page: page.key, event });
    });
  }

  const versions = { ...index.versions };
  for (const committed of batch) {
    const name = committed.definition.name;
    versions[name] = [...(versions[name] ?? []), committed.version].sort((a, b) => a - b);
  }
  const published = events.filter((event) => event.data.op === 'published');
  const next: FeedIndex = {
    ...index,
    cursor: index.cursor + events.length,
    newest_page: planned.at(-1)?.page.key ?? index.newest_page,
    page_size: pageSize,
    pages: [...index.pages, ...planned.map(({ page }) => page)],
    versions: Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    recent: [...index.recent, ...published].slice(-RECENT_ENTRIES),
  };
  await writeDerivedFiles(store, next, options);
  await writeFeedIndex(store, next);
  return { events, records, skipped };
}

/** A committed dataset version that has no events in the feed. */
export interface MissingVersion {
  definition: DatasetDefinition;
  version: number;
  manifestKey: string;
}

/** Committed versions (up to each dataset's latest.json, with a manifest) whose events are not in the feed. */
export async function findVersionsMissingFromFeed(
  store: LakeStore,
  definitions: readonly DatasetDefinition[],
): Promise<MissingVersion[]> {
  const index = await readFeedIndex(store);
  const missing: MissingVersion[] = [];
  for (const definition of definitions) {
    const latest = await latestVersion(store, definition.name);
    if (latest === undefined) continue;
    const inFeed = new Set(index.versions[definition.name] ?? []);
    for (let version = 1; version <= latest; version += 1) {
      const key = manifestKey(definition.name, version);
      if (!inFeed.has(version) && (await store.exists(key)))
        missing.push({ definition, version, manifestKey: key });
    }
  }
  return missing;
}

/** Datasets whose rows the feed reads whole: region and lineage lookups, coverage and the ics summary. */
const READ_WHOLE = new Set(['ics', 'ics_lineage', 'ics_coverage']);

/**
 * Load what `writeFeedForVersions` needs for a committed version: its as_of and its rows and the previous rows,
 * or, for datasets the feed does not need whole, only the changes between the two (walked line against line).
 */
export async function loadCommittedVersion(
  store: LakeStore,
  definition: DatasetDefinition,
  version: number,
): Promise<CommittedVersion> {
  const common = {
    definition,
    version,
    asOf: await versionAsOf(store, definition.name, version),
    manifestKey: manifestKey(definition.name, version),
  };
  if (READ_WHOLE.has(definition.name))
    return {
      ...common,
      previousRows: await readVersionRows(store, definition.name, version - 1),
      rows: await readVersionRows(store, definition.name, version),
    };
  if (version > 1) await versionAsOf(store, definition.name, version - 1);
  // A partitioned version is profiled partition by partition (cached per part); otherwise as the diff walks.
  const partProfiles =
    definition.name === POPULATION_DATASET
      ? await partitionedProfiles(store, definition.name, version - 1, version)
      : undefined;
  const profiler =
    definition.name === POPULATION_DATASET && partProfiles === undefined
      ? new PopulationProfiler()
      : undefined;
  const walked = await diffVersions(store, definition, version - 1, version, profiler);
  return {
    ...common,
    previousRows: [],
    rows: [],
    diffed: {
      changes: changesOf(definition, walked.diff),
      rows: walked.rows,
      previousRows: walked.previousRows,
      ...(profiler && { populationProfiles: { before: profiler.before, after: profiler.after } }),
      ...(partProfiles && { populationProfiles: partProfiles }),
    },
  };
}

/**
 * Bring the feed up to date with the lake: find every committed version missing from the feed (after a crash,
 * or simply just committed) and write their events in one batch. Call after all of a run's commits.
 */
export async function syncFeed(
  store: LakeStore,
  definitions: readonly DatasetDefinition[],
  options: FeedWriteOptions = {},
): Promise<FeedWriteResult> {
  const missing = await findVersionsMissingFromFeed(store, definitions);
  const loaded: CommittedVersion[] = [];
  for (const { definition, version } of missing)
    loaded.push(await loadCommittedVersion(store, definition, version));
  return writeFeedForVersions(store, loaded, options);
}

/** What the feed stage did, for the run report (`FeedOutcome`). */
export interface FeedStageResult {
  /** Events appended to the feed by this call. */
  events: number;
  /** Events accepted by the notifier (including ones left over from earlier runs). */
  notified: number;
  /** Events the notifier gave up on; they are retried next run. */
  failed: number;
}

/**
 * The feed stage of a run, after every dataset commit: sync the feed with the lake (repairing any version a
 * crashed run left unannounced), then hand all not-yet-notified events to the notifier.
 */
export async function runFeedStage(
  store: LakeStore,
  definitions: readonly DatasetDefinition[],
  notifier: Notifier,
  options: FeedWriteOptions = {},
): Promise<FeedStageResult> {
  const written = await syncFeed(store, definitions, options);
  const notified = await notifyPending(store, notifier);
  return { events: written.events.length, notified: notified.sent, failed: notified.failed };
}
