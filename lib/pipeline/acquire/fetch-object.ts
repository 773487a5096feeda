import { describeError, FetchFailedError } from '../../core/errors.ts';
import type { FetchResponse } from '../../sources/fetch.ts';
import {
  type CurrentDocument,
  extensionFor,
  type HttpCacheEntry,
  PROVENANCE_HEADERS,
  type ProvenanceSidecar,
  readRawHead,
  storeRawFile,
  storeRawObject,
} from '../../sources/raw-zone.ts';
import { SPOOL_HEAD_BYTES } from '../../sources/spool.ts';
import { redactUrl } from '../../sources/url-guard.ts';
import type { RequestRecord } from '../run-report.ts';
import { type AcquireSession, type FetchedObject, MAX_PAGE_BYTES, recordRequest } from './session.ts';

type Role = 'landing' | 'page' | 'document';

/** Whether an object is a document (streamed to scratch, parsed) rather than a page held for discovery. */
function isDocument(session: AcquireSession, role: Role): boolean {
  return role === 'document' || (role === 'landing' && session.entry.landingIsDocument);
}

/** The validators to send for a URL: only when the lake still holds the copy they describe. */
async function usableCache(session: AcquireSession, cacheKey: string): Promise<HttpCacheEntry | undefined> {
  const cached = session.http[cacheKey];
  return cached !== undefined && (await session.deps.store.exists(cached.key)) ? cached : undefined;
}

/**
 * Fetch one object for the source (conditionally when the lake holds a copy), store a new body in the raw zone
 * with provenance, and record the request. A fetch failure is recorded and thrown (the source fails).
 */
export async function fetchObject(
  session: AcquireSession,
  url: string,
  role: Role,
  parentUrl: string | null,
): Promise<FetchedObject> {
  const { entry, deps } = session;
  deps.onProgress?.(`${role} ${redactUrl(url)}`);
  const cacheKey = redactUrl(url);
  session.requestedThisRun.add(cacheKey);
  const cached = await usableCache(session, cacheKey);
  const document = isDocument(session, role);
  const result = await deps.fetcher.fetch({
    url,
    sourceId: entry.id,
    allowedHosts: entry.allowedHosts,
    maxBytes: document ? entry.maxBytes : Math.min(entry.maxBytes, MAX_PAGE_BYTES),
    deadlineMs: entry.deadlineMs,
    ...(cached && { validators: validatorsOf(cached) }),
    ...(document && { spoolDir: session.scratch }),
  });
  if (!result.ok) {
    recordRequest(session, {
      sourceId: entry.id,
      url: cacheKey,
      finalUrl: null,
      role,
      status: result.status ?? null,
      attempts: result.attempts,
      bytes: 0,
      ms: Math.round(result.ms),
      outcome: result.error.code === 'fetch_refused' ? 'refused' : 'failed',
      errorCode: result.error.code,
      error: describeError(result.error),
    });
    throw result.error;
  }
  const base = requestBase(session, url, role, result);
  if (result.notModified && cached) return reuseUnchanged(session, url, cached, result, base, document);
  if (result.notModified) {
    throw new FetchFailedError(
      `Fetching ${cacheKey} for source ${entry.id} failed: 304 Not Modified, but the lake holds no copy to reuse`,
      entry.id,
      cacheKey,
      304,
    );
  }
  return storeFetched(session, url, role, parentUrl, result, base);
}

function validatorsOf(cached: HttpCacheEntry): { etag?: string; lastModified?: string } {
  return {
    ...(cached.etag !== null && { etag: cached.etag }),
    ...(cached.lastModified !== null && { lastModified: cached.lastModified }),
  };
}

type RequestBase = Omit<RequestRecord, 'outcome'>;

function requestBase(session: AcquireSession, url: string, role: Role, result: FetchResponse): RequestBase {
  return {
    sourceId: session.entry.id,
    url: redactUrl(url),
    finalUrl: redactUrl(result.finalUrl),
    role,
    status: result.status,
    attempts: result.attempts,
    bytes: result.spooled?.bytes ?? result.body.length,
    ms: Math.round(result.ms),
    errorCode: null,
    error: null,
  };
}

