import { describe, expect, it } from 'vitest';
import { claimDifference, isConsistent, roundOneDecimal } from '../../lib/normalise/claims.ts';

describe('isConsistent', () => {
  it('reads "more than" and "less than" strictly', () => {
    expect(isConsistent('percent', 'more_than', 60, 60.1)).toBe(true);
    expect(isConsistent('percent', 'more_than', 60, 60)).toBe(false);
    expect(isConsistent('population', 'less_than', 1_000_000, 999_999)).toBe(true);
    expect(isConsistent('population', 'less_than', 1_000_000, 1_000_000)).toBe(false);
    expect(isConsistent('count', 'up_to', 42, 42)).toBe(true);
    expect(isConsistent('count', 'up_to', 42, 43)).toBe(false);
  });

  it('requires exact counts, and counts "about" within one', () => {
    expect(isConsistent('count', 'exactly', 29, 29)).toBe(true);
    expect(isConsistent('count', 'exactly', 29, 28)).toBe(false);
    expect(isConsistent('count', 'about', 13, 12)).toBe(true);
    expect(isConsistent('count', 'about', 13, 11)).toBe(false);
  });

  it('allows 2.5% for "exactly" and 10% for "about" on populations and percentages', () => {
    expect(isConsistent('population', 'exactly', 14_500_000, 14_800_000)).toBe(true);
    expect(isConsistent('population', 'exactly', 14_500_000, 14_900_000)).toBe(false);
    expect(isConsistent('percent', 'about', 50, 54.9)).toBe(true);
    expect(isConsistent('percent', 'about', 50, 55.1)).toBe(false);
    expect(isConsistent('population', 'about', 6_000_000, 5_500_000)).toBe(true);
    expect(isConsistent('population', 'about', 6_000_000, 5_300_000)).toBe(false);
  });
});

describe('roundOneDecimal and claimDifference', () => {
  it('rounds half away from zero to one decimal', () => {
    expect(roundOneDecimal(49.95)).toBe(50);
    expect(roundOneDecimal(62.449)).toBe(62.4);
    expect(roundOneDecimal(-0.05)).toBe(-0.1);
  });

  it('gives percentage differences in points to one decimal, and raw differences otherwise', () => {
    expect(claimDifference('percent', 60, 62.36)).toBe(2.4);
    expect(claimDifference('population', 35_000_000, 34_123_456)).toBe(-876_544);
  });
});
