import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { SourceDataError } from '../core/errors.ts';
import type { Column } from './columns.ts';
import { diffRows, diffWithSource, type KeyTypes, keyedDiff, mergeableKeys, type RowsDiff } from './diff.ts';
import { CSV_MEDIA_TYPE, csvEditionPieces } from './formats/csv.ts';
import { JSON_MEDIA_TYPE, jsonEditionPieces } from './formats/json.ts';
import { PARQUET_MEDIA_TYPE, renderParquet, writeParquetFile } from './formats/parquet.ts';
import { isPartitioned, lakePaths, type Manifest, type ManifestFile, partFiles } from './manifest.ts';
import { compareByPrimaryKey, type Row, rowsContentHash, sha256Hex } from './rows.ts';
import { hashObject, type LakeStore, type ObjectDigest, putTextPieces } from './store.ts';
import { forEachPartRow, readPartRows } from './versions.ts';

/** The rows of a partitioned dataset, built lazily: publish asks only for partitions whose inputs changed. */
export interface PartitionedRows {
  /** Every partition the new version holds, each with a fingerprint of everything its rows are computed from
   *  (the caller's choice: document hashes, reference-data fingerprint, code version). */
  inputs: ReadonlyMap<string, string>;
  /** Build the rows of these partitions; every row returned must fall in one of them (else SourceDataError). */
  build(partitions: ReadonlySet<string>): readonly unknown[] | Promise<readonly unknown[]>;
}

const PARTITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FORMATS: readonly ManifestFile['format'][] = ['csv', 'json', 'parquet'];

/** The partition a row falls in, checked to be a safe folder name. */
export function partitionOf(definition: DatasetDefinition, row: Row): string {
  const partition = definition.partition?.of(row);
  if (typeof partition !== 'string' || !PARTITION_NAME.test(partition)) {
    throw new SourceDataError(
      `Dataset ${definition.name}: expected a partition name matching ${PARTITION_NAME} for row ${JSON.stringify(rowKey(definition, row))}, found ${JSON.stringify(partition)}; nothing was published`,
    );
  }
  return partition;
}

/** A partition's files in a version, as recorded in its manifest (one entry per format). */
export interface RecordedPart {
  partition: string;
  contentHash: string;
  rows: number;
  inputs: string | undefined;
  files: ManifestFile[];
}

/** The partitions of a committed version by name; empty for an unpartitioned one. */
export function recordedParts(manifest: Manifest | undefined): Map<string, RecordedPart> {
  const parts = new Map<string, RecordedPart>();
  if (manifest === undefined || !isPartitioned(manifest)) return parts;
  for (const file of manifest.files) {
    if (file.partition === undefined || file.content_hash === undefined) continue;
    const part = parts.get(file.partition) ?? {
      partition: file.partition,
      contentHash: file.content_hash,
      rows: file.rows,
      inputs: file.inputs,
      files: [],
    };
    part.files.push(file);
    parts.set(file.partition, part);
  }
  return parts;
}

/** sha256 of a partitioned version's content: its (partition, content hash) list in partition order. */
export function partitionedContentHash(parts: Iterable<{ partition: string; contentHash: string }>): string {
  const lines = [...parts]
    .map(({ partition, contentHash }) => `${partition} ${contentHash}\n`)
    .sort()
    .join('');
  return sha256Hex(`partitions\n${lines}`);
}

/** The address of a partition's files: changes whenever their bytes would (the rows or the schema). */
export function partAddress(schemaHash: string, contentHash: string): string {
  return sha256Hex(`${schemaHash}\n${contentHash}`);
}

/** One partition built this run: its rows sorted by primary key and unique, and their content hash. */
export interface BuiltPart {
  partition: string;
  rows: Row[];
  keyTypes: KeyTypes | null;
  contentHash: string;
}

/**
 * Split rows already sorted by primary key into their partitions (each stays sorted: the partition is a function
 * of key columns) and hash each. Rows outside `allowed` (when given) are a SourceDataError.
 */
