import { describe, expect, it } from 'vitest';
import type { NormaliseInput } from '../../lib/normalise/input.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import { reorganisedWorld, REORGANISED_URLS as URLS } from './reorganised-world.ts';
import { hex } from './small-world.ts';

/**
 * `ics_lifecycle_claims` as a record: each version of the listing page passed in is read, oldest fetch first, and a
 * claim keeps the first document that made it, whatever order the documents come in.
 */

type LifecycleInput = NonNullable<NormaliseInput['lifecycleClaims']>[number];
type Claim = LifecycleInput['document']['claims'][number];

const PLANNED: Claim = {
  kind: 'succession',
  tense: 'planned',
  names_as_published: ['NHS Alpha ICB', 'NHS Bravo ICB'],
  effective_from: '2026-04-01',
  evidence: 'NHS Alpha ICB and NHS Bravo ICB | Merging on 1 April 2026',
};
const REPEATED: Claim = {
  kind: 'abolished',
  tense: 'reported',
  names_as_published: ['NHS Echo ICB'],
  effective_from: '2026-04-01',
  evidence: 'NHS Echo ICB | Abolished on 1 April 2026',
};
const REPORTED: Claim = {
  kind: 'established',
  tense: 'reported',
  names_as_published: ['NHS Newtown ICB'],
  effective_from: '2026-04-01',
  evidence: 'NHS Newtown ICB | Established on 1 April 2026',
};

/** One fetch of the listing page: its own hash, fetch time and publication date. */
function listingVersion(fetchedOn: string, sha: string, claims: Claim[]): LifecycleInput {
  return {
    provenance: {
      source_id: 'nhse-ics-list',
      url: URLS.listing,
      sha256: hex(sha),
      authority: 'official',
      fetched_at: `${fetchedOn}T12:00:00.000Z`,
    },
    document: { url: URLS.listing, title: 'Integrated care in your area', published_on: fetchedOn, claims },
  };
}

const OCTOBER = listingVersion('2025-10-15', '1', [PLANNED, REPEATED]);
const APRIL = listingVersion('2026-04-20', '2', [REPEATED, REPORTED]);

function listingClaims(versions: LifecycleInput[]) {
  const world = reorganisedWorld();
  return normalise(
    { ...world, lifecycleClaims: [...(world.lifecycleClaims ?? []), ...versions] },
    { asOf: '2026-04-20' },
  ).datasets.ics_lifecycle_claims.filter((row) => row.source_url === URLS.listing);
}

describe('ics_lifecycle_claims: append-only by source document', () => {
  it('keeps a claim with the first version that made it, in whatever order the versions come', () => {
    const rows = listingClaims([APRIL, OCTOBER]);
    expect(rows.map((row) => [row.evidence, row.source_sha256, row.announced_on]).sort()).toEqual([
      [PLANNED.evidence, hex('1'), '2025-10-15'],
      [REPEATED.evidence, hex('1'), '2025-10-15'],
      [REPORTED.evidence, hex('2'), '2026-04-20'],
    ]);
  });

  it('never drops or changes a claim when a later version repeats it or no longer states it', () => {
    const before = listingClaims([OCTOBER]);
    const after = new Map(listingClaims([OCTOBER, APRIL]).map((row) => [row.claim_id, row] as const));
    expect(before).toHaveLength(2);
    for (const row of before) expect(after.get(row.claim_id), row.evidence).toEqual(row);
  });
});
