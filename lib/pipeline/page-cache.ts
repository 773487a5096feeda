import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { getJson, type LakeStore } from '../lake/store.ts';
import type { Gazetteer } from '../reference/gazetteer.ts';

/**
 * Parses of HTML pages, cached by what they are a function of: the page's bytes and URL, the gazetteer its names
 * were resolved against (by content, see Gazetteer.fingerprint) and the parser version. Every run reads every
 * retained page, and pages pile up over the years; a page is parsed again only when it is new or the reference
 * data changed (a new code vintage), not on every run.
 */

export interface PageRef {
  sourceId: string;
  url: string;
  sha256: string;
}

/** Where the `what` parse (e.g. `announcement`, `lifecycle`) of a page against a gazetteer is cached. */
export function pageCacheKey(
  page: PageRef,
  what: string,
  gazetteer: Gazetteer,
  parserVersion: number,
): string {
  const against = createHash('sha256').update(`${page.url}\n${gazetteer.fingerprint()}`).digest('hex');
  return `parsed/${page.sourceId}/${page.sha256}-${against.slice(0, 16)}.${what}.v${parserVersion}.json`;
}

/**
 * The cached value at `key` when `schema` accepts it, else `parse()` (which may throw: nothing is cached then),
 * cached for next time. A cache that is missing, unreadable or refused by the schema is derived again.
 */
export async function cachedPageParse<Schema extends z.ZodType>(
  store: LakeStore,
  key: string,
  schema: Schema,
  parse: () => Promise<z.output<Schema>>,
): Promise<z.output<Schema>> {
  const cached = schema.safeParse(await getJson(store, key).catch(() => undefined));
  if (cached.success) return cached.data;
  const value = await parse();
  await store.put(key, JSON.stringify(value), { contentType: 'application/json' });
  return value;
}
