import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SourceEntry } from '../../sources/catalogue.ts';
import type {
  CurrentDocument,
  HttpCacheEntry,
  SourceState,
  StoredRawObject,
} from '../../sources/raw-zone.ts';
import type { AcquireDeps } from '../acquire.ts';
import type { RequestRecord } from '../run-report.ts';
import type { AcquireInput } from '../stages.ts';

/** Pages read for discovery are held in memory, so they get a cap of their own well below a document's. */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** One object fetched (or reused from the lake) during an acquire. */
export interface FetchedObject {
  url: string;
  finalUrl: string;
  /** A document (streamed to scratch, parsed downstream) rather than a page searched for links. */
  document: boolean;
  /** The body of a freshly fetched page (for discovery); a page that came back unchanged is read only if needed. */
  bytes?: Uint8Array;
  /** The first bytes of a document, for sniffing (empty for a page that came back unchanged). */
  head: Uint8Array;
  /** A freshly fetched document's scratch file, until the acquire ends. */
  spooledPath?: string;
  stored: Pick<StoredRawObject, 'key' | 'sha256' | 'ext'> & { fetchedAt: string };
  contentType: string | null;
}

/** The state of one source's acquire while it runs: what it started from and what it has found so far. */
export interface AcquireSession {
  input: AcquireInput;
  deps: AcquireDeps;
  entry: SourceEntry;
  /** The source's state before this acquire (kept as is if the acquire fails). */
  previous: SourceState;
  /** The run's clock, as an ISO date-time. */
  now: string;
  /** Conditional-GET validators by URL, updated as responses arrive. */
  http: Record<string, HttpCacheEntry>;
  /** The URLs requested in this acquire (the state keeps validators only for those). */
  requestedThisRun: Set<string>;
  /** Every object of the source as now found (landing pages, pages, documents, archive entries). */
  objects: CurrentDocument[];
  newObjects: number;
  bytes: number;
  /** Scratch folder that documents stream through on their way to the lake; removed at the end. */
  scratch: string;
  /** The document being unpacked: when its archive is refused, its stored bytes are quarantined. */
  unpacking?: FetchedObject;
}

/**
 * Start an acquire: make its scratch folder. Made synchronously, so that the caller can register its removal on
 * SIGINT/SIGTERM before anything else runs: no signal can land between the two.
 */
export function openSession(
  input: AcquireInput,
  deps: AcquireDeps,
  entry: SourceEntry,
  previous: SourceState,
): AcquireSession {
  return {
    input,
    deps,
    entry,
    previous,
    now: deps.clock.now().toISOString(),
    http: { ...previous.http },
    requestedThisRun: new Set(),
    objects: [],
    newObjects: 0,
    bytes: 0,
    scratch: mkdtempSync(path.join(deps.scratchDir ?? tmpdir(), `ics-lake-${entry.id}-`)),
  };
}

/** Append a request's outcome to the run report. */
export function recordRequest(session: AcquireSession, record: RequestRecord): void {
  session.deps.requests?.push(record);
}
