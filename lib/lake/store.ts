import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describeError, LakeDamagedError } from '../core/errors.ts';

/** One object in the lake, as listed. */
export interface LakeObjectInfo {
  /** The key relative to the lake root, with `/` separators (e.g. `raw/nhse-news/<sha>.html`). */
  key: string;
  /** Size in bytes. */
  bytes: number;
}

/** Options for writes. */
export interface PutOptions {
  /** The MIME type recorded with the object (S3 Content-Type; ignored by the folder adapter). */
  contentType?: string;
  /** Cache-Control recorded with the object (S3 only). */
  cacheControl?: string;
}

/**
 * The lake's storage port. Keys are relative, `/`-separated and never start with `/`.
 * Adapters: a local folder (default) and S3. One contract suite runs against every adapter.
 */
export interface LakeStore {
  /** A human-readable location, e.g. `file:///abs/lake` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Whether `putIfAbsent` is enforced atomically by the backend (exclusive create / If-None-Match). */
  enforcesConditionalCreate: boolean;
  /** Read a whole object, or `undefined` when it does not exist. For small objects only. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stream an object, or `undefined` when it does not exist. */
  getStream(key: string): Promise<Readable | undefined>;
  /** Write (create or replace) an object from bytes or text. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Write an object from a stream without buffering it whole. */
  putStream(key: string, body: Readable, options?: PutOptions): Promise<void>;
  /** Create an object only if no object exists at the key. Resolves `false` when one already did. */
  putIfAbsent(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean>;
  /** Whether an object exists at the key. */
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in ascending key order. */
  list(prefix: string): Promise<LakeObjectInfo[]>;
  /** Delete an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Remove what writes that never finished left behind (temporary files on a folder, incomplete multipart
   * uploads on S3). Called at the start of a run, under the lease. Returns what was removed.
   */
  sweepTemporary(): Promise<string[]>;
  /**
   * Probe whether the backend really enforces create-if-absent (and adjust `enforcesConditionalCreate`), for
   * backends where it depends on the server. Resolves to the answer.
   */
  checkConditionalCreate?(): Promise<boolean>;
  /** Synchronously discard this process's writes in flight and refuse new ones (on SIGINT/SIGTERM, before exiting). */
  abandonWrites?(): number;
}

/** Read an object as UTF-8 text, or `undefined`. */
export async function getText(store: LakeStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/**
 * Read an object as JSON, or `undefined`. The caller validates the shape (with zod). Text that is not JSON (a
 * file truncated by a full disk, say) is a LakeDamagedError naming the object and how to repair it.
 */
export async function getJson(store: LakeStore, key: string, hint?: string): Promise<unknown> {
  const text = await getText(store, key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LakeDamagedError(
      `${store.location}/${key} is not valid JSON (${describeError(error)}, ${text.length} characters)`,
      key,
      hint ?? repairHint(key),
    );
  }
}

/** Parse JSON text, or `undefined` when it is not JSON (the caller's zod schema then refuses it). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How to repair a damaged lake object, by what it is. */
export function repairHint(key: string): string {
  if (/^datasets\/[^/]+\/latest\.json$/.test(key))
    return 'Repair: ics-lake verify --repair points it at the newest committed version';
  if (/^datasets\/[^/]+\/v\d+\/manifest\.json$/.test(key))
    return 'Repair: restore it from a backup or an earlier S3 object version; ics-lake verify lists every damaged file';
  if (/^datasets\/[^/]+\/(v\d+|parts)\//.test(key))
    return 'Repair: restore it from a backup or an earlier S3 object version (published files are immutable); ics-lake verify lists every damaged file';
  if (key === 'feed/index.json')
    return 'Repair: ics-lake verify --repair rebuilds it from the feed pages without rewriting any page';
  if (key.startsWith('state/'))
    return 'Repair: delete it; the next run rebuilds it (sources are fetched again in full)';
  if (key.startsWith('lease/')) return 'Repair: run ics-lake unlock';
  return 'Repair: restore it from a backup, or delete it if it is derived (ics-lake verify lists what is wrong)';
}

/** Write a value as pretty, newline-terminated JSON (stable bytes for identical values). */
export function putJson(store: LakeStore, key: string, value: unknown, options?: PutOptions): Promise<void> {
  return store.put(key, `${JSON.stringify(value, null, 2)}\n`, {
    contentType: 'application/json',
    ...options,
  });
}

/** Validate a lake key: relative, no `..` or empty segments, no backslashes. */
export function assertSafeKey(key: string): void {
  if (
    key.length === 0 ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new RangeError(`Unsafe lake key: ${JSON.stringify(key)}`);
  }
}

/** What an object weighs: the sha256 and size a manifest records for it. */
export interface ObjectDigest {
  sha256: string;
  bytes: number;
}

/**
 * Write text given piece by piece, hashing and counting its bytes as they pass to the store: the object is never
 * one string (a full-history edition passes V8's string limit) nor one buffer.
 */
export async function putTextPieces(
  store: LakeStore,
  key: string,
  pieces: Iterable<string>,
  contentType: string,
): Promise<ObjectDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const encoded = function* (): Generator<Buffer> {
    for (const piece of pieces) {
      const body = Buffer.from(piece, 'utf8');
      hash.update(body);
      bytes += body.length;
      yield body;
    }
  };
  await store.putStream(key, Readable.from(encoded()), { contentType });
  return { sha256: hash.digest('hex'), bytes };
}

/** The sha256 and size of an object, streamed; undefined when it does not exist. */
export async function hashObject(store: LakeStore, key: string): Promise<ObjectDigest | undefined> {
  const stream = await store.getStream(key);
  if (stream === undefined) return undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}
