import type { Resolution } from '../reference/gazetteer.ts';
import { sortRows } from '../reference/order.ts';
import type { Provenance } from './input.ts';

/** A name or code that could not be attached to an ICS; the caller reports and quarantines it, never drops it. */
export interface UnresolvedEntry {
  name: string;
  source_id: string;
  url: string;
  sha256: string;
  evidence: string;
  reason: string;
}

/** The report entry for a resolution that failed (unresolved or ambiguous), or null when it resolved. */
export function unresolvedFrom(
  resolution: Resolution,
  provenance: Provenance,
  evidence: string,
): UnresolvedEntry | null {
  if (resolution.status === 'resolved') return null;
  const reason =
    resolution.status === 'ambiguous'
      ? `ambiguous: "${resolution.name}" matches ${[...new Set(resolution.candidates.map((c) => c.ics_code))].join(', ')}; not guessed`
      : resolution.reason;
  return {
    name: resolution.name,
    source_id: provenance.source_id,
    url: provenance.url,
    sha256: provenance.sha256,
    evidence,
    reason,
  };
}

/** Sorted, without exact duplicates. */
export function sortedUnresolved(entries: readonly UnresolvedEntry[]): UnresolvedEntry[] {
  return sortRows(
    entries.map((entry) => ({ ...entry })),
    ['url', 'name', 'evidence', 'reason'],
  ).filter((entry, index, all) => index === 0 || JSON.stringify(entry) !== JSON.stringify(all[index - 1]));
}
