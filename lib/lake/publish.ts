import { z } from 'zod';
import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { LakeConflictError, SourceDataError } from '../core/errors.ts';
import { type Column, datasetColumns } from './columns.ts';
import { type DataSource, versionDataPackage } from './datapackage.ts';
import { diffRows, diffWithVersion, type KeyTypes, mergeableKeys, type RowsDiff } from './diff.ts';
import { CSV_MEDIA_TYPE, csvEditionPieces } from './formats/csv.ts';
import { JSON_MEDIA_TYPE, jsonEditionPieces } from './formats/json.ts';
import { PARQUET_MEDIA_TYPE, renderParquet } from './formats/parquet.ts';
import { refreshLatestFiles } from './latest-files.ts';
import {
  type ChangeSummary,
  editionFileNames,
  type LatestPointer,
  type LineageEntry,
  lakePaths,
  Manifest,
  type ManifestFile,
  type SchemaChanges,
} from './manifest.ts';
import {
  type BuiltPart,
  diffChangedParts,
  knownFiles,
  mergeDiffs,
  type PartitionedRows,
  partitionedContentHash,
  planCarryForward,
  type RecordedPart,
  recordedParts,
  splitSorted,
  writePart,
} from './partitions.ts';
import { canonicalJson, projectRow, type Row, rowsContentHash, sha256Hex, sortRows } from './rows.ts';
import { type LakeStore, type ObjectDigest, putTextPieces } from './store.ts';
import { newestCommittedVersion, parseInstant, readLatestPointer, readManifest } from './versions.ts';

/** Inputs of one publish besides the rows. Nothing here is read from the environment or the wall clock. */
export interface PublishOptions {
  /** The instant the data describes (the run's clock, or the replayed snapshot date). */
  asOf: Date | string;
  /** When this version is written (the run's clock). */
  createdAt: Date | string;
  /** The pipeline's version string (e.g. package version + git sha). */
  pipelineVersion: string;
  /** The raw objects the rows were built from. */
  lineage: readonly LineageEntry[];
  /** Sources cited in the version's datapackage.json. */
  sources?: readonly DataSource[];
}

/**
 * The outcome of a publish: a new committed version; nothing written because the content equals the newest
 * version's (`unchanged`); or nothing written because the newest version is as of a later instant than this run
 * (`superseded`: history is never rewritten, so replaying old snapshots over an up-to-date lake is a no-op).
 * `version` is the newest committed version in the last two cases.
 */
export type PublishResult =
  | { status: 'published'; version: number; manifest: Manifest }
  | { status: 'unchanged'; version: number }
  | { status: 'superseded'; version: number };

export type { PartitionedRows } from './partitions.ts';

const encoder = new TextEncoder();

/** Pretty, newline-terminated JSON bytes (the lake's control-file format). */
export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Validate every row with the schema and project it onto the schema's columns; keys must be unique. A bad row is
 * reported before a later duplicate, and a duplicate before a later bad row, as one pass would.
 */
function validateRows(definition: DatasetDefinition, rows: readonly unknown[]): Row[] {
  const columns = Object.keys(definition.schema.shape);
  const projected: Row[] = [];
  for (const [index, row] of rows.entries()) {
    const parsed = definition.schema.safeParse(row);
    if (!parsed.success) {
      assertUniqueKeys(definition, projected);
      const issue = parsed.error.issues[0];
      throw new SourceDataError(
        `Dataset ${definition.name}: row ${index} does not match the schema: ${issue?.path.join('.') || '(row)'}: ${issue?.message ?? 'invalid'}; nothing was published`,
      );
    }
    projected.push(projectRow(columns, parsed.data as Row));
  }
  return projected;
}

/**
 * The rows sorted by primary key, checked unique. Strictly ascending plain keys are unique without a set of every
 * key (which a full-history dataset would make hundreds of MiB); otherwise the keyed check names the rows.
 */
function sortedUnique(
  definition: DatasetDefinition,
  rows: readonly Row[],
): { sorted: Row[]; keyTypes: KeyTypes | null } {
  const sorted = sortRows(definition, rows);
  const keyTypes = mergeableKeys(definition, sorted);
  if (keyTypes === null) assertUniqueKeys(definition, rows);
  return { sorted, keyTypes };
}

