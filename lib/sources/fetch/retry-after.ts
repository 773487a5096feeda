/** Parse Retry-After (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(
  value: string | undefined,
  responseDate: string | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  const reference =
    responseDate !== undefined && !Number.isNaN(Date.parse(responseDate)) ? Date.parse(responseDate) : now();
  return Math.max(0, at - reference);
}
