import { z } from 'zod';

/** Hex sha256. */
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One published file of a dataset version. */
export const ManifestFile = z.object({
  /** File name inside the version folder, e.g. `ics.csv`. */
  name: z.string().min(1),
  format: z.enum(['csv', 'json', 'parquet']),
  media_type: z.string(),
  sha256: Sha256,
  bytes: z.int().nonnegative(),
  rows: z.int().nonnegative(),
  /** The partition this file holds (datasets that declare `partition` only). */
  partition: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
    .optional(),
  /** Lake key of the file when it is not in the version folder, e.g. `datasets/<name>/parts/2024-01/<address>.csv`. */
  path: z.string().min(1).optional(),
  /** sha256 of the partition's rows, in the same form as the version's `content_hash` (`rowsContentHash`). */
  content_hash: Sha256.optional(),
  /** The fingerprint of everything the partition's rows were computed from, as the publisher gave it. */
  inputs: z.string().optional(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/** Column-level schema change against the previous version. */
export const SchemaChanges = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  /** Columns whose JSON Schema type (or nullability, format, enum) changed. */
  retyped: z.array(z.string()),
});
export type SchemaChanges = z.infer<typeof SchemaChanges>;

/** Row-level change summary against the previous version, by primary key (`rowKey` form). */
export const ChangeSummary = z.object({
  created: z.int().nonnegative(),
  updated: z.int().nonnegative(),
  deleted: z.int().nonnegative(),
  created_keys: z.array(z.string()),
  updated_keys: z.array(z.string()),
  deleted_keys: z.array(z.string()),
});
export type ChangeSummary = z.infer<typeof ChangeSummary>;

/** A raw object a version was built from. */
export const LineageEntry = z.object({ sha256: Sha256, url: z.string() });
export type LineageEntry = z.infer<typeof LineageEntry>;

/**
 * `datasets/<name>/v<N>/manifest.json`: the commit record of one immutable dataset version. It is written after
 * every data file and before `latest.json`, with create-if-absent, so its presence is what makes a version real.
 */
export const Manifest = z.object({
  manifest_version: z.literal(1),
  dataset: z.string(),
  version: z.int().positive(),
  /**
   * What the version number means for consumers, as semver: the major part moves on a schema change (a column
   * added, removed or retyped), the minor part on a data-only change. `v1` is `1.0.0`.
   */
  release: z.string().regex(/^\d+\.\d+\.\d+$/),
  previous_version: z.int().positive().nullable(),
  /** `initial` for v1, `schema` when columns changed, otherwise `data`. */
  change_kind: z.enum(['initial', 'schema', 'data']),
  /** When the version was written (the run's clock), ISO 8601 UTC. */
  created_at: z.iso.datetime(),
  /** The instant the data describes: the run's clock or the replayed snapshot date. Governs `versionAsOf`. */
  as_of: z.iso.datetime(),
  pipeline_version: z.string(),
  rows: z.int().nonnegative(),
  /** The columns whose values identify a row; change summaries and diffs match rows by them. */
  primary_key: z.array(z.string()).min(1),
  /** sha256 of the rows sorted by primary key, in a column-order-independent form (`rowsContentHash`). */
  content_hash: Sha256,
  /** The row schema exported from zod (`z.toJSONSchema`). */
  schema: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical JSON of `schema`. */
  schema_hash: Sha256,
  schema_change: z.boolean(),
  schema_changes: SchemaChanges,
  changes: ChangeSummary,
  files: z.array(ManifestFile),
  /** The version's Frictionless descriptor, `datapackage.json` in the same folder. */
  datapackage: z.object({ sha256: Sha256, bytes: z.int().nonnegative() }),
  lineage: z.array(LineageEntry),
});
export type Manifest = z.infer<typeof Manifest>;

/** `datasets/<name>/latest.json`: the pointer readers follow; written last, only to a committed version. */
export const LatestPointer = z.object({
  dataset: z.string(),
  version: z.int().positive(),
  as_of: z.iso.datetime(),
  created_at: z.iso.datetime(),
  /** Lake key of the version's manifest. */
  manifest: z.string(),
  manifest_sha256: Sha256,
});
export type LatestPointer = z.infer<typeof LatestPointer>;

/** Lake keys of a dataset and its versions. */
export const lakePaths = {
  datasetPrefix: (name: string) => `datasets/${name}/`,
  latest: (name: string) => `datasets/${name}/latest.json`,
  versionPrefix: (name: string, version: number) => `datasets/${name}/v${version}/`,
  manifest: (name: string, version: number) => `datasets/${name}/v${version}/manifest.json`,
  datapackage: (name: string, version: number) => `datasets/${name}/v${version}/datapackage.json`,
  file: (name: string, version: number, fileName: string) => `datasets/${name}/v${version}/${fileName}`,
  partsPrefix: (name: string) => `datasets/${name}/parts/`,
  part: (name: string, partition: string, address: string, format: ManifestFile['format']) =>
    `datasets/${name}/parts/${partition}/${address}.${format}`,
};

/** Lake key of a file of a version: its own `path` (a shared partition file) or its place in the version folder. */
export function fileKey(manifest: Pick<Manifest, 'dataset' | 'version'>, file: ManifestFile): string {
  return file.path ?? lakePaths.file(manifest.dataset, manifest.version, file.name);
}

/** Whether a version is stored in partitions (its files name them). */
export function isPartitioned(manifest: Pick<Manifest, 'files'>): boolean {
  return manifest.files.some((file) => file.partition !== undefined);
}

/** A partitioned version's files of one format, in partition order (the order readers concatenate them). */
export function partFiles(manifest: Pick<Manifest, 'files'>, format: ManifestFile['format']): ManifestFile[] {
  return manifest.files
    .filter((file) => file.format === format && file.partition !== undefined)
    .sort((a, b) => ((a.partition ?? '') < (b.partition ?? '') ? -1 : 1));
}

/** File names of a dataset's three editions. */
export function editionFileNames(name: string): Record<ManifestFile['format'], string> {
  return { csv: `${name}.csv`, json: `${name}.json`, parquet: `${name}.parquet` };
}
