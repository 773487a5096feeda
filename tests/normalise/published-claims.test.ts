import { describe, expect, it } from 'vitest';
import type { PublishedClaimRow } from '../../lib/normalise/datasets.ts';
import type { NormaliseInput } from '../../lib/normalise/input.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import { hex, provenance, smallWorld, URLS } from './small-world.ts';

/**
 * `published_claims` as a record: every listing page version keeps its stated total with its own fetch date and
 * document, and the ICS counts of the claims check are the counts of `ics_coverage`.
 */

type Listing = NonNullable<NormaliseInput['listings']>[number];
type AnnouncementDoc = NonNullable<NormaliseInput['announcements']>[number];

const MAY_2018 = 'https://www.england.nhs.uk/2018/05/two-more-areas/';

/** Like NHS England's May 2018 wave: one whole footprint (Bravo) and one former part of a later ICS (Alpha North). */
const may2018: AnnouncementDoc = {
  provenance: provenance(MAY_2018, '6', 'official', 'nhse-news'),
  announcement: {
    url: MAY_2018,
    title: 'Two more areas join',
    announced_on: '2018-05-24',
    effective_from: '2018-05-24',
    effective_evidence: 'from today',
    areas: [
      { name_as_published: 'Alpha North', evidence: 'Alpha North' },
      { name_as_published: 'Bravo', evidence: 'Bravo' },
    ],
    running_total: 2,
    running_total_evidence: 'This brings the number of integrated care systems to 2.',
    statements: [
      { kind: 'count', value: 2, qualifier: 'exactly', scope: 'wave', evidence: 'Two more areas' },
    ],
  },
};

/** One fetch of the listing page: the same URL, its own content and fetch time. */
function listingVersion(fetchedOn: string, sha: string, statedTotal: number): Listing {
  return {
    provenance: {
      ...provenance(URLS.listing, sha, 'official', 'nhse-ics-list'),
      sha256: hex(sha),
      fetched_at: `${fetchedOn}T12:00:00.000Z`,
    },
    listing: {
      url: URLS.listing,
      title: 'Integrated care in your area',
      stated_total: statedTotal,
      entries: [],
    },
  };
}

const LISTINGS = [
  listingVersion('2020-06-15', 'e', 2),
  listingVersion('2020-12-14', 'f', 3),
  listingVersion('2021-04-12', 'd', 4),
  // The page changed (a new layout, say) but still states 4: the claim keeps its 2021 date and document.
  listingVersion('2022-07-20', '7', 4),
];

/** The small world as a run on `asOf` sees it: the announcements published by then and the listing versions fetched. */
function worldOn(asOf: string, listings: readonly Listing[]): NormaliseInput {
  const world = smallWorld();
  return {
    ...world,
    announcements: [...(world.announcements ?? []), may2018].filter(
      (doc) => doc.announcement.announced_on <= asOf,
    ),
    listings: [...listings],
  };
}

function claimsOf(asOf: string, listings: readonly Listing[]) {
  return normalise(worldOn(asOf, listings), { asOf: asOf.slice(0, 10) }).datasets;
}

describe('published_claims: one count of ICSs with ics_coverage', () => {
  const { published_claims, ics_coverage } = claimsOf('2022-07-20', LISTINGS);
  const coverageOn = new Map(ics_coverage.map((row) => [row.date, row.ics_count]));

  it('counts a former part of a later ICS as coverage does: the May 2018 total is 1, not 2', () => {
    expect(coverageOn.get('2018-05-24')).toBe(1);
    const total = published_claims.find((row) => row.source_url === MAY_2018 && row.scope === 'total');
    expect(total).toMatchObject({ claimed_value: 2, computed_value: 1, consistent: false, difference: -1 });
    const wave = published_claims.find((row) => row.source_url === MAY_2018 && row.scope === 'wave');
    expect(wave).toMatchObject({ claimed_value: 2, computed_value: 1, consistent: false });
  });

  it("gives every total count claimed on a date coverage steps on coverage's own count", () => {
    const totals = published_claims.filter(
      (row) => row.kind === 'count' && row.scope === 'total' && coverageOn.has(row.date),
    );
    expect(totals.map((row) => row.date).sort()).toEqual(['2018-05-24', '2020-05-20', '2020-12-08']);
    for (const row of totals) expect(row.computed_value, row.date).toBe(coverageOn.get(row.date));
  });
});

describe('published_claims: append-only by source document', () => {
  it("keeps every listing version's stated total with its own fetch date and document", () => {
    const listed = claimsOf('2022-07-20', LISTINGS).published_claims.filter(
      (row) => row.source_url === URLS.listing,
    );
    expect(listed.map((row) => [row.date, row.claimed_value, row.computed_value, row.source_sha256])).toEqual(
      expect.arrayContaining([
        ['2020-06-15', 2, 2, hex('e')],
        ['2020-12-14', 3, 3, hex('f')],
        ['2021-04-12', 4, 4, hex('d')],
      ]),
    );
    expect(listed).toHaveLength(3);
  });

  it('never drops or changes a claim in a later run when only later pages appeared', () => {
    const runs = LISTINGS.map(
      (listing, index) =>
        claimsOf(listing.provenance.fetched_at.slice(0, 10), LISTINGS.slice(0, index + 1)).published_claims,
    );
    expect(runs.map((claims) => claims.length)).toEqual([5, 10, 12, 12]);
    for (const [index, claims] of runs.entries()) {
      const next = runs[index + 1];
      if (next === undefined) break;
      const nextById = new Map(next.map((row) => [row.claim_id, row] as const));
      for (const claim of claims)
        expect(nextById.get(claim.claim_id), `run ${index + 2}: ${claim.evidence}`).toEqual(claim);
    }
  });

  it('replaces the claims of an announcement whose own document changed', () => {
    const edited: AnnouncementDoc = {
      provenance: { ...may2018.provenance, sha256: hex('8'), fetched_at: '2022-07-20T12:00:00.000Z' },
      announcement: {
        ...may2018.announcement,
        statements: [],
        running_total: null,
        running_total_evidence: null,
      },
    };
    const world = worldOn('2022-07-20', LISTINGS);
    const claims: PublishedClaimRow[] = normalise(
      { ...world, announcements: [...(world.announcements ?? []), edited] },
      { asOf: '2022-07-20' },
    ).datasets.published_claims;
    expect(claims.filter((row) => row.source_url === MAY_2018)).toEqual([]);
  });
});