function assertUniqueKeys(definition: DatasetDefinition, rows: readonly Row[]): void {
  const seen = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    const key = rowKey(definition, row);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new SourceDataError(
        `Dataset ${definition.name}: expected unique primary key (${definition.primaryKey.join(', ')}), found ${JSON.stringify(key)} in rows ${first} and ${index}; nothing was published`,
      );
    }
    seen.set(key, index);
  }
}

/** The comparable part of a column's JSON Schema: descriptions and titles are documentation, not type. */
function typeOf(property: unknown): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key]) => key !== 'description' && key !== 'title')
          .map(([key, inner]) => [key, strip(inner)]),
      );
    }
    return value;
  };
  return canonicalJson(strip(property));
}

function schemaChanges(
  previous: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
): SchemaChanges {
  if (previous === undefined) return { added: [], removed: [], retyped: [] };
  const properties = (schema: Record<string, unknown>) =>
    (schema.properties ?? {}) as Record<string, unknown>;
  const required = (schema: Record<string, unknown>) => new Set((schema.required ?? []) as string[]);
  const before = properties(previous);
  const after = properties(next);
  const requiredBefore = required(previous);
  const requiredAfter = required(next);
  return {
    added: Object.keys(after).filter((column) => !(column in before)),
    removed: Object.keys(before).filter((column) => !(column in after)),
    retyped: Object.keys(after).filter(
      (column) =>
        column in before &&
        (typeOf(before[column]) !== typeOf(after[column]) ||
          requiredBefore.has(column) !== requiredAfter.has(column)),
    ),
  };
}

function nextRelease(previous: Manifest | undefined, schemaChange: boolean): string {
  if (previous === undefined) return '1.0.0';
  const [major = 1, minor = 0] = previous.release.split('.').map(Number);
  return schemaChange ? `${major + 1}.0.0` : `${major}.${minor + 1}.0`;
}

/** The `latest.json` pointer to a committed manifest. */
export function pointerFor(manifest: Manifest, manifestBytes: Uint8Array): LatestPointer {
  return {
    dataset: manifest.dataset,
    version: manifest.version,
    as_of: manifest.as_of,
    created_at: manifest.created_at,
    manifest: lakePaths.manifest(manifest.dataset, manifest.version),
    manifest_sha256: sha256Hex(manifestBytes),
  };
}

/**
 * Point `latest.json` at the newest committed version if it does not already, then bring the `latest/` copies
 * up to it: a crash between the manifest and the pointer, or between the pointer and the copies, leaves them
 * behind, and the next publish rolls them forward. An up-to-date lake costs two small reads and no write.
 */
async function repairLatest(store: LakeStore, name: string, latest: Manifest): Promise<void> {
  const key = lakePaths.manifest(name, latest.version);
  const manifestBytes = await store.get(key);
  if (manifestBytes === undefined) return;
  const expected = jsonBytes(pointerFor(latest, manifestBytes));
  const current = await store.get(lakePaths.latest(name));
  if (current === undefined || !Buffer.from(current).equals(Buffer.from(expected))) {
    await store.put(lakePaths.latest(name), expected, { contentType: 'application/json' });
  }
  await refreshLatestFiles(store, latest, manifestBytes);
}

/** Write the CSV, JSON and Parquet editions of a version and return their manifest entries. */
async function writeEditions(
  store: LakeStore,
  definition: DatasetDefinition,
  version: number,
  columns: readonly Column[],
  sorted: readonly Row[],
): Promise<ManifestFile[]> {
  const names = editionFileNames(definition.name);
  const key = (format: ManifestFile['format']) => lakePaths.file(definition.name, version, names[format]);
  const written: { format: ManifestFile['format']; mediaType: string; edition: ObjectDigest }[] = [
    {
      format: 'csv',
      mediaType: CSV_MEDIA_TYPE,
      edition: await putTextPieces(store, key('csv'), csvEditionPieces(columns, sorted), CSV_MEDIA_TYPE),
    },
    {
      format: 'json',
      mediaType: JSON_MEDIA_TYPE,
      edition: await putTextPieces(store, key('json'), jsonEditionPieces(columns, sorted), JSON_MEDIA_TYPE),
    },
  ];
  const parquet = renderParquet(definition, sorted);
  await store.put(key('parquet'), parquet, { contentType: PARQUET_MEDIA_TYPE });
  written.push({
    format: 'parquet',
    mediaType: PARQUET_MEDIA_TYPE,
    edition: { sha256: sha256Hex(parquet), bytes: parquet.byteLength },
  });
  return written.map(({ format, mediaType, edition }) => ({
    name: names[format],
    format,
    media_type: mediaType,
    sha256: edition.sha256,
    bytes: edition.bytes,
    rows: sorted.length,
  }));
}

