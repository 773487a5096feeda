/**
 * Dates and date-times given by people (`--as-of`, `--since`, `--on`) and by the pipeline (`asOf`). One parser,
 * so the answer never depends on the machine's time zone: a date or a date-time without a zone is UTC.
 */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * Parse an ISO 8601 date (`2021-07-01`, UTC midnight) or date-time (`2021-07-01T12:30`, `…:00Z`,
 * `…+01:00`). Anything else is refused with a one-line RangeError naming `what`: trailing text, impossible
 * calendar dates (`2021-02-30`), out-of-range times, or a bare number.
 */
export function parseInstant(instant: Date | string, what = 'date'): Date {
  if (instant instanceof Date) {
    if (Number.isNaN(instant.getTime()))
      throw new RangeError(`${what}: expected a valid date, got an invalid Date`);
    return new Date(instant.getTime());
  }
  const text = instant.trim();
  const match = ISO_INSTANT.exec(text);
  const refuse = (why: string) =>
    new RangeError(
      `${what}: expected an ISO date (2021-04-01) or date-time (2021-04-01T12:30, UTC unless a zone is given), got ${JSON.stringify(instant)}${why}`,
    );
  if (match === null) throw refuse('');
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
    throw refuse(` (${year}-${month} has no day ${day})`);
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw refuse(' (time out of range)');
  if (zone !== 'Z' && zone !== 'z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59))
    throw refuse(' (zone out of range)');
  const millis = fraction === '' ? '' : `.${fraction.padEnd(3, '0').slice(0, 3)}`;
  const normalisedZone = zone.toUpperCase();
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${normalisedZone}`);
  if (Number.isNaN(parsed.getTime())) throw refuse('');
  return parsed;
}

/**
 * Parse the instant of an as-of question ("which version was latest then?"). A date-only value means the END of
 * that day UTC (23:59:59.999Z), so `2022-07-20` includes what was published during 20 July; a date-time is taken
 * as given (see {@link parseInstant}).
 */
export function parseAsOfInstant(instant: Date | string, what = 'date'): Date {
  const parsed = parseInstant(instant, what);
  if (typeof instant === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(instant.trim()))
    return new Date(parsed.getTime() + DAY_MS - 1);
  return parsed;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Parse an ISO calendar date only (`2021-04-01`), as UTC midnight; date-times are refused. */
export function parseIsoDate(text: string, what = 'date'): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim()))
    throw new RangeError(`${what}: expected an ISO date such as 2021-04-01, got ${JSON.stringify(text)}`);
  return parseInstant(text, what);
}

/** The ISO date (YYYY-MM-DD, UTC) of an instant. */
export function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