export function splitSorted(
  definition: DatasetDefinition,
  sorted: readonly Row[],
  allowed?: ReadonlySet<string>,
): BuiltPart[] {
  const groups = new Map<string, Row[]>();
  for (const row of sorted) {
    const partition = partitionOf(definition, row);
    if (allowed !== undefined && !allowed.has(partition)) {
      throw new SourceDataError(
        `Dataset ${definition.name}: expected rows of the partitions asked for (${[...allowed].sort().join(', ') || 'none'}), found row ${JSON.stringify(rowKey(definition, row))} in partition ${partition}; nothing was published`,
      );
    }
    const group = groups.get(partition);
    if (group === undefined) groups.set(partition, [row]);
    else group.push(row);
  }
  const columns = Object.keys(definition.schema.shape);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([partition, rows]) => ({
      partition,
      rows,
      keyTypes: mergeableKeys(definition, rows),
      contentHash: rowsContentHash(columns, rows),
    }));
}

/**
 * Which partitions of the new version can be carried forward from the previous one without building: those whose
 * recorded inputs equal the new fingerprint, under an unchanged schema. The rest must be built.
 */
export function planCarryForward(
  previous: ReadonlyMap<string, RecordedPart>,
  inputs: ReadonlyMap<string, string>,
  schemaUnchanged: boolean,
): { carried: RecordedPart[]; toBuild: Set<string> } {
  const carried: RecordedPart[] = [];
  const toBuild = new Set<string>();
  for (const [partition, fingerprint] of inputs) {
    if (!PARTITION_NAME.test(partition))
      throw new RangeError(
        `Expected partition names matching ${PARTITION_NAME}, found ${JSON.stringify(partition)}`,
      );
    const recorded = previous.get(partition);
    if (schemaUnchanged && recorded?.inputs !== undefined && recorded.inputs === fingerprint)
      carried.push(recorded);
    else toBuild.add(partition);
  }
  return { carried, toBuild };
}

/**
 * Write one partition's three files under its content address, each only when absent: an existing key is a
 * complete file (every store's put is atomic: temp + rename on a folder, one PutObject or a completed multipart
 * upload on S3), written by an earlier version or a crashed run. Its digest comes from the previous manifest when
 * that lists it, else from reading it back.
 */
export async function writePart(
  store: LakeStore,
  definition: DatasetDefinition,
  columns: readonly Column[],
  part: BuiltPart,
  schemaHash: string,
  known: ReadonlyMap<string, ManifestFile>,
  inputs: string | undefined,
): Promise<ManifestFile[]> {
  const address = partAddress(schemaHash, part.contentHash);
  const files: ManifestFile[] = [];
  for (const format of FORMATS) {
    const key = lakePaths.part(definition.name, part.partition, address, format);
    const digest =
      known.get(key) ??
      (await hashObject(store, key)) ??
      (await putPartFile(store, definition, columns, part, format, key));
    files.push({
      name: `${definition.name}-${part.partition}.${format}`,
      format,
      media_type: MEDIA_TYPES[format],
      sha256: digest.sha256,
      bytes: digest.bytes,
      rows: part.rows.length,
      partition: part.partition,
      path: key,
      content_hash: part.contentHash,
      ...(inputs === undefined ? {} : { inputs }),
    });
  }
  return files;
}

const MEDIA_TYPES: Record<ManifestFile['format'], string> = {
  csv: CSV_MEDIA_TYPE,
  json: JSON_MEDIA_TYPE,
  parquet: PARQUET_MEDIA_TYPE,
};

/** Files of the previous version by lake key, so a part shared with it is neither read nor written. */
export function knownFiles(previous: Manifest | undefined): Map<string, ManifestFile> {
  const known = new Map<string, ManifestFile>();
  for (const file of previous?.files ?? []) if (file.path !== undefined) known.set(file.path, file);
  return known;
}

