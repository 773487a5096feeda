import { describe, expect, it } from 'vitest';
import { parseAsOfInstant } from '../../lib/core/instant.ts';

describe('parseAsOfInstant', () => {
  it('reads a date alone as the end of that day UTC, so a version stamped 12:00Z that day is included', () => {
    expect(parseAsOfInstant('2022-07-20').toISOString()).toBe('2022-07-20T23:59:59.999Z');
    expect(parseAsOfInstant(' 2024-02-29 ').toISOString()).toBe('2024-02-29T23:59:59.999Z');
  });

  it('takes date-times and Dates as given, zone-less ones as UTC', () => {
    expect(parseAsOfInstant('2022-07-20T00:00').toISOString()).toBe('2022-07-20T00:00:00.000Z');
    expect(parseAsOfInstant('2022-07-20T12:00+01:00').toISOString()).toBe('2022-07-20T11:00:00.000Z');
    expect(parseAsOfInstant(new Date('2022-07-20T00:00:00Z')).toISOString()).toBe('2022-07-20T00:00:00.000Z');
  });

  it('refuses what is not an ISO date, naming the option', () => {
    expect(() => parseAsOfInstant('20/07/2022', '--as-of')).toThrow(/^--as-of: expected an ISO date/);
    expect(() => parseAsOfInstant('2022-02-30', '--as-of')).toThrow(/has no day 30/);
  });
});
