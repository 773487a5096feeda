import { describeError, FetchFailedError, IcsLakeError } from '../core/errors.ts';
import { type ArchiveLimits, extractArchive, looksLikeZip } from '../sources/archive.ts';
import { catalogue as defaultCatalogue, type SourceEntry, sourceById } from '../sources/catalogue.ts';
import { discoverLinks } from '../sources/discover.ts';
import type { Fetcher } from '../sources/fetch.ts';
import {
  type CurrentDocument,
  extensionFor,
  type HttpCacheEntry,
  PROVENANCE_HEADERS,
  type ProvenanceSidecar,
  readRawObject,
  readSourceState,
  type SourceState,
  type StoredRawObject,
  storeRawObject,
  writeSourceState,
} from '../sources/raw-zone.ts';
import { redactUrl } from '../sources/url-guard.ts';
import type { RequestRecord } from './run-report.ts';
import type { AcquireInput, SourceOutcome, StageContext } from './stages.ts';

/** What the acquire stage needs besides the stage context. */
export interface AcquireDeps extends StageContext {
  fetcher: Fetcher;
  /** The catalogue to look the source up in (default: the built-in catalogue). */
  catalogue?: SourceEntry[];
  /** Every request made is appended here, for the run report. */
  requests?: RequestRecord[];
  /** Overrides of the ZIP guards. */
  archiveLimits?: Partial<ArchiveLimits>;
  /** Called with a short message as each object is fetched (for progress display). */
  onProgress?: (message: string) => void;
}

/** Detail returned alongside the stage outcome, for the run report. */
export interface AcquireDetail {
  outcome: SourceOutcome;
  /** The IcsLakeError code of a failure. */
  errorCode?: string;
}

interface FetchedObject {
  url: string;
  finalUrl: string;
  bytes: Uint8Array;
  stored: Pick<StoredRawObject, 'key' | 'sha256' | 'ext'> & { fetchedAt: string };
  contentType: string | null;
}

/**
 * Acquire one source: fetch its landing page(s), follow its discovery steps, unpack archives, and store every
 * body in the raw zone with provenance. On success the source's state names its current documents; on failure
 * the state keeps the previous documents and only the failure counters change. Fetch and archive failures are
 * reported in the outcome; anything else (a lake error, a bug) is thrown, because the run itself has failed.
 * The outcome is `fetched` when the set of documents to parse, or any of their bytes, changed (or on a source's
 * first success) and `unchanged` otherwise, even if a navigation page changed.
 */
export async function acquireSource(input: AcquireInput, deps: AcquireDeps): Promise<SourceOutcome> {
  return (await acquireSourceDetailed(input, deps)).outcome;
}

