import { createHash } from 'node:crypto';
import { compareText, sortRows } from '../reference/order.ts';
import type { IcsLineageRow, IcsRow, LifecycleClaimRow } from './datasets.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';
import { type UnresolvedEntry, unresolvedFrom } from './unresolved.ts';

/**
 * `ics_lifecycle_claims`: what announcements, ICB news pages and the listing say happened to bodies, resolved to
 * ODS codes and checked against the lineage derived from the data. A claim never creates a body or an edge.
 */
export function buildLifecycleClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  edges: readonly IcsLineageRow[],
): { rows: LifecycleClaimRow[]; unresolved: UnresolvedEntry[] } {
  const unresolved: UnresolvedEntry[] = [];
  const byCode = new Map(ics.map((row) => [row.ics_code, row]));
  const rows = new Map<string, LifecycleClaimRow>();
  for (const { provenance, document } of inputs.lifecycleDocs) {
    for (const claim of document.claims) {
      const codes: string[] = [];
      const names: string[] = [];
      const unresolvedNames: string[] = [];
      for (const name of claim.names_as_published) {
        const resolution = inputs.gazetteer.resolve(name);
        const problem = unresolvedFrom(resolution, provenance, claim.evidence);
        if (problem) {
          unresolved.push(problem);
          unresolvedNames.push(name);
          continue;
        }
        if (resolution.status === 'resolved' && !codes.includes(resolution.ics_code)) {
          codes.push(resolution.ics_code);
          names.push(name);
        }
      }
      if (codes.length === 0 && unresolvedNames.length === 0) continue;
      const id = createHash('sha256')
        .update([provenance.url, claim.kind, claim.evidence, ...claim.names_as_published].join('\n'))
        .digest('hex')
        .slice(0, 16);
      rows.set(id, {
        claim_id: id,
        kind: claim.kind,
        tense: claim.tense,
        ics_codes: codes,
        names_as_published: names,
        unresolved_names: unresolvedNames,
        announced_on: document.published_on,
        effective_from: claim.effective_from,
        source_url: provenance.url,
        source_sha256: provenance.sha256,
        authority: provenance.authority,
        evidence: claim.evidence,
        matches_lineage:
          claim.tense === 'planned'
            ? null
            : matchesLineage(claim.kind, codes, claim.effective_from, byCode, edges),
      });
    }
  }
  return { rows: sortRows([...rows.values()], ['claim_id']), unresolved };
}

/** Whether the derived data show what a reported claim says. */
function matchesLineage(
  kind: LifecycleClaimRow['kind'],
  codes: readonly string[],
  effective: string | null,
  byCode: ReadonlyMap<string, IcsRow>,
  edges: readonly IcsLineageRow[],
): boolean {
  const [subject, ...others] = codes;
  if (subject === undefined) return false;
  const row = byCode.get(subject);
  const onDate = (date: string | null) => date !== null && (effective === null || date === effective);
  const linked = (other: string) =>
    edges.some(
      (edge) =>
        ((edge.predecessor_code === subject && edge.successor_code === other) ||
          (edge.successor_code === subject && edge.predecessor_code === other)) &&
        onDate(edge.effective_date),
    );
  switch (kind) {
    case 'established':
      return row !== undefined && onDate(row.valid_from) && others.every(linked);
    case 'abolished':
      return codes.every((code) => onDate(byCode.get(code)?.valid_to ?? null));
    case 'boundary_changed':
      return row?.boundary_changed_on.some((date) => onDate(date)) === true;
    case 'succession':
      return others.length > 0 && others.every(linked);
  }
}

/** For each edge, the claims of the same date (or none) whose bodies include both ends: its corroborating documents. */
export function corroborate(
  edges: readonly IcsLineageRow[],
  claims: readonly LifecycleClaimRow[],
): IcsLineageRow[] {
  return edges.map((edge) => ({
    ...edge,
    corroborating_urls: [
      ...new Set(
        claims
          .filter(
            (claim) =>
              (claim.effective_from === null || claim.effective_from === edge.effective_date) &&
              claim.ics_codes.includes(edge.predecessor_code) &&
              claim.ics_codes.includes(edge.successor_code),
          )
          .map((claim) => claim.source_url),
      ),
    ].sort(compareText),
  }));
}
