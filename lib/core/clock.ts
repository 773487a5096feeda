/** The pipeline's only source of "now": injected so runs can replay history at a snapshot's date. */
export interface Clock {
  now(): Date;
}

/** Wall-clock time, for live runs. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant, for replays and tests. */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`fixedClock: not a date: ${String(at)}`);
  return { now: () => new Date(instant) };
}
