import fc from 'fast-check';
import { type PublishResult, publishDataset } from '../../lib/lake/publish.ts';
import type { LakeStore } from '../../lib/lake/store.ts';
import { type regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';

/** A row of the small `regions` test dataset. */
export type Region = ReturnType<typeof regionRows>[number];

/**
 * Random versions of the `regions` dataset for diff properties: a few codes, so two versions share, drop and add
 * rows; names drawn from `nameUnits` (e.g. the characters CSV and JSON must escape), tables unique by code.
 */
export function regionTable(codes: readonly string[], nameUnits?: readonly string[]): fc.Arbitrary<Region[]> {
  const region = fc.record({
    region_code: fc.constantFrom(...codes),
    name: nameUnits
      ? fc.string({ unit: fc.constantFrom(...nameUnits), maxLength: 5 })
      : fc.string({ maxLength: 6 }),
    population: fc.integer({ min: 0, max: 5 }),
    share_pct: fc.option(fc.constantFrom(1.5, 2), { nil: null }),
    designated: fc.boolean(),
    designated_on: fc.constant(null),
    sub_icb_codes: fc.array(fc.constantFrom('00L', '00N'), { maxLength: 2 }),
    kind: fc.constantFrom('ics' as const, 'stp' as const),
  }) satisfies fc.Arbitrary<Region>;
  return fc.uniqueArray(region, { selector: (row) => row.region_code, maxLength: codes.length });
}

/** Publish `rows` as the next version of `regions`, as of `asOf` (also its creation time). */
export function publishRegions(
  store: LakeStore,
  rows: readonly Region[],
  asOf: string,
): Promise<PublishResult> {
  return publishDataset(store, regionsDataset, rows, {
    pipelineVersion: 'test',
    lineage: [],
    asOf,
    createdAt: asOf,
  });
}
