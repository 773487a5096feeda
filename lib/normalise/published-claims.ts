import { createHash } from 'node:crypto';
import type { PublishedStatement } from '../parse/records.ts';
import { compareText, sortRows } from '../reference/order.ts';
import { claimDifference, isConsistent } from './claims.ts';
import { designatedByAnnouncement, percentOf, populationOf, systemsOn } from './coverage.ts';
import type { IcsRow, PublishedClaimRow } from './datasets.ts';
import type { Designations } from './designations.ts';
import type { Provenance } from './input.ts';
import type { PopulationBasisFigures } from './population.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';

/**
 * `published_claims`: every count, population or percentage stated in an announcement or on the listing page, set
 * against our figure for the state after the announcement: the systems in place by then (`systemsOn`, the count
 * `ics_coverage` uses too) plus the ones it designates (scope `total`), or just the ones it designates (scope
 * `wave`).
 *
 * The dataset is a record, append-only by source document: every listing page ever fetched keeps its claims, dated
 * by its own fetch, and a claim stated again by a later fetch keeps its first document's date and provenance.
 */
export function buildPublishedClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  designations: Designations,
  basis: PopulationBasisFigures,
): PublishedClaimRow[] {
  const claims = new Map<string, PublishedClaimRow>();
  for (const row of [
    ...announcementClaims(inputs, ics, designations, basis),
    ...listingClaims(inputs, ics, basis),
  ]) {
    if (!claims.has(row.claim_id)) claims.set(row.claim_id, row);
  }
  return sortRows([...claims.values()], ['claim_id']);
}

type Statement = Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'qualifier' | 'evidence'>;

/** The statements of every announcement, and its running total, each checked on the announcement's date. */
function announcementClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  designations: Designations,
  basis: PopulationBasisFigures,
): PublishedClaimRow[] {
  return inputs.announcementDocs.flatMap(({ provenance, announcement }) => {
    const named = designations.waveCodesByUrl.get(provenance.url) ?? [];
    const { announced_on: date, effective_from: effective } = announcement;
    const waveCodes = designatedByAnnouncement(ics, named, date, effective);
    const totalCodes = [...new Set([...systemsOn(ics, date), ...waveCodes])].sort(compareText);
    const statements: Statement[] = [...announcement.statements];
    if (announcement.running_total !== null) {
      statements.push({
        kind: 'count',
        scope: 'total',
        value: announcement.running_total,
        qualifier: 'exactly',
        evidence: announcement.running_total_evidence ?? `running total ${announcement.running_total}`,
      });
    }
    return statements.map((statement) => claimRow(provenance, date, statement, totalCodes, waveCodes, basis));
  });
}

/** The stated total of every listing page ever fetched, oldest first, each checked on its own fetch date. */
function listingClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  basis: PopulationBasisFigures,
): PublishedClaimRow[] {
  return inputs.listingHistory.flatMap(({ provenance, listing }) => {
    if (listing.stated_total === null) return [];
    const date = new Date(provenance.fetched_at).toISOString().slice(0, 10);
    const statement: Statement = {
      kind: 'count',
      scope: 'total',
      value: listing.stated_total,
      qualifier: 'exactly',
      evidence: `${listing.title}: ${listing.stated_total} integrated care systems stated`,
    };
    return [claimRow(provenance, date, statement, systemsOn(ics, date), [], basis)];
  });
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
  statement: Statement,
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
