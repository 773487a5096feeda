import { compareText } from '../reference/order.ts';

/**
 * Precedence rule for conflicting designation claims: decides `ics.designated_from` (and
 * `ics.designation_wave`) from the rows of `ics_designations` for one ICS. Every claim stays in
 * `ics_designations`; this rule only chooses which one the `ics` row reports.
 *
 * 1. Authority: NHS England's own publications (`official`) beat trade press. Trade-press claims are used
 *    only for an ICS that no official publication designates.
 * 2. Footprint: within that authority, claims naming the whole of today's ICS (or the merged ICS by name)
 *    beat partial-area claims (alias `partial: true`, e.g. "Berkshire West" for QU9, "Blackpool and Fylde
 *    Coast" for QE1). Partial claims are used only when no whole-footprint claim exists, so an area NHS
 *    England counted as an ICS is never left undesignated because it was named by a former footprint.
 * 3. Time: among the remaining claims, the earliest announcement (`announced_on`) wins; ties are broken by
 *    `source_url` (lexical), so the choice never depends on input order.
 * 4. Date: the winner's `effective_from` if the source states one, else its `announced_on`.
 *
 * Example: the December 2020 wave. NHS England's release says "from December 2020" (announced 2020-12-08);
 * trade press says "from 1 April 2021". Both rows are kept; `designated_from` takes the NHS England date.
 */

/** The fields of a designation claim the precedence rule reads. */
export interface DesignationClaim {
  ics_code: string;
  announced_on: string;
  effective_from: string | null;
  wave: string;
  partial: boolean;
  authority: 'official' | 'trade-press';
  source_url: string;
}

/** The claim chosen for one ICS and the date it yields. */
export interface DesignationDecision {
  designated_from: string;
  wave: string;
  source_url: string;
  authority: 'official' | 'trade-press';
  partial: boolean;
}

function rank(claim: DesignationClaim): [number, number, string, string] {
  return [
    claim.authority === 'official' ? 0 : 1,
    claim.partial ? 1 : 0,
    claim.announced_on,
    claim.source_url,
  ];
}

function compareClaims(left: DesignationClaim, right: DesignationClaim): number {
  const [a1, a2, a3, a4] = rank(left);
  const [b1, b2, b3, b4] = rank(right);
  return a1 - b1 || a2 - b2 || compareText(a3, b3) || compareText(a4, b4);
}

/** Choose the designation claim that decides `ics.designated_from` for one ICS, or null if there is none. */
export function decideDesignation(claims: readonly DesignationClaim[]): DesignationDecision | null {
  const [winner] = [...claims].sort(compareClaims);
  if (!winner) return null;
  return {
    designated_from: winner.effective_from ?? winner.announced_on,
    wave: winner.wave,
    source_url: winner.source_url,
    authority: winner.authority,
    partial: winner.partial,
  };
}
