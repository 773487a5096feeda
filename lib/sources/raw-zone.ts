import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { getJson, type LakeStore, type PutOptions, putJson } from '../lake/store.ts';
import { parseControlFile } from '../lake/versions.ts';
import type { SpooledBody } from './spool.ts';

/** Why an object was fetched: the landing page, an intermediate page, a document, or a file inside an archive. */
export const RawRole = z.enum(['landing', 'page', 'document', 'archive-entry']);
export type RawRole = z.infer<typeof RawRole>;

/** The response headers kept in provenance (others are not needed and may carry cookies). */
export const PROVENANCE_HEADERS = [
  'content-type',
  'etag',
  'last-modified',
  'content-length',
  'date',
] as const;

const Sha256 = z.string().regex(/^[a-f0-9]{64}$/);

/** `raw/<source-id>/<sha256>.<ext>.provenance.json`: where a raw object came from. Every field is always present. */
export const ProvenanceSidecar = z.object({
  sourceId: z.string(),
  /** The raw object's lake key. */
  key: z.string(),
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
  ext: z.string(),
  role: RawRole,
  /** The URL asked for (redacted of credentials and signatures). */
  requestedUrl: z.string(),
  /** The URL the body came from, after redirects. */
  finalUrl: z.string(),
  status: z.number().int(),
  headers: z.object({
    'content-type': z.string().nullable(),
    etag: z.string().nullable(),
    'last-modified': z.string().nullable(),
    'content-length': z.string().nullable(),
    date: z.string().nullable(),
  }),
  fetchedAt: z.iso.datetime(),
  runId: z.string(),
  /** The page that linked to this object (null for a landing page). For archive entries, the archive's URL. */
  parentUrl: z.string().nullable(),
  /** For archive entries, the sha256 of the archive they were extracted from. */
  parentSha256: Sha256.nullable(),
  /** For archive entries, the entry's path inside the archive. */
  archiveEntry: z.string().nullable(),
});
export type ProvenanceSidecar = z.infer<typeof ProvenanceSidecar>;

/** One raw object that is current for a source, as of its last successful acquire. */
export const CurrentDocument = z.object({
  url: z.string(),
  finalUrl: z.string(),
  key: z.string(),
  sha256: Sha256,
  ext: z.string(),
  role: RawRole,
  contentType: z.string().nullable(),
  parentUrl: z.string().nullable(),
  parentSha256: Sha256.nullable(),
  archiveEntry: z.string().nullable(),
  /** When these bytes were first fetched. */
  fetchedAt: z.iso.datetime(),
  /** When this URL's bytes last changed (first seen, or a different sha256 than before). */
  lastChangedAt: z.iso.datetime(),
  /** Whether the bytes are a ZIP that was unpacked (its entries follow as `archive-entry` documents). */
  isArchive: z.boolean(),
  /** Whether downstream stages parse this object (false for navigation pages and unpacked archives). */
  parse: z.boolean(),
});
export type CurrentDocument = z.infer<typeof CurrentDocument>;

/** Validators and object of the last 200 for one URL, for conditional GETs. */
export const HttpCacheEntry = z.object({
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  sha256: Sha256,
  key: z.string(),
  finalUrl: z.string(),
  contentType: z.string().nullable(),
  /**
   * For a page: the links each discovery step found on this copy, by `discoveryKey` (the step's rules, the page's
   * final URL and the discovery code's version), so a page that comes back unchanged is not read and parsed again.
   * Dropped with the entry when the page's bytes change.
   */
  links: z.record(z.string(), z.array(z.string())).optional(),
});
export type HttpCacheEntry = z.infer<typeof HttpCacheEntry>;

