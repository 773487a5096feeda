import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describeError, IcsLakeError, isLakeFailure } from '../core/errors.ts';
import type { ArchiveLimits } from '../sources/archive.ts';
import {
  type DiscoveryStep,
  catalogue as defaultCatalogue,
  type SourceEntry,
  sourceById,
} from '../sources/catalogue.ts';
import { discoverLinks, discoveryKey } from '../sources/discover.ts';
import type { Fetcher } from '../sources/fetch.ts';
import {
  type CurrentDocument,
  readRawObject,
  readSourceState,
  type SourceState,
  writeSourceState,
} from '../sources/raw-zone.ts';
import { redactUrl } from '../sources/url-guard.ts';
import { fetchObject, remember } from './acquire/fetch-object.ts';
import { type AcquireSession, type FetchedObject, openSession } from './acquire/session.ts';
import { unpack } from './acquire/unpack.ts';
import { onInterrupt } from './interrupt.ts';
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

export { MAX_PAGE_BYTES } from './acquire/session.ts';

/** Detail returned alongside the stage outcome, for the run report. */
export interface AcquireDetail {
  outcome: SourceOutcome;
  /** The IcsLakeError code of a failure. */
  errorCode?: string;
  /** A received document refused at acquire time (an unsafe archive), recorded under `quarantine/` too. */
  quarantined?: QuarantineEntry[];
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
  const previous = await readSourceState(deps.store, entry.id);
  const session = openSession(input, deps, entry, previous);
  // Interrupted (SIGINT/SIGTERM): the scratch folder goes with the process. A signal already stopping the
  // process refuses the registration (InterruptedError): then the folder is removed here and nothing starts.
  const removeScratch = () => rmSync(session.scratch, { recursive: true, force: true });
  let disposeInterrupt: () => void;
  try {
    disposeInterrupt = onInterrupt(removeScratch);
  } catch (error) {
    removeScratch();
    throw error;
  }
  try {
    await walkSource(session);
  } catch (error) {
    // A source that fails is reported and the run goes on; a lake that fails (full disk) fails the run.
    if (!(error instanceof IcsLakeError) || isLakeFailure(error)) throw error;
    return recordFailure(session, error);
  } finally {
    await rm(session.scratch, { recursive: true, force: true });
    disposeInterrupt();
  }
  return commitSuccess(session);
}

/** Fetch the landing pages, then follow the catalogue's discovery steps hop by hop to the documents. */
async function walkSource(session: AcquireSession): Promise<void> {
  let frontier: FetchedObject[] = [];
  for (const landingUrl of session.entry.landingUrls) {
    const landing = await fetchObject(session, landingUrl, 'landing', null);
    remember(session, landing, 'landing', { parentUrl: null, parse: session.entry.landingIsDocument });
    frontier.push(landing);
  }
  for (const step of session.entry.discovery) frontier = await discoveryHop(session, frontier, step);
}

/** One discovery hop: every link the step selects on the frontier's pages, fetched once each. */
async function discoveryHop(
  session: AcquireSession,
  frontier: readonly FetchedObject[],
  step: DiscoveryStep,
): Promise<FetchedObject[]> {
  const next: FetchedObject[] = [];
  const followed = new Set<string>();
  for (const page of frontier) {
    const parentUrl = redactUrl(page.url);
    for (const url of await linksOn(session, page, step)) {
      if (followed.has(url)) continue;
      followed.add(url);
      if (step.yields === 'page') {
        const child = await fetchObject(session, url, 'page', parentUrl);
        remember(session, child, 'page', { parentUrl, parse: false });
        next.push(child);
      } else {
        await acquireDocument(session, url, parentUrl);
      }
    }
  }
  return next;
}

/**
 * The links a step selects on a page. A page that came back unchanged was searched with the same rules before:
 * its links come from its cache entry, and it is neither read nor parsed. Otherwise they are found on the page
 * and kept in its entry for next time. A document is not searched.
 */
