import { z } from 'zod';
import { getJson, type LakeStore, putJson } from '../lake/store.ts';
import type { SourceEntry } from '../sources/catalogue.ts';
import { overdueSources } from './run.ts';
import {
  computeTotals,
  QuarantineEntry,
  RequestRecord,
  RunReport,
  runReportKey,
  SourceReport,
} from './run-report.ts';
import type { SourceOutcome } from './stages.ts';

/**
 * On AWS a run is split across Lambda tasks (one acquire per source, then process, then feed), so no single
 * process sees the whole run. Each acquire task writes its part of the run report; the process task assembles
 * `runs/<run-id>.json` from the parts, and the feed task adds its section. The CLI builds the same report in one
 * process (`runPipeline`).
 */

/** `runs/<run-id>/sources/<source-id>.json`: one acquire task's share of the run report. */
export const SourceRunPart = z.object({
  source: SourceReport,
  requests: z.array(RequestRecord),
  quarantine: z.array(QuarantineEntry),
});
export type SourceRunPart = z.infer<typeof SourceRunPart>;

/** The key of one source's part of a run report. */
export function sourcePartKey(runId: string, sourceId: string): string {
  return `runs/${runId}/sources/${sourceId}.json`;
}

/** Write one acquire task's part of the run report. */
export function writeSourcePart(store: LakeStore, runId: string, part: SourceRunPart): Promise<void> {
  return putJson(store, sourcePartKey(runId, part.source.sourceId), SourceRunPart.parse(part));
}

export interface AssembleOptions {
  runId: string;
  /** When the run started (the first task's clock). */
  startedAt: Date;
  now: Date;
  catalogue: readonly SourceEntry[];
  /**
   * Every source's outcome as the state machine collected it, including sources whose task crashed before
   * writing a part (Step Functions records those as failed).
   */
  sources: readonly SourceOutcome[];
  /** Quarantine entries recorded by later stages (parse, normalise). */
  quarantine: readonly QuarantineEntry[];
  stages: Record<string, unknown>;
  error?: string | null;
}

/** Assemble `runs/<run-id>.json` from the acquire parts plus the later stages' sections, and write it. */
export async function writeAssembledRunReport(
  store: LakeStore,
  options: AssembleOptions,
): Promise<RunReport> {
  const parts: SourceRunPart[] = [];
  for (const object of await store.list(`runs/${options.runId}/sources/`)) {
    parts.push(SourceRunPart.parse(await getJson(store, object.key)));
  }
  const partOf = new Map(parts.map((part) => [part.source.sourceId, part] as const));
  const draft = {
    requests: parts.flatMap((part) => part.requests),
    sources: options.sources.map((outcome) => partOf.get(outcome.sourceId)?.source ?? { ...outcome, ms: 0 }),
    quarantine: [...parts.flatMap((part) => part.quarantine), ...options.quarantine],
  };
  const report = RunReport.parse({
    schema: 'ics-lake/run-report/v1',
    runId: options.runId,
    mode: 'live',
    snapshot: null,
    startedAt: options.startedAt.toISOString(),
    lake: store.location,
    status: options.error ? 'failed' : 'completed',
    error: options.error ?? null,
    ...draft,
    overdue: await overdueSources(store, options.catalogue, options.now),
    stages: options.stages,
    totals: computeTotals(draft, Math.max(0, options.now.getTime() - options.startedAt.getTime())),
  });
  await putJson(store, runReportKey(options.runId), report);
  return report;
}

/** Add a later stage's section (e.g. `feed`) to a run report already written. */
export async function addStageToRunReport(
  store: LakeStore,
  runId: string,
  stage: string,
  section: unknown,
): Promise<void> {
  const existing = RunReport.safeParse(await getJson(store, runReportKey(runId)));
  if (!existing.success) return;
  await putJson(store, runReportKey(runId), {
    ...existing.data,
    stages: { ...existing.data.stages, [stage]: section },
  });
}
