import { getJson, type LakeStore } from '../lake/store.ts';
import type { NormaliseInput, Provenance } from '../normalise/input.ts';
import { parseLifecycleClaims } from '../parse/lifecycle.ts';
import { LifecycleDocument } from '../parse/records.ts';
import { decodeUtf8 } from '../parse/text.ts';
import type { Gazetteer } from '../reference/gazetteer.ts';
import { compareText } from '../reference/order.ts';
import type { SourceEntry } from '../sources/catalogue.ts';
import { currentDocuments } from '../sources/raw-zone.ts';
import { cachedPageParse, pageCacheKey } from './page-cache.ts';
import { PARSER_VERSION, ParseState, parseStateKey } from './parse-stage.ts';

/**
 * Lifecycle claims of every HTML document (announcements, ICB news pages, the listing page): the current documents
 * of each source plus the ones the parse stage retains after they left discovery, so a claim is not lost when a
 * news index rolls over, and every version of the listing page, so a claim is not lost when the page changes.
 * Reading runs after the parse stage (whose state it reads) and never fails the run: a page that cannot be read
 * yields no claims, and its problem is already the parse stage's to report.
 */

type LifecycleInput = NonNullable<NormaliseInput['lifecycleClaims']>[number];

interface Deps {
  store: LakeStore;
  catalogue: readonly SourceEntry[];
  gazetteer: Gazetteer;
}

interface DocumentRef {
  url: string;
  key: string;
  sha256: string;
  fetchedAt: string;
}

/** Extract the lifecycle claims of every HTML document the datasets are built from. */
export async function extractLifecycleClaims(deps: Deps): Promise<LifecycleInput[]> {
  const results: LifecycleInput[] = [];
  for (const source of deps.catalogue) {
    if (source.kind !== 'html-announcements' && source.kind !== 'html-listing') continue;
    for (const ref of await documentsOf(deps.store, source)) {
      const provenance: Provenance = {
        source_id: source.id,
        url: ref.url,
        sha256: ref.sha256,
        authority: source.authority,
        fetched_at: ref.fetchedAt,
      };
      try {
        const document = await claimsOfPage(deps, source, ref);
        if (document.claims.length > 0) results.push({ provenance, document });
      } catch {
        // Missing, undecodable or unreadable: the parse stage has quarantined it with its reason.
      }
    }
  }
  return results;
}

/** A page's lifecycle claims, read from their cache when the page was read before against the same gazetteer. */
function claimsOfPage(deps: Deps, source: SourceEntry, ref: DocumentRef): Promise<LifecycleDocument> {
  const page = { sourceId: source.id, url: ref.url, sha256: ref.sha256 };
  const key = pageCacheKey(page, 'lifecycle', deps.gazetteer, PARSER_VERSION);
  return cachedPageParse(deps.store, key, LifecycleDocument, async () => {
    const bytes = await deps.store.get(ref.key);
    if (bytes === undefined) throw new Error(`raw object ${ref.key} is missing from the lake`);
    const html = decodeUtf8(bytes, { sourceId: source.id, url: ref.url });
    return parseLifecycleClaims(html, ref.url, { gazetteer: deps.gazetteer });
  });
}

/**
 * The documents whose claims are read: each URL's current document, or the last good one the parse stage retains
 * after it left discovery. The listing page is one URL whose content changes and its claims are a record, so every
 * version the parse stage keeps (current and earlier, `<url>@<sha256>`) is read, each once.
 */
async function documentsOf(store: LakeStore, source: SourceEntry): Promise<DocumentRef[]> {
  const everyVersion = source.kind === 'html-listing';
  const idOf = (ref: DocumentRef) => (everyVersion ? `${ref.url}@${ref.sha256}` : ref.url);
  const byId = new Map<string, DocumentRef>();
  const state = ParseState.safeParse(await getJson(store, parseStateKey(source.id)));
  if (state.success) for (const ref of Object.values(state.data.documents)) byId.set(idOf(ref), ref);
  for (const doc of await currentDocuments(store, source.id)) {
    if (doc.archiveEntry !== null) continue;
    const ref = { url: doc.url, key: doc.key, sha256: doc.sha256, fetchedAt: doc.fetchedAt };
    byId.set(idOf(ref), ref);
  }
  return [...byId.values()].sort(
    (a, b) => compareText(a.url, b.url) || Date.parse(a.fetchedAt) - Date.parse(b.fetchedAt),
  );
}