/** As acquireSource, also returning the failure's error code. */
export async function acquireSourceDetailed(input: AcquireInput, deps: AcquireDeps): Promise<AcquireDetail> {
  const entry = sourceById(input.sourceId, deps.catalogue ?? defaultCatalogue);
  const { store } = deps;
  const previous = await readSourceState(store, entry.id);
  const now = deps.clock.now().toISOString();
  const http: Record<string, HttpCacheEntry> = { ...previous.http };
  const requestedThisRun = new Set<string>();
  const objects: CurrentDocument[] = [];
  let newObjects = 0;
  let bytes = 0;

  const record = (entryRecord: RequestRecord) => deps.requests?.push(entryRecord);

  async function fetchObject(
    url: string,
    role: 'landing' | 'page' | 'document',
    parentUrl: string | null,
  ): Promise<FetchedObject> {
    deps.onProgress?.(`${role} ${redactUrl(url)}`);
    const cacheKey = redactUrl(url);
    requestedThisRun.add(cacheKey);
    const cached = http[cacheKey];
    const usable = cached !== undefined && (await store.exists(cached.key));
    const validators = usable
      ? {
          ...(cached.etag !== null && { etag: cached.etag }),
          ...(cached.lastModified !== null && { lastModified: cached.lastModified }),
        }
      : undefined;
    const result = await deps.fetcher.fetch({
      url,
      sourceId: entry.id,
      allowedHosts: entry.allowedHosts,
      maxBytes: entry.maxBytes,
      deadlineMs: entry.deadlineMs,
      ...(validators && { validators }),
    });
    if (!result.ok) {
      record({
        sourceId: entry.id,
        url: redactUrl(url),
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
    const base = {
      sourceId: entry.id,
      url: redactUrl(url),
      finalUrl: redactUrl(result.finalUrl),
      role,
      status: result.status,
      attempts: result.attempts,
      bytes: result.body.length,
      ms: Math.round(result.ms),
      errorCode: null,
      error: null,
    };
    if (result.notModified && cached && usable) {
      record({ ...base, outcome: 'unchanged' });
      const sidecar = await readProvenance(cached.key);
      http[cacheKey] = {
        ...cached,
        etag: result.headers.etag ?? cached.etag,
        lastModified: result.headers['last-modified'] ?? cached.lastModified,
      };
      return {
        url,
        finalUrl: result.finalUrl,
        bytes: await readRawObject(store, cached.key),
        stored: {
          key: cached.key,
          sha256: cached.sha256,
          ext: extOf(cached.key),
          fetchedAt: sidecar?.fetchedAt ?? now,
        },
        contentType: cached.contentType,
      };
    }
    if (result.notModified) {
      throw new FetchFailedError(
        `Fetching ${redactUrl(url)} for source ${entry.id} failed: 304 Not Modified, but the lake holds no copy to reuse`,
        entry.id,
        redactUrl(url),
        304,
      );
    }
    const contentType = result.headers['content-type'] ?? null;
    const ext = extensionFor(result.finalUrl, contentType ?? undefined, result.body);
    const stored = await storeRawObject(store, entry.id, result.body, ext, {
      role,
      requestedUrl: redactUrl(url),
      finalUrl: redactUrl(result.finalUrl),
      status: result.status,
      headers: selectHeaders(result.headers),
      fetchedAt: now,
      runId: input.runId,
      parentUrl,
      parentSha256: null,
      archiveEntry: null,
    });
    bytes += result.body.length;
    if (stored.created) newObjects++;
    record({ ...base, outcome: stored.created ? 'fetched' : 'unchanged' });
    http[cacheKey] = {
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
      bytes: result.body,
      stored: {
        key: stored.key,
        sha256: stored.sha256,
        ext: stored.ext,
        fetchedAt: stored.provenance.fetchedAt,
      },
      contentType,
    };
  }

  async function readProvenance(key: string): Promise<ProvenanceSidecar | undefined> {
    const raw = await store.get(`${key}.provenance.json`);
    return raw === undefined ? undefined : (JSON.parse(new TextDecoder().decode(raw)) as ProvenanceSidecar);
  }

  function remember(
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
    const before = previous.objects.find(
      (object) => object.url === url && object.archiveEntry === archiveEntry,
    );
    objects.push({
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
      lastChangedAt: before && before.sha256 === fetched.stored.sha256 ? before.lastChangedAt : now,
      isArchive: options.isArchive ?? false,
      parse: options.parse,
    });
  }

  async function unpack(document: FetchedObject, parentUrl: string): Promise<void> {
    const pattern = entry.archiveEntryPattern;
    const isArchive = pattern !== undefined && looksLikeZip(document.bytes);
    remember(document, 'document', { parentUrl, isArchive, parse: !isArchive });
    if (!isArchive) return;
    // Entries already extracted from these very bytes are reused, so an unchanged archive costs no inflate.
    const known = previous.objects.filter(
      (object) => object.role === 'archive-entry' && object.parentSha256 === document.stored.sha256,
    );
    if (
      known.length > 0 &&
      (await Promise.all(known.map((object) => store.exists(object.key)))).every(Boolean)
    ) {
      objects.push(...known);
      return;
    }
    deps.onProgress?.(`unpacking ${redactUrl(document.url)}`);
    const entries = await extractArchive(document.bytes, {
      entryPattern: pattern,
      sourceId: entry.id,
      url: redactUrl(document.url),
      ...(deps.archiveLimits && { limits: deps.archiveLimits }),
    });
    for (const archived of entries) {
      const ext = extensionFor(
        `https://archive.invalid/${encodeURIComponent(archived.name)}`,
        undefined,
        archived.bytes,
      );
      const stored = await storeRawObject(store, entry.id, archived.bytes, ext, {
        role: 'archive-entry',
        requestedUrl: redactUrl(document.url),
        finalUrl: redactUrl(document.finalUrl),
        status: 200,
        headers: {
          'content-type': null,
          etag: null,
          'last-modified': null,
          'content-length': null,
          date: null,
        },
        fetchedAt: now,
        runId: input.runId,
        parentUrl: redactUrl(document.url),
        parentSha256: document.stored.sha256,
        archiveEntry: archived.name,
      });
      if (stored.created) newObjects++;
      remember(
        {
          url: document.url,
          finalUrl: document.finalUrl,
          stored: { key: stored.key, sha256: stored.sha256, ext, fetchedAt: stored.provenance.fetchedAt },
          contentType: null,
        },
        'archive-entry',
        {
          parentUrl: redactUrl(document.url),
          parentSha256: document.stored.sha256,
          archiveEntry: archived.name,
          parse: true,
        },
      );
    }
  }

  try {
    let frontier: FetchedObject[] = [];
    for (const landingUrl of entry.landingUrls) {
      const landing = await fetchObject(landingUrl, 'landing', null);
      remember(landing, 'landing', { parentUrl: null, parse: entry.landingIsDocument });
      frontier.push(landing);
    }
    for (const step of entry.discovery) {
      const next: FetchedObject[] = [];
      const followed = new Set<string>();
      for (const page of frontier) {
        const html = new TextDecoder().decode(page.bytes);
        for (const link of discoverLinks(html, page.finalUrl, step)) {
          if (followed.has(link.url)) continue;
          followed.add(link.url);
          const parentUrl = redactUrl(page.url);
          if (step.yields === 'page') {
            const child = await fetchObject(link.url, 'page', parentUrl);
            remember(child, 'page', { parentUrl, parse: false });
            next.push(child);
          } else {
            await unpack(await fetchObject(link.url, 'document', parentUrl), parentUrl);
          }
        }
      }
      frontier = next;
    }
  } catch (error) {
    if (!(error instanceof IcsLakeError)) throw error;
    const message = describeError(error);
    await writeSourceState(store, {
      ...previous,
      http,
      lastFailureAt: now,
      consecutiveFailures: previous.consecutiveFailures + 1,
      lastError: message,
    });
    deps.log(`${entry.id}: failed: ${message}`);
    return {
      outcome: { sourceId: entry.id, status: 'failed', documents: 0, newObjects, bytes, error: message },
      errorCode: error.code,
    };
  }

  const documents = objects.filter((object) => object.parse);
  const signature = (list: CurrentDocument[]) =>
    list
      .filter((object) => object.parse)
      .map((object) => `${object.url}#${object.archiveEntry ?? ''}=${object.sha256}`)
      .sort()
      .join('\n');
  const changed = previous.lastSuccessAt === null || signature(objects) !== signature(previous.objects);
  // After a success the conditional-request state keeps only the URLs still in use, so it does not grow with
  // every article that ever passed through a news index.
  const state: SourceState = {
    sourceId: entry.id,
    objects,
    http: Object.fromEntries(Object.entries(http).filter(([url]) => requestedThisRun.has(url))),
    lastSuccessAt: now,
    lastChangedAt: changed ? now : previous.lastChangedAt,
    lastFailureAt: previous.lastFailureAt,
    consecutiveFailures: 0,
    lastError: null,
  };
  await writeSourceState(store, state);
  return {
    outcome: {
      sourceId: entry.id,
      status: changed ? 'fetched' : 'unchanged',
      documents: documents.length,
      newObjects,
      bytes,
    },
  };
}

function selectHeaders(headers: Record<string, string>): ProvenanceSidecar['headers'] {
  const selected = {} as ProvenanceSidecar['headers'];
  for (const name of PROVENANCE_HEADERS) selected[name] = headers[name] ?? null;
  return selected;
}

function extOf(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}
