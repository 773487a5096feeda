import { z } from 'zod';
import { type LakeStore, parseJsonOrUndefined } from '../lake/store.ts';
import {
  derivePracticeIndex,
  type PracticeIndex,
  type PracticeIndexLoader,
} from '../normalise/practice-index.ts';
import {
  type PracticeKey,
  type PracticeLoader,
  practiceCodeOf,
  practiceKey,
} from '../normalise/resolved-inputs.ts';

/**
 * The practice index (lib/normalise/practice-index.ts) kept between runs at `PRACTICE_INDEX_KEY`: a release reads
 * it, adds the editions that are new since (reading only their practices), and writes it back. It is derived state:
 * when it is missing, damaged, of another format or parser version, or was derived from editions that are not the
 * oldest of those asked for in the same order (an edition replaced or dropped), it is derived again from every
 * edition. Codes and locations are stored as comma-joined text, so reading it costs a few string splits.
 */
export const PRACTICE_INDEX_KEY = 'state/practice-index.json';

const CachedIndex = z.object({
  format: z.literal(1),
  parser: z.number(),
  editions: z.array(z.string()),
  /** `code=location,…`: where each practice was last seen. */
  lastSeen: z.string(),
  /** Year -> `code,…`: the practices its editions hold. */
  years: z.record(z.string(), z.string()),
});

export function cachedPracticeIndex(
  store: LakeStore,
  load: PracticeLoader,
  parserVersion: number,
): PracticeIndexLoader {
  return async (editions) => {
    const cached = await readIndex(store, parserVersion);
    const known = cached?.editions.length ?? -1;
    const index = await derivePracticeIndex(editions, load, cached);
    const unchanged = index === cached && index.editions.length === known;
    const text = unchanged ? undefined : serialise(index, parserVersion);
    if (text !== undefined) await store.put(PRACTICE_INDEX_KEY, text, { contentType: 'application/json' });
    return index;
  };
}

async function readIndex(store: LakeStore, parserVersion: number): Promise<PracticeIndex | undefined> {
  const bytes = await store.get(PRACTICE_INDEX_KEY);
  if (bytes === undefined) return undefined;
  const parsed = CachedIndex.safeParse(parseJsonOrUndefined(Buffer.from(bytes).toString('utf8')));
  if (!parsed.success || parsed.data.parser !== parserVersion) return undefined;
  const lastSeen = new Map<PracticeKey, string>();
  for (const entry of splitList(parsed.data.lastSeen)) {
    const at = entry.indexOf('=');
    if (at <= 0) return undefined;
    lastSeen.set(practiceKey(entry.slice(0, at)), entry.slice(at + 1));
  }
  const years = new Map<string, Set<PracticeKey>>();
  for (const [year, codes] of Object.entries(parsed.data.years))
    years.set(year, new Set(splitList(codes).map(practiceKey)));
  return { editions: parsed.data.editions, lastSeen, years };
}

/** The index as stored; undefined (not kept) when a code or location holds a separator, which ODS codes never do. */
function serialise(index: PracticeIndex, parserVersion: number): string | undefined {
  const separators = /[,=]/;
  for (const [key, sub] of index.lastSeen)
    if (separators.test(practiceCodeOf(key)) || separators.test(sub)) return undefined;
  const cached: z.infer<typeof CachedIndex> = {
    format: 1,
    parser: parserVersion,
    editions: index.editions,
    lastSeen: [...index.lastSeen].map(([key, sub]) => `${practiceCodeOf(key)}=${sub}`).join(','),
    years: Object.fromEntries(
      [...index.years].map(([year, keys]) => [year, [...keys].map(practiceCodeOf).join(',')]),
    ),
  };
  return JSON.stringify(cached);
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}
