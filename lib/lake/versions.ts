import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { describeError, LakeDamagedError } from '../core/errors.ts';
import { parseAsOfInstant } from '../core/instant.ts';
import { parseJsonEditionStream } from './formats/json.ts';
import {
  editionFileNames,
  fileKey,
  isPartitioned,
  LatestPointer,
  lakePaths,
  Manifest,
  type ManifestFile,
  partFiles,
} from './manifest.ts';
import type { Row } from './rows.ts';
import { sha256Hex } from './rows.ts';
import { getJson, type LakeStore, repairHint } from './store.ts';

/**
 * Committed version numbers of a dataset (those with a manifest), ascending. Leftovers without one are ignored.
 * Lists only the version folders (`v…/`), not the parts every version shares nor `latest/`.
 */
export async function committedVersionNumbers(store: LakeStore, name: string): Promise<number[]> {
  const prefix = lakePaths.datasetPrefix(name);
  const numbers: number[] = [];
  for (const { key } of await store.list(`${prefix}v`)) {
    const match = /^v([1-9]\d*)\/manifest\.json$/.exec(key.slice(prefix.length));
    if (match?.[1] !== undefined) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

/**
 * The newest committed version number, or `undefined` before the first publish. From `latest.json` and a probe
 * for the versions after it (a run that committed but crashed before moving the pointer), so its cost does not
 * grow with the number of versions; without a pointer that names a committed version, from the listing.
 */
export async function newestCommittedVersion(store: LakeStore, name: string): Promise<number | undefined> {
  const pointer = await readLatestPointer(store, name).catch(() => undefined);
  if (pointer === undefined || !(await store.exists(lakePaths.manifest(name, pointer.version))))
    return (await committedVersionNumbers(store, name)).at(-1);
  let version = pointer.version;
  while (await store.exists(lakePaths.manifest(name, version + 1))) version += 1;
  return version;
}

/** The manifest of one version, or `undefined` when that version was never committed. */
export async function readManifest(
  store: LakeStore,
  name: string,
  version: number,
): Promise<Manifest | undefined> {
  const key = lakePaths.manifest(name, version);
  return parseControlFile(store, key, Manifest, await getJson(store, key));
}

/** Validate a control file's JSON with its schema; a mismatch is a LakeDamagedError naming the file. */
export function parseControlFile<T>(
  store: LakeStore,
  key: string,
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new LakeDamagedError(
    `${store.location}/${key} is not what it should be (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`,
    key,
    repairHint(key),
  );
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
  const key = lakePaths.latest(name);
  return parseControlFile(store, key, LatestPointer, await getJson(store, key));
}

/**
 * The manifest `latest.json` points at (what readers see), or `undefined` before the first publish. The
 * manifest's bytes must hash to the pointer's `manifest_sha256`.
 */
export async function readLatest(store: LakeStore, name: string): Promise<Manifest | undefined> {
  const pointer = await readLatestPointer(store, name);
  if (pointer === undefined) return undefined;
  const bytes = await store.get(pointer.manifest);
  if (bytes === undefined) {
    throw new LakeDamagedError(
      `${store.location}/${lakePaths.latest(name)} points at v${pointer.version}, but ${pointer.manifest} does not exist`,
      lakePaths.latest(name),
      repairHint(lakePaths.latest(name)),
    );
  }
  if (sha256Hex(bytes) !== pointer.manifest_sha256) {
    throw new LakeDamagedError(
      `${store.location}/${pointer.manifest} does not match the sha256 recorded in ${lakePaths.latest(name)} (expected ${pointer.manifest_sha256}, found ${sha256Hex(bytes)})`,
      pointer.manifest,
      repairHint(pointer.manifest),
    );
  }
  return readManifest(store, name, pointer.version);
}

/** The rows of one committed version, read from its JSON edition. */
export async function readVersionRows(store: LakeStore, name: string, version: number): Promise<Row[]> {
  return (await readJsonEdition(store, name, version)) ?? [];
}

/**
 * Hand each row of a committed version to `onRow` as its JSON edition streams past, keeping none: the reader for
 * a merge against another version. Throws a TypeError when the edition is not one row per line (the caller then
 * reads it with readVersionRows), and a LakeDamagedError when its bytes do not match the manifest.
 */
export async function forEachVersionRow(
  store: LakeStore,
  name: string,
  version: number,
  onRow: (row: Row) => void,
): Promise<void> {
  await readJsonEdition(store, name, version, onRow);
}

async function readJsonEdition(
  store: LakeStore,
  name: string,
  version: number,
  onRow?: (row: Row) => void,
): Promise<Row[] | undefined> {
  if (!(await store.exists(lakePaths.manifest(name, version)))) {
    throw new RangeError(
      `Dataset ${name} has no committed version ${version} (expected ${lakePaths.manifest(name, version)})`,
    );
  }
  const manifest = await readManifest(store, name, version);
  if (manifest === undefined) throw new RangeError(`Dataset ${name} has no committed version ${version}`);
  const sources = jsonSources(manifest);
  if (sources.length === 1) {
    const [only] = sources as [JsonSource];
    return readJsonFile(store, only.key, only.file, onRow, `Dataset ${name} v${version}`);
  }
  // A partitioned version: its parts in partition order, one logical edition.
  const rows: Row[] = [];
  for (const { key, file } of sources) {
    const part = await readJsonFile(store, key, file, onRow, `Dataset ${name} v${version}`);
    for (const row of part) rows.push(row);
  }
  return rows;
}

/** One JSON file holding rows of a version, and its manifest entry when the manifest lists it. */
export interface JsonSource {
  key: string;
  file: ManifestFile | undefined;
}

/** The JSON files a version's rows are read from: its edition, or its parts in partition order. */
export function jsonSources(manifest: Manifest): JsonSource[] {
  if (isPartitioned(manifest))
    return partFiles(manifest, 'json').map((file) => ({ key: fileKey(manifest, file), file }));
  const fileName = editionFileNames(manifest.dataset).json;
  return [
    {
      key: lakePaths.file(manifest.dataset, manifest.version, fileName),
      file: manifest.files.find((candidate) => candidate.name === fileName),
    },
  ];
}

/** The rows of one partition's JSON file (`path` in its manifest entry), hash-checked as it streams. */
export async function readPartRows(store: LakeStore, file: ManifestFile): Promise<Row[]> {
  return readJsonFile(store, partKey(file), file, undefined, `Partition ${file.partition ?? ''}`);
}

/** Hand each row of one partition's JSON file to `onRow` as it streams (see forEachVersionRow). */
export async function forEachPartRow(
  store: LakeStore,
  file: ManifestFile,
  onRow: (row: Row) => void,
): Promise<void> {
  await readJsonFile(store, partKey(file), file, onRow, `Partition ${file.partition ?? ''}`);
}

function partKey(file: ManifestFile): string {
  if (file.path === undefined)
    throw new RangeError(`Expected a partition file with a path, found ${file.name}`);
  return file.path;
}

async function readJsonFile(
  store: LakeStore,
  key: string,
  file: ManifestFile | undefined,
  onRow: ((row: Row) => void) | undefined,
  what: string,
): Promise<Row[]> {
  const stream = await store.getStream(key);
  if (stream === undefined)
    throw new LakeDamagedError(
      `${what} is committed but ${store.location}/${key} is missing`,
      key,
      repairHint(key),
    );
  // Hashed and parsed as the bytes stream past: a full-history edition is never one buffer or one string.
  const hash = createHash('sha256');
  let size = 0;
  const hashed = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  };
  // The parse reads every byte even when it fails, so a damaged file is reported by its hash first.
  const parsed = await parseJsonEditionStream(hashed(), onRow).then(
    (rows) => ({ rows }),
    (error: unknown) => {
      // A read failure (disk, network) is not damage: let it through as it is.
      if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
      return { error };
    },
  );
  if (file !== undefined) assertDigest(store, key, hash.digest('hex'), size, file);
  if ('error' in parsed) {
    if (onRow !== undefined) throw parsed.error;
    throw new LakeDamagedError(
      `${store.location}/${key} is not a JSON edition: ${describeError(parsed.error)}`,
      key,
      repairHint(key),
    );
  }
  return parsed.rows;
}

/** Throw a LakeDamagedError naming the file when its bytes do not match the manifest's hash and size. */
export function assertHash(
  store: LakeStore,
  key: string,
  bytes: Uint8Array,
  expected: { sha256: string; bytes: number },
): void {
  assertDigest(store, key, sha256Hex(bytes), bytes.byteLength, expected);
}

/** As assertHash, for a digest and size taken while the bytes streamed. */
export function assertDigest(
  store: LakeStore,
  key: string,
  actual: string,
  size: number,
  expected: { sha256: string; bytes: number },
): void {
  if (actual !== expected.sha256 || size !== expected.bytes) {
    throw new LakeDamagedError(
      `${store.location}/${key} does not match its manifest (expected sha256 ${expected.sha256}, ${expected.bytes} bytes; found ${actual}, ${size} bytes)`,
      key,
      repairHint(key),
    );
  }
}

/** Parse an instant given to a reader (see lib/core/instant.ts): zone-less means UTC, anything odd is refused. */
export { parseInstant } from '../core/instant.ts';

/**
 * The version that was latest at `instant`: the committed version with the greatest `as_of` not after it (ties go
 * to the higher version). `as_of` (the run's clock) governs, not `created_at`, so replayed history answers as the
 * original runs would have. An instant exactly equal to a version's `as_of` selects that version. A date-only
 * instant means the end of that day UTC (see parseAsOfInstant), so a version stamped during that day is included.
 */
export async function versionAsOf(
  store: LakeStore,
  name: string,
  instant: Date | string,
): Promise<Manifest | undefined> {
  const at = parseAsOfInstant(instant).getTime();
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

/**
 * Stream one edition (csv, json or parquet) of a committed version. The stream hashes what passes through and
 * fails at its end with a LakeDamagedError naming the file when the bytes do not match the manifest: a consumer
 * that must not see damaged bytes at all calls {@link verifyVersionFile} first.
 */
export async function openVersionFile(
  store: LakeStore,
  manifest: Manifest,
  format: 'csv' | 'json' | 'parquet',
): Promise<Readable> {
  if (isPartitioned(manifest)) return openPartitionedEdition(store, manifest, format);
  const { key, file } = editionOf(manifest, format);
  const stream = await store.getStream(key);
  if (stream === undefined)
    throw new LakeDamagedError(
      `Dataset ${manifest.dataset} v${manifest.version} is committed but ${store.location}/${key} is missing`,
      key,
      repairHint(key),
    );
  return stream.pipe(hashCheck(store, key, file));
}

/**
 * A partitioned version's CSV or JSON edition as one logical file: its parts in partition order, the CSV header
 * once and one JSON array. Each part is hash-checked against the manifest as it streams. Parquet parts are not
 * concatenated (a Parquet file is not a byte stream of rows): read them as a list (datapackage.json, DuckDB).
 */
function openPartitionedEdition(
  store: LakeStore,
  manifest: Manifest,
  format: 'csv' | 'json' | 'parquet',
): Readable {
  if (format === 'parquet') {
    throw new RangeError(
      `Dataset ${manifest.dataset} v${manifest.version} is stored in ${partFiles(manifest, 'parquet').length} partitions: read its Parquet parts as one table with DuckDB (read_parquet of the part list in datapackage.json), or ask for csv or json`,
    );
  }
  const parts = partFiles(manifest, format);
  const where = `Dataset ${manifest.dataset} v${manifest.version}`;
  async function* logical(): AsyncGenerator<Buffer> {
    const edition = format === 'csv' ? new CsvJoin() : new JsonJoin();
    for (const file of parts) {
      const key = fileKey(manifest, file);
      const stream = await store.getStream(key);
      if (stream === undefined)
        throw new LakeDamagedError(
          `${where} is committed but ${store.location}/${key} is missing`,
          key,
          repairHint(key),
        );
      const checked = stream.pipe(hashCheck(store, key, file));
      yield* edition.part(checked as AsyncIterable<Buffer>, key, store);
    }
    yield* edition.end();
  }
  return Readable.from(logical());
}

/** Joins CSV parts: every part starts with the same header row, which is kept from the first part only. */
class CsvJoin {
  private first = true;

  async *part(chunks: AsyncIterable<Buffer>, _key: string, _store: LakeStore): AsyncGenerator<Buffer> {
    let skipping = !this.first;
    this.first = false;
    for await (const chunk of chunks) {
      if (!skipping) {
        yield chunk;
        continue;
      }
      const end = chunk.indexOf(10);
      if (end === -1) continue;
      skipping = false;
      if (end + 1 < chunk.length) yield chunk.subarray(end + 1);
    }
  }

  *end(): Generator<Buffer> {}
}

/**
 * Joins JSON parts (`[\n` rows one per line `\n]\n`, or `[]\n`) into one array: each part's brackets are cut,
 * its row lines joined with `,\n`.
 */
class JsonJoin {
  private rows = false;

  async *part(chunks: AsyncIterable<Buffer>, key: string, store: LakeStore): AsyncGenerator<Buffer> {
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    let started = false;
    for await (const chunk of chunks) {
      let body = Buffer.concat([tail, chunk]);
      if (!started) {
        head = Buffer.concat([head, body]);
        if (head.length < 3) {
          tail = Buffer.alloc(0);
          continue;
        }
        if (head.subarray(0, 3).toString() === '[]\n') {
          started = true;
          tail = head.subarray(3);
          continue;
        }
        if (head.subarray(0, 2).toString() !== '[\n')
          throw damagedPart(store, key, 'it does not start with "["');
        started = true;
        body = head.subarray(2);
        yield Buffer.from(this.rows ? ',\n' : '[\n');
        this.rows = true;
      }
      // Hold back the last three bytes: they may be the closing "\n]\n".
      tail = body.subarray(Math.max(0, body.length - 3));
      if (body.length > 3) yield body.subarray(0, body.length - 3);
    }
    const closing = tail.toString();
    if (!started || (closing !== '\n]\n' && !(closing === '' && head.subarray(0, 3).toString() === '[]\n')))
      throw damagedPart(store, key, 'it does not end with "]"');
  }

  *end(): Generator<Buffer> {
    yield Buffer.from(this.rows ? '\n]\n' : '[]\n');
  }
}

function damagedPart(store: LakeStore, key: string, what: string): LakeDamagedError {
  return new LakeDamagedError(`${store.location}/${key} is not a JSON part: ${what}`, key, repairHint(key));
}

/** Read an edition through once and throw a LakeDamagedError when it does not match the manifest. */
export async function verifyVersionFile(
  store: LakeStore,
  manifest: Manifest,
  format: 'csv' | 'json' | 'parquet',
): Promise<void> {
  const stream = await openVersionFile(store, manifest, format);
  for await (const _chunk of stream) {
    // Reading is the check: hashCheck fails the stream at its end.
  }
}

function editionOf(
  manifest: Manifest,
  format: 'csv' | 'json' | 'parquet',
): { key: string; file: ManifestFile } {
  const file = manifest.files.find((candidate) => candidate.format === format);
  if (file === undefined)
    throw new RangeError(`Dataset ${manifest.dataset} v${manifest.version} has no ${format} file`);
  return { key: lakePaths.file(manifest.dataset, manifest.version, file.name), file };
}

/** A pass-through that hashes the bytes and fails at the end if they differ from the manifest's record. */
function hashCheck(store: LakeStore, key: string, expected: { sha256: string; bytes: number }): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual === expected.sha256 && bytes === expected.bytes) return callback();
      callback(
        new LakeDamagedError(
          `${store.location}/${key} does not match its manifest (expected sha256 ${expected.sha256}, ${expected.bytes} bytes; found ${actual}, ${bytes} bytes)`,
          key,
          repairHint(key),
        ),
      );
    },
  });
}
