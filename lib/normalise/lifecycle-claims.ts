import { createHash } from 'node:crypto';
import { compareText, sortRows } from '../reference/order.ts';
import type { IcsLineageRow, IcsRow, LifecycleClaimRow } from './datasets.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';
import { type UnresolvedEntry, unresolvedFrom } from './unresolved.ts';

/**
 * `ics_lifecycle_claims`: what announcements, ICB news pages and the listing say happened to bodies, resolved to
 * ODS codes and checked against the lineage derived from the data. A claim never creates a body or an edge.
 *
 * The claims are a record, append-only by source document: documents are read oldest fetch first and a claim keeps
 * the first document that made it (its date and hash), so a later version of the listing page that repeats a claim
 * or no longer makes it changes nothing.
 */
export function buildLifecycleClaims(
  inputs: ResolvedInputs,
  ics: readonly IcsRow[],
  edges: readonly IcsLineageRow[],
): { rows: LifecycleClaimRow[]; unresolved: UnresolvedEntry[] } {
  const context: ClaimContext = {
    gazetteer: inputs.gazetteer,
    byCode: new Map(ics.map((row) => [row.ics_code, row])),
    edges,
  };
  const rows = new Map<string, LifecycleClaimRow>();
  const unresolved: UnresolvedEntry[] = [];
  for (const doc of inputs.lifecycleDocs) {
    for (const claim of claimsOfDocument(doc, context).values()) {
      if (rows.has(claim.row.claim_id)) continue;
      rows.set(claim.row.claim_id, claim.row);
      unresolved.push(...claim.unresolved);
    }
  }
  return { rows: sortRows([...rows.values()], ['claim_id']), unresolved };
}

type LifecycleDoc = ResolvedInputs['lifecycleDocs'][number];
type Claim = LifecycleDoc['document']['claims'][number];

/** What resolving and checking a claim needs: the names' world, the bodies by code and the derived edges. */
interface ClaimContext {
  gazetteer: ResolvedInputs['gazetteer'];
  byCode: ReadonlyMap<string, IcsRow>;
  edges: readonly IcsLineageRow[];
}

/** A claim's row and the names in it that did not resolve (reported once, with the row's document). */
interface DocumentClaim {
  row: LifecycleClaimRow;
  unresolved: UnresolvedEntry[];
}

/** One document's claims by claim id (a repeated claim: the last statement of it). */
function claimsOfDocument(
  { provenance, document }: LifecycleDoc,
  context: ClaimContext,
): Map<string, DocumentClaim> {
  const claims = new Map<string, DocumentClaim>();
  for (const claim of document.claims) {
    const names = resolveNames(claim, provenance, context.gazetteer);
    if (names.codes.length === 0 && names.unresolvedNames.length === 0) continue;
    const id = claimId(provenance.url, claim);
    claims.set(id, {
      row: {
        claim_id: id,
        kind: claim.kind,
        tense: claim.tense,
        ics_codes: names.codes,
        names_as_published: names.names,
        unresolved_names: names.unresolvedNames,
        announced_on: document.published_on,
        effective_from: claim.effective_from,
        source_url: provenance.url,
        source_sha256: provenance.sha256,
        authority: provenance.authority,
        evidence: claim.evidence,
        matches_lineage:
          claim.tense === 'planned'
            ? null
            : matchesLineage(claim.kind, names.codes, claim.effective_from, context.byCode, context.edges),
      },
      unresolved: names.unresolved,
    });
  }
  return claims;
}

/** A claim's id: its document's URL, kind, evidence and names as published (not the document's hash). */
function claimId(url: string, claim: Claim): string {
  return createHash('sha256')
    .update([url, claim.kind, claim.evidence, ...claim.names_as_published].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** The claim's names resolved to ICS codes (each code once), and the names that did not resolve. */
function resolveNames(
  claim: Claim,
  provenance: LifecycleDoc['provenance'],
  gazetteer: ClaimContext['gazetteer'],
) {
  const codes: string[] = [];
  const names: string[] = [];
  const unresolvedNames: string[] = [];
  const unresolved: UnresolvedEntry[] = [];
  for (const name of claim.names_as_published) {
    const resolution = gazetteer.resolve(name);
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
  return { codes, names, unresolvedNames, unresolved };
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
