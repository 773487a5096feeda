/**
 * Typed pipeline errors. Every message says what was expected, what was found, and where,
 * so the run report and quarantine entries can be read without the stack trace.
 */
export abstract class IcsLakeError extends Error {
  /** Machine-readable error code, stable across releases (used in run reports and metrics). */
  abstract readonly code: string;
  constructor(
    message: string,
    /** The catalogue source id the failure belongs to, when known. */
    readonly sourceId?: string,
    /** The URL (or lake key) of the document concerned, when known. */
    readonly url?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A fetch was refused before or during transfer: host not allowlisted, bad scheme, SSRF guard, redirect loop. */
export class FetchRefusedError extends IcsLakeError {
  readonly code = 'fetch_refused';
}

/** A fetch failed: HTTP error status after retries, network error, deadline or byte cap exceeded. */
export class FetchFailedError extends IcsLakeError {
  readonly code = 'fetch_failed';
  constructor(
    message: string,
    sourceId?: string,
    url?: string,
    /** The final HTTP status, if a response was received. */
    readonly status?: number,
  ) {
    super(message, sourceId, url);
  }
}

/** A document's layout no longer matches what its parser expects (missing column, list, heading...). */
export class SourceLayoutError extends IcsLakeError {
  readonly code = 'layout_drift';
}

/** A document parsed but its values are invalid (negative counts, unknown date formats, duplicate keys...). */
export class SourceDataError extends IcsLakeError {
  readonly code = 'invalid_data';
}

/** An archive was refused: path traversal, bomb-like compression ratio, oversized or unexpected entries. */
export class ArchiveRefusedError extends IcsLakeError {
  readonly code = 'archive_refused';
}

/** A name found in a source could not be resolved to an ICS code. */
export class UnresolvedNameError extends IcsLakeError {
  readonly code = 'unresolved_name';
}

/** Another run holds the lake's lease. */
export class LeaseHeldError extends IcsLakeError {
  readonly code = 'lease_held';
}

/** Render any thrown value as a single line for logs and reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ').trim();
  return String(error);
}

/** Another writer committed the lake object we meant to create (e.g. a dataset version's manifest). */
export class LakeConflictError extends IcsLakeError {
  readonly code = 'lake_conflict';
}

/** The feed was asked to announce a dataset version that is not committed (no manifest, or latest.json behind it). */
export class UncommittedVersionError extends IcsLakeError {
  readonly code = 'uncommitted_version';
}

/**
 * The lake itself failed: a write that could not complete (ENOSPC, EIO, an S3 error status), or an object that
 * is damaged (unparseable JSON, a hash that does not match its manifest). `key` names the object; `hint` says
 * how to repair it.
 */
export class LakeIoError extends IcsLakeError {
  readonly code = 'lake_io';
  constructor(
    message: string,
    /** The lake key concerned. */
    readonly key: string,
    /** The HTTP status of an S3 failure, if any. */
    readonly status?: number,
  ) {
    super(message, undefined, key);
  }
}

/** An object in the lake does not hold what it should (truncated JSON, wrong hash, broken feed chain). */
export class LakeDamagedError extends IcsLakeError {
  readonly code = 'lake_damaged';
  constructor(
    message: string,
    /** The lake key concerned. */
    readonly key: string,
    /** How to repair it, in one sentence. */
    readonly hint: string,
  ) {
    super(`${message}. ${hint}`, undefined, key);
  }
}

/** A run whose clock is older than the lake's newest committed state (history only moves forward). */
export class ClockBehindLakeError extends IcsLakeError {
  readonly code = 'clock_behind_lake';
}

/** The run was stopped by a signal (SIGINT, SIGTERM) before it finished. */
export class RunInterruptedError extends IcsLakeError {
  readonly code = 'interrupted';
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/**
 * Whether an error means the lake itself failed (a write that could not complete, a damaged object, a full disk)
 * rather than the document being processed. Such an error fails the run: it must never be taken for a bad
 * source and quarantined, which would replace good data with nothing.
 */
export function isLakeFailure(error: unknown): boolean {
  if (error instanceof LakeIoError || error instanceof LakeDamagedError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT' || code === 'EROFS' || code === 'EMFILE';
}