/**
 * Publish `rows` as the next version of a dataset, crash-safely: validate everything first (a bad row writes
 * nothing), then write the data files and the version's datapackage.json, then create the manifest (create-if-
 * absent: the commit point), then `latest.json`, then the stable copies under `latest/` (latest-files.ts). Versions are numbered from the newest committed manifest;
 * a version folder without a manifest is a crash leftover and is overwritten. When the rows and schema equal the
 * newest version's, nothing is written and the result is `unchanged`; when the newest version is as of a later
 * instant than `asOf`, nothing is written and the result is `superseded`.
 * A dataset that declares `partition` is stored in content-addressed partition files shared between versions
 * (publishPartitioned); its rows may come as an array or as PartitionedRows, built only where inputs changed.
 * Concurrent publishers of one dataset must be excluded by the run lease: the manifest's create-if-absent detects
 * a lost race (LakeConflictError) but cannot undo the loser's overwrite of the data files.
 */
export async function publishDataset(
  store: LakeStore,
  definition: DatasetDefinition,
  rows: readonly unknown[] | PartitionedRows,
  options: PublishOptions,
): Promise<PublishResult> {
  if (definition.partition !== undefined) return publishPartitioned(store, definition, rows, options);
  if (!Array.isArray(rows))
    throw new RangeError(
      `Dataset ${definition.name}: expected rows as an array (PartitionedRows need a definition that declares partition)`,
    );
  const name = definition.name;
  const columns = datasetColumns(definition);
  const { sorted, keyTypes } = sortedUnique(definition, validateRows(definition, rows));
  const basics = versionBasics(definition, options);
  const contentHash = rowsContentHash(Object.keys(definition.schema.shape), sorted);

  const previous = await newestCommitted(store, name);
  await rollForward(store, name, previous);
  const skip = skipReason(previous, contentHash, basics);
  if (skip !== undefined) return skip;

  const diff =
    previous === undefined
      ? diffRows(definition, [], sorted)
      : await diffWithVersion(store, definition, previous.version, sorted, keyTypes);
  const version = (previous?.version ?? 0) + 1;
  const files = await writeEditions(store, definition, version, columns, sorted);
  return commitVersion(store, definition, {
    previous,
    basics,
    contentHash,
    rows: sorted.length,
    changes: changeSummary(definition, diff),
    files,
    options,
  });
}

/**
 * Publish a partitioned dataset: only partitions whose inputs changed are built (PartitionedRows) or, for plain
 * rows, only partitions whose content changed are written; every other partition is carried forward from the
 * previous version by reference, never read or written. Each part file is content-addressed and written only when
 * absent. The version's content hash is over its (partition, content hash) list, so a no-op rerun is `unchanged`,
 * and the change summary merge-walks the changed partitions only.
 */
