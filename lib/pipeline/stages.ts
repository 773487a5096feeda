import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { LakeStore } from '../lake/store.ts';

/**
 * The pipeline's stage boundary: the CLI (`ics-lake run`) and the Lambda handlers both call these functions.
 * Inputs and outputs are zod schemas because they cross the Step Functions boundary as JSON.
 */

/**
 * Sources acquired at once: by a local run, and by the deployed state machine's Map over sources (lib/infra), so
 * the two load the sources' hosts alike. Each host also gets at most two connections at a time (the fetcher's own
 * limit), whichever sources share it.
 */
export const ACQUIRE_CONCURRENCY = 3;

export const AcquireInput = z.object({
  runId: z.string().min(1),
  sourceId: z.string().min(1),
});
export type AcquireInput = z.infer<typeof AcquireInput>;

export const SourceOutcome = z.object({
  sourceId: z.string(),
  status: z.enum(['fetched', 'unchanged', 'failed']),
  documents: z.number().int().nonnegative(),
  newObjects: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  error: z.string().optional(),
});
export type SourceOutcome = z.infer<typeof SourceOutcome>;

export const ProcessInput = z.object({
  runId: z.string().min(1),
  /** Outcomes from the acquire Map, so the report says which sources fed this run. */
  sources: z.array(SourceOutcome),
  /** When the run started (the state machine's execution start time), for the run report. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ProcessInput = z.infer<typeof ProcessInput>;

export const ProcessOutcome = z.object({
  runId: z.string(),
  quarantined: z.number().int().nonnegative(),
  /** Versions committed in this run, by dataset name. */
  published: z.array(z.object({ dataset: z.string(), version: z.number().int().positive() })),
});
export type ProcessOutcome = z.infer<typeof ProcessOutcome>;

export const FeedInput = z.object({ runId: z.string().min(1) });
export type FeedInput = z.infer<typeof FeedInput>;

export const FeedOutcome = z.object({
  runId: z.string(),
  events: z.number().int().nonnegative(),
  notified: z.number().int().nonnegative(),
});
export type FeedOutcome = z.infer<typeof FeedOutcome>;

/** What every stage is given: the lake, the clock, and a line logger. Adapters are built by the caller. */
export interface StageContext {
  store: LakeStore;
  clock: Clock;
  log: (line: string) => void;
}
