import { compareText } from '../reference/order.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';
import { type UnresolvedEntry, unresolvedFrom } from './unresolved.ts';

/** The link published for each body on the NHS England listing page; later listings override earlier ones. */
export function websitesFromListings(inputs: ResolvedInputs): {
  websites: ReadonlyMap<string, string>;
  unresolved: UnresolvedEntry[];
} {
  const websites = new Map<string, string>();
  const unresolved: UnresolvedEntry[] = [];
  for (const { provenance, listing } of inputs.listingDocs) {
    const fromThisListing = new Map<string, string>();
    for (const entry of [...listing.entries].sort((a, b) =>
      compareText(a.name_as_published, b.name_as_published),
    )) {
      const resolution = inputs.gazetteer.resolve(entry.name_as_published);
      const problem = unresolvedFrom(resolution, provenance, entry.evidence);
      if (problem) unresolved.push(problem);
      if (resolution.status === 'resolved' && entry.href && !fromThisListing.has(resolution.ics_code)) {
        fromThisListing.set(resolution.ics_code, entry.href);
      }
    }
    for (const [code, href] of fromThisListing) websites.set(code, href);
  }
  return { websites, unresolved };
}