async function publishPartitioned(
  store: LakeStore,
  definition: DatasetDefinition,
  rows: readonly unknown[] | PartitionedRows,
  options: PublishOptions,
): Promise<PublishResult> {
  const basics = versionBasics(definition, options);
  const previous = await newestCommitted(store, definition.name);
  const recorded = recordedParts(previous);
  const schemaUnchanged = previous?.schema_hash === basics.schemaHash;
  const lazy = isPartitionedRows(rows) ? rows : undefined;
  // Built a batch at a time unless this is the first partitioned version over a whole one (diffed whole).
  if (lazy !== undefined && (previous === undefined || recorded.size > 0))
    return publishInBatches(store, definition, lazy, {
      previous,
      recorded,
      schemaUnchanged,
      basics,
      options,
    });
  const plan =
    lazy === undefined
      ? { carried: [], toBuild: undefined, built: rows as readonly unknown[] }
      : await buildChanged(recorded, lazy, schemaUnchanged);
  const { sorted } = sortedUnique(definition, validateRows(definition, plan.built));
  const built = splitSorted(definition, sorted, plan.toBuild);
  await rollForward(store, definition.name, previous);
  const inputsOf = (partition: string) => lazy?.inputs.get(partition);

  const parts = [
    ...plan.carried.map((part) => ({ partition: part.partition, contentHash: part.contentHash })),
    ...built.map((part) => ({ partition: part.partition, contentHash: part.contentHash })),
  ];
  const contentHash = partitionedContentHash(parts);
  const skip = skipReason(previous, contentHash, basics);
  if (skip !== undefined) return skip;

  const diff =
    previous !== undefined && recorded.size === 0
      ? await diffWithVersion(store, definition, previous.version, sorted)
      : await diffChangedParts(
          store,
          definition,
          built,
          recorded,
          new Set(parts.map((part) => part.partition)),
        );
  const files: ManifestFile[] = plan.carried.flatMap((part) => part.files);
  const writer = partWriter(store, definition, { previous, basics, schemaUnchanged }, inputsOf);
  for (const part of built) files.push(...(await writer(part)));
  return commitParts(store, definition, { previous, basics, contentHash, files, diff, options });
}

/** Writes built parts under their content address, with the digests the previous version already recorded. */
function partWriter(
  store: LakeStore,
  definition: DatasetDefinition,
  state: Pick<PartitionedState, 'previous' | 'basics' | 'schemaUnchanged'>,
  inputsOf: (partition: string) => string | undefined,
): (part: BuiltPart) => Promise<ManifestFile[]> {
  const columns = datasetColumns(definition);
  const known = state.schemaUnchanged ? knownFiles(state.previous) : new Map<string, ManifestFile>();
  return (part) =>
    writePart(store, definition, columns, part, state.basics.schemaHash, known, inputsOf(part.partition));
}

/** Commit a partitioned version from its files (carried and written) and its change summary. */
function commitParts(
  store: LakeStore,
  definition: DatasetDefinition,
  version: {
    previous: Manifest | undefined;
    basics: VersionBasics;
    contentHash: string;
    files: ManifestFile[];
    diff: RowsDiff;
    options: PublishOptions;
  },
): Promise<PublishResult> {
  const files = [...version.files].sort((a, b) =>
    compareText(`${a.partition} ${a.format}`, `${b.partition} ${b.format}`),
  );
  return commitVersion(store, definition, {
    previous: version.previous,
    basics: version.basics,
    contentHash: version.contentHash,
    rows: files.filter((file) => file.format === 'json').reduce((total, file) => total + file.rows, 0),
    changes: changeSummary(definition, version.diff),
    files,
    options: version.options,
  });
}

/**
 * Partitions built at once. A change of code version, schema or reference data rebuilds every partition (a
 * decade of `ics_population` is ~2 M rows): built a batch at a time, memory holds one batch's rows, not the history.
 */
export const BUILD_BATCH_PARTITIONS = 12;

interface PartitionedState {
  previous: Manifest | undefined;
  recorded: ReadonlyMap<string, RecordedPart>;
  schemaUnchanged: boolean;
  basics: VersionBasics;
  options: PublishOptions;
}

/**
 * Publish from PartitionedRows, building the partitions whose inputs changed a batch at a time: each batch is
 * built, validated, split, diffed against the previous version's parts and its new parts written (content-
 * addressed: a part that exists is not written again), then dropped. A version whose content equals the previous
 * one wrote nothing (every part already existed). A bad row in a later batch leaves the earlier batches' new parts
 * unreferenced: nothing is published, verify reports them and `verify --repair` removes them. A run older than
 * the newest version (a replay over a newer lake) writes no part: it only hashes, to say unchanged or superseded.
 */
