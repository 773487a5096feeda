import type { LakeStore } from '../../lib/lake/store.ts';
import {
  type CurrentDocument,
  freshSourceState,
  rawKey,
  sha256Of,
  writeSourceState,
} from '../../lib/sources/raw-zone.ts';

/** One page a finished acquire would have stored: its URL, its HTML and when it was fetched. */
export interface AcquiredPage {
  url: string;
  html: string;
  at: string;
}

/**
 * Make `pages` a source's current documents, as a finished acquire would: each page's bytes in the raw zone
 * under their sha256 and the source's state listing them (`role` `landing` for a listing page, `document` for
 * an article). Replaces whatever the source held before.
 */
export async function acquirePages(
  store: LakeStore,
  sourceId: string,
  pages: readonly AcquiredPage[],
  role: CurrentDocument['role'] = 'document',
): Promise<void> {
  const objects: CurrentDocument[] = [];
  for (const { url, html, at } of pages) {
    const bytes = new TextEncoder().encode(html);
    const sha256 = sha256Of(bytes);
    const key = rawKey(sourceId, sha256, 'html');
    await store.put(key, bytes);
    objects.push({
      url,
      finalUrl: url,
      key,
      sha256,
      ext: 'html',
      role,
      contentType: 'text/html',
      parentUrl: null,
      parentSha256: null,
      archiveEntry: null,
      fetchedAt: at,
      lastChangedAt: at,
      isArchive: false,
      parse: true,
    });
  }
  await writeSourceState(store, { ...freshSourceState(sourceId), objects });
}