/** A 304: the lake's copy stands; refresh its validators. A page's body is read only if discovery needs it. */
async function reuseUnchanged(
  session: AcquireSession,
  url: string,
  cached: HttpCacheEntry,
  result: FetchResponse,
  base: RequestBase,
  document: boolean,
): Promise<FetchedObject> {
  const { store } = session.deps;
  recordRequest(session, { ...base, outcome: 'unchanged' });
  const sidecar = await readProvenance(session, cached.key);
  session.http[redactUrl(url)] = {
    ...cached,
    etag: result.headers.etag ?? cached.etag,
    lastModified: result.headers['last-modified'] ?? cached.lastModified,
  };
  return {
    url,
    finalUrl: result.finalUrl,
    document,
    // Only a document's first bytes are looked at (is it an archive?); a page is not read at all here.
    head: document ? await readRawHead(store, cached.key, SPOOL_HEAD_BYTES) : new Uint8Array(),
    stored: {
      key: cached.key,
      sha256: cached.sha256,
      ext: extOf(cached.key),
      fetchedAt: sidecar?.fetchedAt ?? session.now,
    },
    contentType: cached.contentType,
  };
}

/** A 200: store the body content-addressed with its provenance, and remember its validators. */
async function storeFetched(
  session: AcquireSession,
  url: string,
  role: Role,
  parentUrl: string | null,
  result: FetchResponse,
  base: RequestBase,
): Promise<FetchedObject> {
  const { store } = session.deps;
  const contentType = result.headers['content-type'] ?? null;
  const spooled = result.spooled;
  const head = spooled ? spooled.head : result.body.subarray(0, SPOOL_HEAD_BYTES);
  const ext = extensionFor(result.finalUrl, contentType ?? undefined, head);
  const provenance = {
    role,
    requestedUrl: redactUrl(url),
    finalUrl: redactUrl(result.finalUrl),
    status: result.status,
    headers: selectHeaders(result.headers),
    fetchedAt: session.now,
    runId: session.input.runId,
    parentUrl,
    parentSha256: null,
    archiveEntry: null,
  } as const;
  const stored = spooled
    ? await storeRawFile(store, session.entry.id, spooled, ext, provenance)
    : await storeRawObject(store, session.entry.id, result.body, ext, provenance);
  session.bytes += stored.bytes;
  if (stored.created) session.newObjects++;
  recordRequest(session, { ...base, outcome: stored.created ? 'fetched' : 'unchanged' });
  session.http[redactUrl(url)] = {
    etag: result.headers.etag ?? null,
    lastModified: result.headers['last-modified'] ?? null,
    sha256: stored.sha256,
    key: stored.key,
    finalUrl: redactUrl(result.finalUrl),
    contentType,
  };
  return {
    url,
    finalUrl: result.finalUrl,
    document: isDocument(session, role),
    ...(spooled ? { spooledPath: spooled.path } : { bytes: result.body }),
    head,
    stored: {
      key: stored.key,
      sha256: stored.sha256,
      ext: stored.ext,
      fetchedAt: stored.provenance.fetchedAt,
    },
    contentType,
  };
}

async function readProvenance(session: AcquireSession, key: string): Promise<ProvenanceSidecar | undefined> {
  const raw = await session.deps.store.get(`${key}.provenance.json`);
  return raw === undefined ? undefined : (JSON.parse(new TextDecoder().decode(raw)) as ProvenanceSidecar);
}

/** Record an object as one of the source's current objects (its change date carried over when its bytes did not change). */
export function remember(
  session: AcquireSession,
  fetched: Pick<FetchedObject, 'url' | 'finalUrl' | 'stored' | 'contentType'>,
  role: CurrentDocument['role'],
  options: {
    parentUrl: string | null;
    parentSha256?: string;
    archiveEntry?: string;
    isArchive?: boolean;
    parse: boolean;
  },
): void {
  const archiveEntry = options.archiveEntry ?? null;
  const url = redactUrl(fetched.url);
  const before = session.previous.objects.find(
    (object) => object.url === url && object.archiveEntry === archiveEntry,
  );
  session.objects.push({
    url,
    finalUrl: redactUrl(fetched.finalUrl),
    key: fetched.stored.key,
    sha256: fetched.stored.sha256,
    ext: fetched.stored.ext,
    role,
    contentType: fetched.contentType,
    parentUrl: options.parentUrl,
    parentSha256: options.parentSha256 ?? null,
    archiveEntry,
    fetchedAt: fetched.stored.fetchedAt,
    lastChangedAt: before && before.sha256 === fetched.stored.sha256 ? before.lastChangedAt : session.now,
    isArchive: options.isArchive ?? false,
    parse: options.parse,
  });
}

function selectHeaders(headers: Record<string, string>): ProvenanceSidecar['headers'] {
  const selected = {} as ProvenanceSidecar['headers'];
  for (const name of PROVENANCE_HEADERS) selected[name] = headers[name] ?? null;
  return selected;
}

function extOf(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}
