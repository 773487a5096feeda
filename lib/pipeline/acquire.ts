import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describeError, FetchFailedError, IcsLakeError } from '../core/errors.ts';
import { type ArchiveLimits, extractArchiveFile, looksLikeZip } from '../sources/archive.ts';
import { catalogue as defaultCatalogue, type SourceEntry, sourceById } from '../sources/catalogue.ts';
import { discoverLinks } from '../sources/discover.ts';
import type { Fetcher } from '../sources/fetch.ts';
import {
  type CurrentDocument,
  extensionFor,
  type HttpCacheEntry,
  PROVENANCE_HEADERS,
  type ProvenanceSidecar,
  readRawHead,
  readRawObject,
  readSourceState,
  type SourceState,
  type StoredRawObject,
  storeRawFile,
  storeRawObject,
  writeSourceState,
} from '../sources/raw-zone.ts';
import { SPOOL_HEAD_BYTES, type SpooledBody, spoolChunks } from '../sources/spool.ts';
import { redactUrl } from '../sources/url-guard.ts';
import { quarantineRecord } from './parse-stage.ts';
import type { QuarantineEntry, RequestRecord } from './run-report.ts';
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
  /**
   * A local folder for scratch files (default: the OS temporary folder). Documents and archive entries stream
   * through it on their way to the lake, so memory stays flat whatever their size.
   */
  scratchDir?: string;
}

/** Pages read for discovery are held in memory, so they get a cap of their own well below a document's. */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** Detail returned alongside the stage outcome, for the run report. */
export interface AcquireDetail {
  outcome: SourceOutcome;
  /** The IcsLakeError code of a failure. */
  errorCode?: string;
  /** A received document refused at acquire time (an unsafe archive), recorded under `quarantine/` too. */
  quarantined?: QuarantineEntry[];
}

interface FetchedObject {
  url: string;
  finalUrl: string;
  /** The body of a page (held for discovery); documents are not read into memory. */
  bytes?: Uint8Array;
  /** The first bytes of the body, for sniffing. */
  head: Uint8Array;
  /** A freshly fetched document's scratch file, until the acquire ends. */
  spooledPath?: string;
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
  const scratch = await mkdtemp(path.join(deps.scratchDir ?? tmpdir(), `ics-lake-${entry.id}-`));
  /** The document being unpacked: when its archive is refused, its stored bytes are quarantined. */
  let unpacking: FetchedObject | undefined;

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
    // Documents stream to a scratch file; pages are small and needed whole for discovery.
    const isDocument = role === 'document' || (role === 'landing' && entry.landingIsDocument);
    const result = await deps.fetcher.fetch({
      url,
      sourceId: entry.id,
      allowedHosts: entry.allowedHosts,
      maxBytes: isDocument ? entry.maxBytes : Math.min(entry.maxBytes, MAX_PAGE_BYTES),
      deadlineMs: entry.deadlineMs,
      ...(validators && { validators }),
      ...(isDocument && { spoolDir: scratch }),
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
      bytes: result.spooled?.bytes ?? result.body.length,
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
      const body = isDocument ? undefined : await readRawObject(store, cached.key);
      return {
        url,
        finalUrl: result.finalUrl,
        ...(body && { bytes: body }),
        head: body
          ? body.subarray(0, SPOOL_HEAD_BYTES)
          : await readRawHead(store, cached.key, SPOOL_HEAD_BYTES),
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
    const spooled: SpooledBody | undefined = result.spooled;
    const head = spooled ? spooled.head : result.body.subarray(0, SPOOL_HEAD_BYTES);
    const ext = extensionFor(result.finalUrl, contentType ?? undefined, head);
    const provenance = {
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
    } as const;
    const stored = spooled
      ? await storeRawFile(store, entry.id, spooled, ext, provenance)
      : await storeRawObject(store, entry.id, result.body, ext, provenance);
    bytes += stored.bytes;
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

  /** Stream a stored object into a scratch file (an unchanged archive whose entries must be extracted again). */
  async function copyToScratch(key: string): Promise<string> {
    const source = await store.getStream(key);
    if (source === undefined)
      throw new RangeError(`Raw object ${key} is named in the lake's state but missing`);
    const file = path.join(scratch, `copy-${path.basename(key)}`);
    await pipeline(source, createWriteStream(file));
    return file;
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
    const isArchive = pattern !== undefined && looksLikeZip(document.head);
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
    const archiveFile = document.spooledPath ?? (await copyToScratch(document.stored.key));
    const entries = await extractArchiveFile(
      archiveFile,
      {
        entryPattern: pattern,
        sourceId: entry.id,
        url: redactUrl(document.url),
        ...(deps.archiveLimits && { limits: deps.archiveLimits }),
      },
      (_name, chunks) => spoolChunks(chunks, scratch),
    );
    for (const { name, result: spooledEntry } of entries) {
      const archived = { name };
      const ext = extensionFor(
        `https://archive.invalid/${encodeURIComponent(archived.name)}`,
        undefined,
        spooledEntry.head,
      );
      const stored = await storeRawFile(store, entry.id, spooledEntry, ext, {
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
      await rm(spooledEntry.path, { force: true });
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
        const html = new TextDecoder().decode(page.bytes ?? new Uint8Array());
        for (const link of discoverLinks(html, page.finalUrl, step)) {
          if (followed.has(link.url)) continue;
          followed.add(link.url);
          const parentUrl = redactUrl(page.url);
          if (step.yields === 'page') {
            const child = await fetchObject(link.url, 'page', parentUrl);
            remember(child, 'page', { parentUrl, parse: false });
            next.push(child);
          } else {
            const document = await fetchObject(link.url, 'document', parentUrl);
            try {
              unpacking = document;
              await unpack(document, parentUrl);
              unpacking = undefined;
            } finally {
              // A document's scratch copy is done with once stored and unpacked; do not let them pile up.
              if (document.spooledPath) await rm(document.spooledPath, { force: true });
            }
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
    // The refused archive's bytes stay in the raw zone (content-addressed, never parsed: the source's state
    // still names the previous documents); the quarantine record points at them with the reason.
    const quarantined: QuarantineEntry[] = [];
    if (error.code === 'archive_refused' && unpacking !== undefined) {
      await quarantineRecord(
        store,
        {
          sourceId: entry.id,
          stage: 'acquire',
          url: redactUrl(unpacking.url),
          key: unpacking.stored.key,
          sha256: unpacking.stored.sha256,
          code: error.code,
          reason: message,
          firstSeenRunId: input.runId,
        },
        (quarantineEntry) => quarantined.push(quarantineEntry),
      );
    }
    return {
      outcome: { sourceId: entry.id, status: 'failed', documents: 0, newObjects, bytes, error: message },
      errorCode: error.code,
      ...(quarantined.length > 0 && { quarantined }),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
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