async function publishInBatches(
  store: LakeStore,
  definition: DatasetDefinition,
  lazy: PartitionedRows,
  state: PartitionedState,
): Promise<PublishResult> {
  const { previous, recorded, basics } = state;
  const { carried, toBuild } = planCarryForward(recorded, lazy.inputs, state.schemaUnchanged);
  const older = previous !== undefined && Date.parse(basics.asOf) < Date.parse(previous.as_of);
  const writer = partWriter(store, definition, state, (partition) => lazy.inputs.get(partition));
  const everyPrevious = new Set(recorded.keys());
  const hashes = carried.map((part) => ({ partition: part.partition, contentHash: part.contentHash }));
  const files: ManifestFile[] = carried.flatMap((part) => part.files);
  const diffs: RowsDiff[] = [];
  for (const batch of batchesOf([...toBuild].sort(compareText), BUILD_BATCH_PARTITIONS)) {
    const wanted = new Set(batch);
    const { sorted } = sortedUnique(definition, validateRows(definition, await lazy.build(wanted)));
    const built = splitSorted(definition, sorted, wanted);
    hashes.push(...built.map((part) => ({ partition: part.partition, contentHash: part.contentHash })));
    if (older) continue;
    diffs.push(await diffChangedParts(store, definition, built, recorded, everyPrevious));
    for (const part of built) files.push(...(await writer(part)));
  }
  await rollForward(store, definition.name, previous);
  const contentHash = partitionedContentHash(hashes);
  const skip = skipReason(previous, contentHash, basics);
  if (skip !== undefined) return skip;
  // Partitions of the previous version that the new one no longer holds: their rows are deleted.
  diffs.push(await diffChangedParts(store, definition, [], recorded, new Set(lazy.inputs.keys())));
  const diff = mergeDiffs(definition, diffs);
  return commitParts(store, definition, {
    previous,
    basics,
    contentHash,
    files,
    diff,
    options: state.options,
  });
}

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

function isPartitionedRows(rows: readonly unknown[] | PartitionedRows): rows is PartitionedRows {
  return !Array.isArray(rows);
}

