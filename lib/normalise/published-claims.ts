import { createHash } from 'node:crypto';
import type { PublishedStatement } from '../parse/records.ts';
import { compareText, sortRows } from '../reference/order.ts';
import { claimDifference, isConsistent } from './claims.ts';
import { inPlaceOn, percentOf, populationOf } from './coverage.ts';
import type { IcsRow, PublishedClaimRow } from './datasets.ts';
import type { Designations } from './designations.ts';
import type { Provenance } from './input.ts';
import type { PopulationBasisFigures } from './population.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';

/**
 * `published_claims`: every count, population or percentage stated in an announcement or on the listing page, set
 * against our figure for the state after the announcement: the systems in place by then plus the ones it names
 * (scope `total`), or just the ones it names (scope `wave`).
 */
export function buildPublishedClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  designations: Designations,
  basis: PopulationBasisFigures,
): PublishedClaimRow[] {
  const claims = new Map<string, PublishedClaimRow>();
  const add = (
    provenance: Provenance,
    date: string,
    statement: Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'qualifier' | 'evidence'>,
    totalCodes: readonly string[],
    waveCodes: readonly string[],
  ): void => {
    const row = claimRow(provenance, date, statement, totalCodes, waveCodes, basis);
    claims.set(row.claim_id, row);
  };
  for (const { provenance, announcement } of inputs.announcementDocs) {
    const waveCodes = [...(designations.waveCodesByUrl.get(provenance.url) ?? [])].sort(compareText);
    const totalCodes = [...new Set([...inPlaceOn(ics, announcement.announced_on), ...waveCodes])].sort(
      compareText,
    );
    for (const statement of announcement.statements)
      add(provenance, announcement.announced_on, statement, totalCodes, waveCodes);
    if (announcement.running_total !== null) {
      add(
        provenance,
        announcement.announced_on,
        {
          kind: 'count',
          scope: 'total',
          value: announcement.running_total,
          qualifier: 'exactly',
          evidence: announcement.running_total_evidence ?? `running total ${announcement.running_total}`,
        },
        totalCodes,
        waveCodes,
      );
    }
  }
  for (const { provenance, listing } of inputs.listingDocs) {
    if (listing.stated_total === null) continue;
    const date = new Date(provenance.fetched_at).toISOString().slice(0, 10);
    add(
      provenance,
      date,
      {
        kind: 'count',
        scope: 'total',
        value: listing.stated_total,
        qualifier: 'exactly',
        evidence: `${listing.title}: ${listing.stated_total} integrated care systems stated`,
      },
      inPlaceOn(ics, date),
      [],
    );
  }
  return sortRows([...claims.values()], ['claim_id']);
}

function claimId(
  sourceUrl: string,
  statement: Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'evidence'>,
): string {
  return createHash('sha256')
    .update(
      [sourceUrl, statement.kind, statement.scope, String(statement.value), statement.evidence].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
}

function claimRow(
  provenance: Provenance,
  date: string,
  statement: Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'qualifier' | 'evidence'>,
  totalCodes: readonly string[],
  waveCodes: readonly string[],
  basis: PopulationBasisFigures,
): PublishedClaimRow {
  const codes = statement.scope === 'total' ? totalCodes : statement.scope === 'wave' ? waveCodes : null;
  let computed: number | null = null;
  if (codes !== null) {
    if (statement.kind === 'count') computed = codes.length;
    else if (basis.england > 0) {
      const people = populationOf(basis, codes);
      computed = people === null ? null : statement.kind === 'population' ? people : percentOf(basis, people);
    }
  }
  const id = claimId(provenance.url, statement);
  return {
    claim_id: id,
    date,
    source_url: provenance.url,
    source_sha256: provenance.sha256,
    authority: provenance.authority,
    kind: statement.kind,
    scope: statement.scope,
    qualifier: statement.qualifier,
    claimed_value: statement.value,
    computed_value: computed,
    consistent:
      computed === null ? null : isConsistent(statement.kind, statement.qualifier, statement.value, computed),
    difference: computed === null ? null : claimDifference(statement.kind, statement.value, computed),
    evidence: statement.evidence,
  };
}
