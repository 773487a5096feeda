import { compareText, sortRows } from '../reference/order.ts';
import type { Provenance } from './input.ts';

/**
 * Choosing among parsed documents: the newest fetch of each URL, or of each key (e.g. one GP edition per extract
 * date), and the raw objects a dataset was built from. Deterministic: ties fall to the greater hash or URL.
 */

export interface WithProvenance {
  provenance: Provenance;
}

/** A raw object in the lake: what a dataset version's lineage lists. */
export interface RawRef {
  sha256: string;
  url: string;
}

/** Order of two fetch instants (timestamps may carry different offsets, so compare instants, not text). */
export function compareFetched(left: Provenance, right: Provenance): number {
  return Date.parse(left.fetched_at) - Date.parse(right.fetched_at);
}

/** One document per URL: the most recently fetched version (ties: the greater hash), in URL order. */
export function latestPerUrl<Doc extends WithProvenance>(documents: readonly Doc[]): Doc[] {
  const byUrl = new Map<string, Doc>();
  for (const doc of documents) {
    const current = byUrl.get(doc.provenance.url);
    const newer =
      !current ||
      compareFetched(doc.provenance, current.provenance) > 0 ||
      (compareFetched(doc.provenance, current.provenance) === 0 &&
        compareText(doc.provenance.sha256, current.provenance.sha256) > 0);
    if (newer) byUrl.set(doc.provenance.url, doc);
  }
  return [...byUrl.values()].sort((a, b) => compareText(a.provenance.url, b.provenance.url));
}

/** One document per key (e.g. reference date): the latest-fetched, so two editions never double-count. */
export function latestPerKey<Doc extends WithProvenance>(
  documents: readonly Doc[],
  key: (doc: Doc) => string,
): Doc[] {
  const byKey = new Map<string, Doc>();
  for (const doc of latestPerUrl(documents)) {
    const current = byKey.get(key(doc));
    if (
      !current ||
      compareFetched(doc.provenance, current.provenance) > 0 ||
      (compareFetched(doc.provenance, current.provenance) === 0 &&
        compareText(doc.provenance.url, current.provenance.url) > 0)
    ) {
      byKey.set(key(doc), doc);
    }
  }
  return [...byKey.values()].sort((a, b) => compareText(key(a), key(b)));
}

/** The distinct raw objects behind some documents, sorted. */
export function rawRefs(docs: readonly WithProvenance[]): RawRef[] {
  const unique = new Map<string, RawRef>();
  for (const { provenance } of docs)
    unique.set(`${provenance.sha256}|${provenance.url}`, { sha256: provenance.sha256, url: provenance.url });
  return sortRows([...unique.values()], ['sha256', 'url']);
}