/** Ask PartitionedRows for the partitions that cannot be carried forward, and nothing else. */
async function buildChanged(
  recorded: ReadonlyMap<string, RecordedPart>,
  rows: PartitionedRows,
  schemaUnchanged: boolean,
): Promise<{ carried: RecordedPart[]; toBuild: Set<string>; built: readonly unknown[] }> {
  const { carried, toBuild } = planCarryForward(recorded, rows.inputs, schemaUnchanged);
  const built = toBuild.size === 0 ? [] : await rows.build(toBuild);
  return { carried, toBuild, built };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What every version records about its run and schema. */
interface VersionBasics {
  asOf: string;
  createdAt: string;
  schema: Record<string, unknown>;
  schemaHash: string;
}

function versionBasics(definition: DatasetDefinition, options: PublishOptions): VersionBasics {
  const schema = z.toJSONSchema(definition.schema) as Record<string, unknown>;
  return {
    asOf: parseInstant(options.asOf).toISOString(),
    createdAt: parseInstant(options.createdAt).toISOString(),
    schema,
    schemaHash: sha256Hex(canonicalJson(schema)),
  };
}

/** The newest committed version's manifest (read only: see rollForward). */
async function newestCommitted(store: LakeStore, name: string): Promise<Manifest | undefined> {
  const previousVersion = await newestCommittedVersion(store, name);
  return previousVersion === undefined ? undefined : readManifest(store, name, previousVersion);
}

/** Once the rows are valid: bring `latest.json` and `latest/` forward to the newest committed version. */
async function rollForward(store: LakeStore, name: string, previous: Manifest | undefined): Promise<void> {
  if (previous !== undefined) await repairLatest(store, name, previous);
}

/** `unchanged` or `superseded` when nothing must be written, else undefined. */
function skipReason(
  previous: Manifest | undefined,
  contentHash: string,
  basics: VersionBasics,
): PublishResult | undefined {
  if (previous === undefined) return undefined;
  if (previous.content_hash === contentHash && previous.schema_hash === basics.schemaHash)
    return { status: 'unchanged', version: previous.version };
  if (Date.parse(basics.asOf) < Date.parse(previous.as_of))
    return { status: 'superseded', version: previous.version };
  return undefined;
}

function changeSummary(definition: DatasetDefinition, diff: RowsDiff): ChangeSummary {
  return {
    created: diff.created.length,
    updated: diff.updated.length,
    deleted: diff.deleted.length,
    created_keys: diff.created.map((row) => rowKey(definition, row)),
    updated_keys: diff.updated.map((update) => update.key),
    deleted_keys: diff.deleted.map((row) => rowKey(definition, row)),
  };
}

/** A version whose data files are written: what its manifest needs besides them. */
interface VersionToCommit {
  previous: Manifest | undefined;
  basics: VersionBasics;
  contentHash: string;
  rows: number;
  changes: ChangeSummary;
  files: ManifestFile[];
  options: PublishOptions;
}

/**
 * After the data files: write the version's datapackage.json, create the manifest (the commit point), point
 * `latest.json` at it, then refresh the `latest/` copies.
 */
async function commitVersion(
  store: LakeStore,
  definition: DatasetDefinition,
  next: VersionToCommit,
): Promise<PublishResult> {
  const { previous, basics, options, files } = next;
  const name = definition.name;
  const schemaChange = schemaChanges(previous?.schema, basics.schema);
  const isSchemaChange =
    schemaChange.added.length + schemaChange.removed.length + schemaChange.retyped.length > 0;
  const version = (previous?.version ?? 0) + 1;
  const release = nextRelease(previous, isSchemaChange);
  const datapackageBytes = jsonBytes(
    versionDataPackage(definition, { version, release, files }, options.sources ?? []),
  );
  await store.put(lakePaths.datapackage(name, version), datapackageBytes, {
    contentType: 'application/json',
  });

  const manifest = Manifest.parse({
    manifest_version: 1,
    dataset: name,
    version,
    release,
    previous_version: previous?.version ?? null,
    change_kind: previous === undefined ? 'initial' : isSchemaChange ? 'schema' : 'data',
    created_at: basics.createdAt,
    as_of: basics.asOf,
    pipeline_version: options.pipelineVersion,
    rows: next.rows,
    primary_key: [...definition.primaryKey],
    content_hash: next.contentHash,
    schema: basics.schema,
    schema_hash: basics.schemaHash,
    schema_change: isSchemaChange,
    schema_changes: schemaChange,
    changes: next.changes,
    files,
    datapackage: { sha256: sha256Hex(datapackageBytes), bytes: datapackageBytes.byteLength },
    lineage: [...options.lineage].sort((a, b) =>
      canonicalJson(a) < canonicalJson(b) ? -1 : canonicalJson(a) > canonicalJson(b) ? 1 : 0,
    ),
  });
  const manifestBytes = jsonBytes(manifest);
  const manifestKey = lakePaths.manifest(name, version);
  if (!(await store.putIfAbsent(manifestKey, manifestBytes, { contentType: 'application/json' }))) {
    const existing = await store.get(manifestKey);
    if (existing === undefined || !Buffer.from(existing).equals(Buffer.from(manifestBytes))) {
      throw new LakeConflictError(
        `Dataset ${name}: expected to commit v${version}, but another writer committed ${manifestKey} first; rerun to publish on top of it`,
        undefined,
        manifestKey,
      );
    }
  }
  if (!store.enforcesConditionalCreate) await confirmCommit(store, name, version, manifestBytes);
  await store.put(lakePaths.latest(name), jsonBytes(pointerFor(manifest, manifestBytes)), {
    contentType: 'application/json',
  });
  await refreshLatestFiles(store, manifest, manifestBytes, { force: true });
  return { status: 'published', version, manifest };
}

/**
 * On a store that cannot refuse a second create (an S3 emulator ignoring If-None-Match), a concurrent run can
 * overwrite a version we just committed. Read it back: if the manifest or, once written, `latest.json` is not
 * ours, we lost a race, and that is an error, never silent. Call again after the run's last commit.
 */
export async function confirmCommit(
  store: LakeStore,
  name: string,
  version: number,
  manifestBytes: Uint8Array,
  checkLatest = false,
): Promise<void> {
  const key = lakePaths.manifest(name, version);
  const stored = await store.get(key);
  if (stored === undefined || !Buffer.from(stored).equals(Buffer.from(manifestBytes))) {
    throw new LakeConflictError(
      `Dataset ${name}: another run overwrote ${key} after this run committed it (${store.location} cannot enforce create-if-absent); this run's v${version} is lost: rerun when the other run has finished`,
      undefined,
      key,
    );
  }
  if (!checkLatest) return;
  const pointer = await readLatestPointer(store, name);
  if (pointer === undefined || pointer.version < version) {
    throw new LakeConflictError(
      `Dataset ${name}: ${lakePaths.latest(name)} no longer points at v${version} or later (found ${pointer === undefined ? 'none' : `v${pointer.version}`}); another run wrote this lake at the same time`,
      undefined,
      lakePaths.latest(name),
    );
  }
}
