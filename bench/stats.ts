/** Median, min and max of repeated measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Summarise repeated measurements (the median of an even count is the mean of the middle two). */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarise: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, runs: sorted.length };
}

/** Bytes as MB (10^6), for throughput figures. */
export const MB = 1_000_000;
/** Bytes as MiB, for memory figures. */
export const MiB = 1024 * 1024;

/** `median (min–max)` with a fixed number of decimals. */
export function formatSummary(summary: Summary, decimals = 1, unit = ''): string {
  const f = (value: number) => value.toFixed(decimals);
  return `${f(summary.median)}${unit} (${f(summary.min)}–${f(summary.max)})`;
}