async function linksOn(session: AcquireSession, page: FetchedObject, step: DiscoveryStep): Promise<string[]> {
  if (page.document) return [];
  const entry = session.http[redactUrl(page.url)];
  const sameCopy = entry !== undefined && entry.sha256 === page.stored.sha256;
  const key = discoveryKey(step, page.finalUrl);
  const cached = sameCopy ? entry.links?.[key] : undefined;
  if (cached !== undefined) return cached;
  const bytes = page.bytes ?? (await readRawObject(session.deps.store, page.stored.key));
  const urls = discoverLinks(new TextDecoder().decode(bytes), page.finalUrl, step).map((link) => link.url);
  if (sameCopy) entry.links = { [key]: urls };
  return urls;
}

/** Fetch, store and unpack one document; its scratch copy is removed as soon as it is done with. */
async function acquireDocument(session: AcquireSession, url: string, parentUrl: string): Promise<void> {
  const document = await fetchObject(session, url, 'document', parentUrl);
  try {
    session.unpacking = document;
    await unpack(session, document, parentUrl);
    delete session.unpacking;
  } finally {
    if (document.spooledPath) await rm(document.spooledPath, { force: true });
  }
}

/**
 * A failed source: its state keeps the previous documents and only the failure counters change. A refused
 * archive's bytes stay in the raw zone (never parsed) and are quarantined with the reason.
 */
async function recordFailure(session: AcquireSession, error: IcsLakeError): Promise<AcquireDetail> {
  const { store } = session.deps;
  const message = describeError(error);
  await writeSourceState(store, {
    ...session.previous,
    http: session.http,
    lastFailureAt: session.now,
    consecutiveFailures: session.previous.consecutiveFailures + 1,
    lastError: message,
  });
  session.deps.log(`${session.entry.id}: failed: ${message}`);
  const quarantined: QuarantineEntry[] = [];
  if (error.code === 'archive_refused' && session.unpacking !== undefined) {
    await quarantineRecord(
      store,
      {
        sourceId: session.entry.id,
        stage: 'acquire',
        url: redactUrl(session.unpacking.url),
        key: session.unpacking.stored.key,
        sha256: session.unpacking.stored.sha256,
        code: error.code,
        reason: message,
        firstSeenRunId: session.input.runId,
      },
      (quarantineEntry) => quarantined.push(quarantineEntry),
    );
  }
  return {
    outcome: {
      sourceId: session.entry.id,
      status: 'failed',
      documents: 0,
      newObjects: session.newObjects,
      bytes: session.bytes,
      error: message,
    },
    errorCode: error.code,
    ...(quarantined.length > 0 && { quarantined }),
  };
}

/** The set of documents to parse, as a comparable signature (URL, archive entry and hash of each). */
export function documentSignature(objects: readonly CurrentDocument[]): string {
  return objects
    .filter((object) => object.parse)
    .map((object) => `${object.url}#${object.archiveEntry ?? ''}=${object.sha256}`)
    .sort()
    .join('\n');
}

/**
 * A successful source: its state names the documents now current. `fetched` when the documents or their bytes
 * changed (or on a first success), `unchanged` otherwise. Validators are kept only for URLs still in use, so the
 * state does not grow with every article that ever passed through a news index.
 */
async function commitSuccess(session: AcquireSession): Promise<AcquireDetail> {
  const { previous, objects, now } = session;
  const changed =
    previous.lastSuccessAt === null || documentSignature(objects) !== documentSignature(previous.objects);
  const state: SourceState = {
    sourceId: session.entry.id,
    objects,
    http: Object.fromEntries(
      Object.entries(session.http).filter(([url]) => session.requestedThisRun.has(url)),
    ),
    lastSuccessAt: now,
    lastChangedAt: changed ? now : previous.lastChangedAt,
    lastFailureAt: previous.lastFailureAt,
    consecutiveFailures: 0,
    lastError: null,
  };
  await writeSourceState(session.deps.store, state);
  return {
    outcome: {
      sourceId: session.entry.id,
      status: changed ? 'fetched' : 'unchanged',
      documents: objects.filter((object) => object.parse).length,
      newObjects: session.newObjects,
      bytes: session.bytes,
    },
  };
}