/** `state/sources/<source-id>.json`: what downstream stages parse, and the source's health. */
export const SourceState = z.object({
  sourceId: z.string(),
  /** Every object of the last successful acquire: landing, pages, documents and archive entries. */
  objects: z.array(CurrentDocument),
  /** Conditional-request state, by requested URL. */
  http: z.record(z.string(), HttpCacheEntry),
  lastSuccessAt: z.iso.datetime().nullable(),
  /** When any current document last changed. */
  lastChangedAt: z.iso.datetime().nullable(),
  lastFailureAt: z.iso.datetime().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type SourceState = z.infer<typeof SourceState>;

/** The lake key of a source's state. */
export function sourceStateKey(sourceId: string): string {
  return `state/sources/${sourceId}.json`;
}

/** The content-addressed key of a raw object. */
export function rawKey(sourceId: string, sha256: string, ext: string): string {
  return `raw/${sourceId}/${sha256}.${ext}`;
}

/** The key of a raw object's provenance sidecar. */
export function provenanceKey(objectKey: string): string {
  return `${objectKey}.provenance.json`;
}

/** Hex sha256 of some bytes. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const KNOWN_EXTENSIONS = new Set(['html', 'csv', 'zip', 'json', 'xlsx', 'xls', 'ods', 'txt', 'xml', 'pdf']);
const CONTENT_TYPE_EXTENSIONS: [RegExp, string][] = [
  [/^text\/html|^application\/xhtml/, 'html'],
  [/^text\/csv|^application\/csv/, 'csv'],
  [/zip/, 'zip'],
  [/json/, 'json'],
  [/spreadsheetml/, 'xlsx'],
  [/^text\/plain/, 'txt'],
  [/xml/, 'xml'],
  [/^application\/pdf/, 'pdf'],
];

/** The raw object's extension: ZIP by magic bytes, else from the URL path, `format=` query, or content type. */
export function extensionFor(url: string, contentType: string | undefined, bytes: Uint8Array): string {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return 'zip';
  }
  try {
    const parsed = new URL(url);
    const fromPath = /\.([A-Za-z0-9]+)$/.exec(parsed.pathname)?.[1]?.toLowerCase();
    if (fromPath === 'htm') return 'html';
    if (fromPath && KNOWN_EXTENSIONS.has(fromPath)) return fromPath;
    const fromQuery = parsed.searchParams.get('format')?.toLowerCase();
    if (fromQuery && KNOWN_EXTENSIONS.has(fromQuery)) return fromQuery;
    const fromUri = /\.([A-Za-z0-9]+)$/.exec(parsed.searchParams.get('uri') ?? '')?.[1]?.toLowerCase();
    if (fromUri && KNOWN_EXTENSIONS.has(fromUri)) return fromUri;
  } catch {
    // Not a URL: fall through to the content type.
  }
  const type = contentType?.toLowerCase().trim() ?? '';
  for (const [pattern, ext] of CONTENT_TYPE_EXTENSIONS) if (pattern.test(type)) return ext;
  return 'bin';
}

/** What to record about a raw object besides its bytes. */
export type ProvenanceInput = Omit<ProvenanceSidecar, 'key' | 'sha256' | 'bytes' | 'ext' | 'sourceId'>;

/** The result of storing a raw object. */
export interface StoredRawObject {
  key: string;
  sha256: string;
  ext: string;
  bytes: number;
  /** False when identical bytes were already in the lake (nothing was written). */
  created: boolean;
  /** The provenance in force: the new sidecar, or the one already stored. */
  provenance: ProvenanceSidecar;
}

/**
 * Store bytes content-addressed under `raw/<source-id>/`, with a provenance sidecar. Identical bytes already
 * present are left alone. The body is written before its sidecar, so a sidecar always describes a whole object.
 */
export function storeRawObject(
  store: LakeStore,
  sourceId: string,
  bytes: Uint8Array,
  ext: string,
  provenance: ProvenanceInput,
): Promise<StoredRawObject> {
  return storeContent(
    store,
    sourceId,
    { sha256: sha256Of(bytes), bytes: bytes.length },
    ext,
    provenance,
    (key, options) => store.put(key, bytes, options),
  );
}

/**
 * As storeRawObject, for a body already spooled to a local file (hashed as it was written): the file is streamed
 * into the lake, never read into memory, and only when the lake does not hold those bytes yet.
 */
export function storeRawFile(
  store: LakeStore,
  sourceId: string,
  spooled: Pick<SpooledBody, 'path' | 'sha256' | 'bytes'>,
  ext: string,
  provenance: ProvenanceInput,
): Promise<StoredRawObject> {
  return storeContent(store, sourceId, spooled, ext, provenance, async (key, options) => {
    const body = createReadStream(spooled.path);
    try {
      await store.putStream(key, body, options);
    } finally {
      // A store that failed before reading the body (a dropped connection) leaves the file stream unopened; its
      // late ENOENT, once the scratch folder is gone, would be an unhandled error that kills the process.
      body.on('error', () => {});
      body.destroy();
    }
  });
}

async function storeContent(
  store: LakeStore,
  sourceId: string,
  content: { sha256: string; bytes: number },
  ext: string,
  provenance: ProvenanceInput,
  write: (key: string, options: PutOptions) => Promise<void>,
): Promise<StoredRawObject> {
  const { sha256, bytes } = content;
  const key = rawKey(sourceId, sha256, ext);
  const sidecarKey = provenanceKey(key);
  const existing = ProvenanceSidecar.safeParse(await getJson(store, sidecarKey));
  if (existing.success && (await store.exists(key))) {
    return { key, sha256, ext, bytes, created: false, provenance: existing.data };
  }
  const sidecar = ProvenanceSidecar.parse({ sourceId, key, sha256, bytes, ext, ...provenance });
  const contentType = provenance.headers['content-type'] ?? undefined;
  if (!(await store.exists(key))) await write(key, contentType ? { contentType } : {});
  await putJson(store, sidecarKey, sidecar);
  return { key, sha256, ext, bytes, created: true, provenance: sidecar };
}

/** The first `count` bytes of a stored object (for sniffing), read without loading the whole object. */
export async function readRawHead(store: LakeStore, key: string, count: number): Promise<Uint8Array> {
  const stream = await store.getStream(key);
  if (stream === undefined)
    throw new RangeError(`Raw object ${key} is named in the lake's state but missing`);
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= count) break;
    }
  } finally {
    stream.destroy();
  }
  return new Uint8Array(Buffer.concat(parts).subarray(0, count));
}

