import { z } from 'zod';
import { ClockBehindLakeError, LakeDamagedError } from '../core/errors.ts';
import { getJson, type LakeStore, putJson } from '../lake/store.ts';
import { readSourceState } from '../sources/raw-zone.ts';

/**
 * Time only moves forward in a lake. `state/timeline.json` records the run clock of the newest run that began
 * writing the lake and whether it completed. A run whose clock is older is refused before it writes anything
 * (it would publish newer documents under older dates); `replay` resumes at the first snapshot the lake has
 * not completed instead of starting again from the oldest.
 */
export const TIMELINE_KEY = 'state/timeline.json';

export const Timeline = z.object({
  schema: z.literal('ics-lake/timeline/v1'),
  /** The run clock (ISO date-time) of the newest run that began writing the lake. */
  newest_run_at: z.iso.datetime(),
  newest_run_id: z.string().min(1),
  /** The snapshot date that run replayed, or null for a live run. */
  snapshot: z.string().nullable(),
  /** Whether that run completed; an interrupted or failed run is resumed by the next replay. */
  completed: z.boolean(),
});
export type Timeline = z.infer<typeof Timeline>;

/**
 * The lake's timeline. A lake written before timelines existed gets one derived from its source states (the
 * newest run that touched a source), marked not completed so that run's date is replayed again.
 */
export async function readTimeline(
  store: LakeStore,
  sourceIds: readonly string[],
): Promise<Timeline | undefined> {
  const value = await getJson(
    store,
    TIMELINE_KEY,
    'Repair: delete it; the next run derives it again from the source states',
  );
  if (value !== undefined) {
    const parsed = Timeline.safeParse(value);
    if (!parsed.success) {
      throw new LakeDamagedError(
        `${store.location}/${TIMELINE_KEY} is not a timeline (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        TIMELINE_KEY,
        'Repair: delete it; the next run derives it again from the source states',
      );
    }
    return parsed.data;
  }
  let newest: string | null = null;
  for (const id of sourceIds) {
    const state = await readSourceState(store, id);
    for (const at of [state.lastSuccessAt, state.lastFailureAt]) {
      if (at !== null && (newest === null || Date.parse(at) > Date.parse(newest))) newest = at;
    }
  }
  if (newest === null) return undefined;
  return {
    schema: 'ics-lake/timeline/v1',
    newest_run_at: new Date(newest).toISOString(),
    newest_run_id: 'unknown (derived from source states)',
    snapshot: null,
    completed: false,
  };
}

/** Refuse a run whose clock is older than the lake's newest run (one line saying what to do instead). */
export function assertClockNotBehind(timeline: Timeline | undefined, runAt: Date, location: string): void {
  if (timeline === undefined || runAt.getTime() >= Date.parse(timeline.newest_run_at)) return;
  throw new ClockBehindLakeError(
    `Refused: this run is dated ${runAt.toISOString()}, but ${location} already holds a run dated ${timeline.newest_run_at} (${timeline.newest_run_id}); history only moves forward, so nothing was written. Run a newer snapshot, \`ics-lake replay\` (which resumes where the lake stopped), or use a fresh --lake`,
  );
}

/** Record that a run dated `runAt` has begun (before its first write) or completed. */
export function writeTimeline(
  store: LakeStore,
  run: { runAt: Date; runId: string; snapshot: string | null; completed: boolean },
): Promise<void> {
  const timeline: Timeline = {
    schema: 'ics-lake/timeline/v1',
    newest_run_at: run.runAt.toISOString(),
    newest_run_id: run.runId,
    snapshot: run.snapshot,
    completed: run.completed,
  };
  return putJson(store, TIMELINE_KEY, timeline);
}

/**
 * Which of the dated runs (oldest first) a replay still has to do: those after the lake's newest run, and that
 * run itself again when it did not complete.
 */
export function runsToReplay<T extends { runAt: Date }>(
  runs: readonly T[],
  timeline: Timeline | undefined,
): T[] {
  if (timeline === undefined) return [...runs];
  const newest = Date.parse(timeline.newest_run_at);
  return runs.filter(
    (run) => run.runAt.getTime() > newest || (run.runAt.getTime() === newest && !timeline.completed),
  );
}
