import { z } from 'zod';
import { SourceOutcome } from './stages.ts';

/** One HTTP request the acquire stage made (URLs are redacted of credentials and signatures). */
export const RequestRecord = z.object({
  sourceId: z.string(),
  url: z.string(),
  finalUrl: z.string().nullable(),
  role: z.enum(['landing', 'page', 'document']),
  /** The last HTTP status received, or null when none was (refused, network error). */
  status: z.number().int().nullable(),
  attempts: z.number().int().nonnegative(),
  /** Body bytes received (0 for a 304). */
  bytes: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
  /** fetched: new bytes stored; unchanged: 304 or identical bytes; refused: egress guard; failed: anything else. */
  outcome: z.enum(['fetched', 'unchanged', 'refused', 'failed']),
  /** The error's stable code (e.g. fetch_refused), or null. */
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/** A document (or record set) set aside by a later stage, with the reason. Later stages append these. */
export const QuarantineEntry = z.object({
  sourceId: z.string(),
  stage: z.string(),
  /** The raw object's key, when the quarantined thing is a document. */
  key: z.string().nullable(),
  url: z.string().nullable(),
  /** The error's stable code (layout_drift, invalid_data, archive_refused...). */
  code: z.string(),
  reason: z.string(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntry>;

/** A source whose newest change is older than its cadence allows. */
export const OverdueSource = z.object({
  sourceId: z.string(),
  lastChangedAt: z.iso.datetime(),
  daysSinceChange: z.number().int().nonnegative(),
  overdueAfterDays: z.number().int().positive(),
});
export type OverdueSource = z.infer<typeof OverdueSource>;

/** Per-source outcome in the report: the stage boundary's outcome plus the error code and time taken. */
export const SourceReport = SourceOutcome.extend({
  errorCode: z.string().optional(),
  ms: z.number().nonnegative(),
});
export type SourceReport = z.infer<typeof SourceReport>;

export const RunTotals = z.object({
  sources: z.number().int().nonnegative(),
  fetched: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  newObjects: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});
export type RunTotals = z.infer<typeof RunTotals>;

/** `runs/<run-id>.json`: everything one run did. */
export const RunReport = z.object({
  schema: z.literal('ics-lake/run-report/v1'),
  runId: z.string(),
  mode: z.enum(['live', 'snapshot']),
  /** The snapshot replayed (its date), or null in live mode. */
  snapshot: z.string().nullable(),
  /** The run's clock at its start (the snapshot date at 12:00Z in replays). */
  startedAt: z.iso.datetime(),
  lake: z.string(),
  /** completed: the run finished (some sources may have failed); failed: the run itself failed. */
  status: z.enum(['completed', 'failed']),
  error: z.string().nullable(),
  requests: z.array(RequestRecord),
  sources: z.array(SourceReport),
  overdue: z.array(OverdueSource),
  quarantine: z.array(QuarantineEntry),
  /** Sections written by the stages after acquire (parse, normalise, publish, feed), by stage name. */
  stages: z.record(z.string(), z.unknown()),
  totals: RunTotals,
});
export type RunReport = z.infer<typeof RunReport>;

/** The lake key of a run's report. */
export function runReportKey(runId: string): string {
  return `runs/${runId}.json`;
}

/** A run id derived from the run's clock, e.g. 2020-06-15T120000Z. */
export function runIdFor(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '');
}

/** Totals computed from a report's sources, requests and quarantine. */
export function computeTotals(
  report: Pick<RunReport, 'sources' | 'requests' | 'quarantine'>,
  durationMs: number,
): RunTotals {
  const count = (status: SourceOutcome['status']) =>
    report.sources.filter((source) => source.status === status).length;
  return {
    sources: report.sources.length,
    fetched: count('fetched'),
    unchanged: count('unchanged'),
    failed: count('failed'),
    quarantined: report.quarantine.length,
    requests: report.requests.length,
    newObjects: report.sources.reduce((sum, source) => sum + source.newObjects, 0),
    bytes: report.sources.reduce((sum, source) => sum + source.bytes, 0),
    durationMs,
  };
}

/** A one-line human summary of a run. */
export function summaryLine(report: RunReport): string {
  const { totals } = report;
  const mib = (totals.bytes / (1024 * 1024)).toFixed(2);
  return (
    `run ${report.runId} ${report.status}: ${totals.sources} sources — ${totals.fetched} fetched, ` +
    `${totals.unchanged} unchanged, ${totals.failed} failed, ${totals.quarantined} quarantined; ` +
    `${totals.newObjects} new objects, ${mib} MiB, ${(totals.durationMs / 1000).toFixed(1)} s`
  );
}