async function putPartFile(
  store: LakeStore,
  definition: DatasetDefinition,
  columns: readonly Column[],
  part: BuiltPart,
  format: ManifestFile['format'],
  key: string,
): Promise<ObjectDigest> {
  if (format === 'parquet') {
    const bytes = renderParquet(definition, part.rows);
    await store.put(key, bytes, { contentType: PARQUET_MEDIA_TYPE });
    return { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  }
  const pieces =
    format === 'csv' ? csvEditionPieces(columns, part.rows) : jsonEditionPieces(columns, part.rows);
  return putTextPieces(store, key, pieces, MEDIA_TYPES[format]);
}

/**
 * The change summary of a partitioned version from its changed partitions only: each built partition whose
 * content differs is merge-walked against the previous version's part of that name (streamed), and each previous
 * partition the new version drops counts as deleted. Unchanged partitions are never read.
 */
export async function diffChangedParts(
  store: LakeStore,
  definition: DatasetDefinition,
  built: readonly BuiltPart[],
  previous: ReadonlyMap<string, RecordedPart>,
  kept: ReadonlySet<string>,
): Promise<RowsDiff> {
  const diffs: RowsDiff[] = [];
  for (const part of built) {
    const before = previous.get(part.partition);
    if (before?.contentHash === part.contentHash) continue;
    const json = before?.files.find((file) => file.format === 'json');
    diffs.push(
      json === undefined
        ? diffRows(definition, [], part.rows)
        : await diffWithSource(definition, partSource(store, json), part.rows, part.keyTypes),
    );
  }
  for (const [partition, before] of previous) {
    if (kept.has(partition)) continue;
    const json = before.files.find((file) => file.format === 'json');
    if (json !== undefined) diffs.push(diffRows(definition, await readPartRows(store, json), []));
  }
  return mergeDiffs(definition, diffs);
}

function partSource(store: LakeStore, file: ManifestFile) {
  return {
    eachRow: (onRow: (row: Row) => void) => forEachPartRow(store, file, onRow),
    readAll: () => readPartRows(store, file),
  };
}

/**
 * Diffs of partitions as one, each list in primary-key order. A row whose key left one partition and entered
 * another (the partitioning changed, e.g. one `rebased` partition split by year) is the same row: unchanged, or
 * updated in the fields that differ, never deleted and created.
 */
export function mergeDiffs(definition: DatasetDefinition, diffs: readonly RowsDiff[]): RowsDiff {
  if (diffs.length === 1) return diffs[0] as RowsDiff;
  const compare = compareByPrimaryKey(definition);
  const merged = movesReconciled(definition, {
    created: diffs.flatMap((diff) => diff.created),
    updated: diffs.flatMap((diff) => diff.updated),
    deleted: diffs.flatMap((diff) => diff.deleted),
  });
  return {
    created: merged.created.sort(compare),
    updated: merged.updated.sort((a, b) => compare(a.after, b.after)),
    deleted: merged.deleted.sort(compare),
  };
}

/** Rows both deleted and created under one key are matched as `keyedDiff` matches them: dropped when equal, else one update. */
function movesReconciled(definition: DatasetDefinition, diff: RowsDiff): RowsDiff {
  if (diff.created.length === 0 || diff.deleted.length === 0) return diff;
  const moved = keyedDiff(definition, diff.deleted, diff.created);
  return { created: moved.created, updated: [...diff.updated, ...moved.updated], deleted: moved.deleted };
}

/**
 * A partitioned version as one Parquet file at `filename`, written a partition at a time (each part's rows read
 * from its hash-checked JSON part): memory holds one partition, never the version. Rows are in partition order.
 */
export async function writePartitionedParquet(
  store: LakeStore,
  definition: DatasetDefinition,
  manifest: Manifest,
  filename: string,
): Promise<void> {
  async function* parts(): AsyncGenerator<Row[]> {
    for (const file of partFiles(manifest, 'json')) yield await readPartRows(store, file);
  }
  await writeParquetFile(definition, filename, parts());
}
