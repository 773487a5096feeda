import type { Readable } from 'node:stream';

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
  readonly enforcesConditionalCreate: boolean;
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
}

/** Read an object as UTF-8 text, or `undefined`. */
export async function getText(store: LakeStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Read an object as JSON, or `undefined`. The caller validates the shape (with zod). */
export async function getJson(store: LakeStore, key: string): Promise<unknown> {
  const text = await getText(store, key);
  return text === undefined ? undefined : JSON.parse(text);
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
