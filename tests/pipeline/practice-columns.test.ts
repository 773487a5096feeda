import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { practicePlacements } from '../../lib/normalise/resolved-inputs.ts';
import { decodePracticeColumns, encodePracticeColumns } from '../../lib/pipeline/practice-columns.ts';

// Issue 15: the re-based series reads every GP edition's practices on every run, from a binary column cache.

const practice = fc.record({
  practice_code: fc.oneof(
    fc.stringMatching(/^[A-Z0-9]{6}$/),
    fc.stringMatching(/^[A-Za-z0-9 .-]{1,9}$/).filter((code) => code.trim().length > 0),
  ),
  sub_icb_code: fc.stringMatching(/^[0-9A-Z]{3,9}$/),
  patients: fc.nat({ max: 2 ** 40 }),
});

const byCode = <T extends { practice_code: string; patients: number }>(practices: readonly T[]) =>
  [...practices].sort((a, b) =>
    a.practice_code < b.practice_code ? -1 : a.practice_code > b.practice_code ? 1 : a.patients - b.patients,
  );

describe('practice columns', () => {
  it('read back exactly the practices written, whatever their codes', () => {
    fc.assert(
      fc.property(fc.array(practice, { maxLength: 60 }), (practices) => {
        const decoded = decodePracticeColumns(encodePracticeColumns(practices));
        if ('problem' in decoded) throw new Error(decoded.problem);
        // The same practices; in key order when every code is numeric (and then marked ascending, unless repeated).
        expect(byCode(practicePlacements(decoded))).toEqual(byCode(practices));
        const keys = Array.from(decoded.keys);
        const numeric = keys.every((key) => typeof key === 'number');
        expect(decoded.ascending).toBe(numeric && new Set(keys).size === keys.length);
      }),
    );
  });

  it('give six-character ODS codes numeric keys, leading zeros and all', () => {
    const practices = [
      { practice_code: 'A81001', sub_icb_code: '16C', patients: 4099 },
      { practice_code: '0A1234', sub_icb_code: '16C', patients: 1 },
    ];
    const decoded = decodePracticeColumns(encodePracticeColumns(practices));
    if ('problem' in decoded) throw new Error(decoded.problem);
    expect(Array.from(decoded.keys).every((key) => typeof key === 'number')).toBe(true);
    expect(decoded.ascending).toBe(true);
    expect(practicePlacements(decoded)).toEqual([practices[1], practices[0]]);
  });

  it('refuse bytes cut short, an index out of range, a patient count that is not whole, and other files', () => {
    const bytes = encodePracticeColumns([
      { practice_code: 'A81001', sub_icb_code: '16C', patients: 4099 },
      { practice_code: 'A81002', sub_icb_code: '00K', patients: 18921 },
    ]);
    const problem = (body: Uint8Array) => {
      const decoded = decodePracticeColumns(body);
      return 'problem' in decoded ? decoded.problem : 'decoded';
    };
    expect(problem(bytes.subarray(0, bytes.length - 1))).toMatch(/expected \d+ bytes/);
    const outOfRange = Uint8Array.from(bytes);
    outOfRange.set([2, 0], bytes.length - 2);
    expect(problem(outOfRange)).toMatch(/sub-ICB indexes below 2/);
    const fraction = Buffer.from(bytes);
    const start = fraction.length - 2 * (8 + 4 + 2);
    fraction.writeDoubleLE(0.5, start);
    expect(problem(fraction)).toMatch(/whole patient counts/);
    expect(problem(new TextEncoder().encode('{"codes": []}'))).toMatch(/starting ICSPRAC1/);
    expect(problem(bytes)).toBe('decoded');
  });
});