/** The state of a source that has never run: no documents, no validators, no health history. */
export function freshSourceState(sourceId: string): SourceState {
  return {
    sourceId,
    objects: [],
    http: {},
    lastSuccessAt: null,
    lastChangedAt: null,
    lastFailureAt: null,
    consecutiveFailures: 0,
    lastError: null,
  };
}

/** A source's state, or a fresh one when it has never run. */
export async function readSourceState(store: LakeStore, sourceId: string): Promise<SourceState> {
  const raw = await getJson(store, sourceStateKey(sourceId));
  if (raw === undefined) return freshSourceState(sourceId);
  return parseControlFile(store, sourceStateKey(sourceId), SourceState, raw) as SourceState;
}

/** Write a source's state, unless it is byte-identical to what is stored (so an unchanged run writes nothing). */
export async function writeSourceState(store: LakeStore, state: SourceState): Promise<boolean> {
  const key = sourceStateKey(state.sourceId);
  const text = `${JSON.stringify(SourceState.parse(state), null, 2)}\n`;
  const current = await store.get(key);
  if (current !== undefined && new TextDecoder().decode(current) === text) return false;
  await store.put(key, text, { contentType: 'application/json' });
  return true;
}

/**
 * The documents downstream stages should parse for a source, as of its last successful acquire: the landing page
 * when the catalogue says it is a document, every discovered document that is not an unpacked archive, and every
 * extracted archive entry.
 */
export async function currentDocuments(store: LakeStore, sourceId: string): Promise<CurrentDocument[]> {
  const state = await readSourceState(store, sourceId);
  return state.objects.filter((object) => object.parse);
}

/** Read a raw object's bytes (throws if missing: the state must never name an absent object). */
export async function readRawObject(store: LakeStore, key: string): Promise<Uint8Array> {
  const bytes = await store.get(key);
  if (bytes === undefined) throw new RangeError(`Raw object ${key} is named in the lake's state but missing`);
  return bytes;
}
