import { compareText, sortRows } from '../reference/order.ts';
import type { IcsDesignationRow } from './datasets.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';
import { type UnresolvedEntry, unresolvedFrom } from './unresolved.ts';

/** `ics_designations` and, per announcement, the ICSs it designates (its "wave"), which published claims need. */
export interface Designations {
  rows: IcsDesignationRow[];
  /** Announcement URL -> ODS codes of the areas it designates. */
  waveCodesByUrl: ReadonlyMap<string, ReadonlySet<string>>;
  unresolved: UnresolvedEntry[];
}

/** Every designation claim of every announcement, resolved to an ODS code; unresolvable names are reported. */
export function buildDesignations(inputs: ResolvedInputs): Designations {
  const { gazetteer } = inputs;
  const unresolved: UnresolvedEntry[] = [];
  const byKey = new Map<string, IcsDesignationRow>();
  const waveCodesByUrl = new Map<string, Set<string>>();
  for (const { provenance, announcement } of inputs.announcementDocs) {
    const waveCodes = new Set<string>();
    for (const area of announcement.areas) {
      const resolution = gazetteer.resolve(area.name_as_published);
      const problem = unresolvedFrom(resolution, provenance, area.evidence);
      if (problem) unresolved.push(problem);
      if (resolution.status !== 'resolved') continue;
      waveCodes.add(resolution.ics_code);
      const row: IcsDesignationRow = {
        ics_code: resolution.ics_code,
        announced_on: announcement.announced_on,
        effective_from: announcement.effective_from,
        wave: announcement.announced_on.slice(0, 7),
        name_as_published: area.name_as_published,
        partial: resolution.partial === true,
        source_url: provenance.url,
        source_sha256: provenance.sha256,
        authority: provenance.authority,
        evidence: area.evidence,
      };
      // Two areas of one article can resolve to one ICS ("Berkshire West" and "Buckinghamshire" -> QU9): keep
      // one row, preferring a whole-footprint name, then the first name in code-unit order.
      const key = `${row.ics_code}|${row.source_url}`;
      const existing = byKey.get(key);
      const better =
        !existing ||
        (existing.partial && !row.partial) ||
        (existing.partial === row.partial &&
          compareText(row.name_as_published, existing.name_as_published) < 0);
      if (better) byKey.set(key, row);
    }
    waveCodesByUrl.set(provenance.url, waveCodes);
  }
  return { rows: sortRows([...byKey.values()], ['ics_code', 'source_url']), waveCodesByUrl, unresolved };
}
