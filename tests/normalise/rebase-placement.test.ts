import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeKeyed, placeMerged, sortedPlacement } from '../../lib/normalise/population.ts';
import type { PracticeKey, PracticeTable } from '../../lib/normalise/resolved-inputs.ts';

// The re-based series places every practice of every edition on every run, so the common case (numeric codes in
// key order, from the binary column cache) walks the newest edition's keys with a cursor instead of looking each
// practice up. Both must place every practice alike, including practices the newest edition does not hold.

const keys = fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 60 });

describe('re-based placement', () => {
  it('merging by ascending key places each practice as looking it up does', () => {
    fc.assert(
      fc.property(
        keys,
        keys,
        fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 3, maxLength: 3 }),
        fc.infiniteStream(fc.integer({ min: -1, max: 5 })),
        (editionKeys, newestKeys, own, icbStream) => {
          const sortedKeys = [...editionKeys].sort((a, b) => a - b);
          const placed = new Map<PracticeKey, number>(newestKeys.map((key) => [key, icbStream.next().value]));
          const practices: PracticeTable = {
            keys: Uint32Array.from(sortedKeys),
            subs: ['A', 'B', 'C'],
            sub: sortedKeys.map((key) => key % 3),
            patients: sortedKeys.map((key) => key * 10),
            ascending: true,
          };
          const sorted = sortedPlacement(placed);
          expect(sorted).toBeDefined();
          const merged = placeMerged(practices, sorted as NonNullable<typeof sorted>, own);
          expect([...merged]).toEqual([...placeKeyed(practices, placed, own)]);
          // And each is where the newest edition puts it, else where its own location goes.
          expect([...merged]).toEqual(sortedKeys.map((key) => placed.get(key) ?? (own[key % 3] as number)));
        },
      ),
    );
  });

  it('cannot merge when the newest edition has a code that is not a number', () => {
    expect(
      sortedPlacement(
        new Map<PracticeKey, number>([
          [12, 0],
          ['Y0-1', 1],
        ]),
      ),
    ).toBeUndefined();
  });
});
