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
 * edition. It is stored as one comma-joined text of `code=location=years` entries, `years` the base-36 bitmask of
 * the years (in `years` order) whose editions hold the practice: one entry per practice ever seen, so reading it costs
 * a string split and a few numbers per practice, not one per practice and year.
 */
export const PRACTICE_INDEX_KEY = 'state/practice-index.json';

const CachedIndex = z.object({
  format: z.literal(2),
  parser: z.number(),
  editions: z.array(z.string()),
  /** The years the editions fall in, oldest first: bit `i` of a practice's mask is `years[i]`. */
  years: z.array(z.string().regex(/^\d{4}$/)).max(52),
  /** `code=location=mask,…`: where each practice was last seen, and which years hold it. */
  practices: z.string(),
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
  const yearList = parsed.data.years;
  const held = yearList.map(() => new Set<PracticeKey>());
  const lastSeen = new Map<PracticeKey, string>();
  for (const entry of splitList(parsed.data.practices)) {
    const [code, sub, mask] = entry.split('=');
    const bits = Number.parseInt(mask ?? '', 36);
    if (!code || !sub || !Number.isSafeInteger(bits) || bits <= 0 || bits >= 2 ** yearList.length)
      return undefined;
    const key = practiceKey(code);
    lastSeen.set(key, sub);
    // Arithmetic, not `&`: bitwise operators cut numbers to 32 bits, and the mask holds up to 52 years.
    for (let year = 0; year < yearList.length; year++)
      if (Math.floor(bits / 2 ** year) % 2 === 1) held[year]?.add(key);
  }
  const years = new Map(yearList.map((year, index) => [year, held[index] as Set<PracticeKey>]));
  return { editions: parsed.data.editions, lastSeen, years };
}

/** The index as stored; undefined (not kept) when a code or location holds a separator, which ODS codes never do. */
function serialise(index: PracticeIndex, parserVersion: number): string | undefined {
  const separators = /[,=]/;
  // A code or location holding a separator could not be read back: such an index is not kept.
  for (const [key, sub] of index.lastSeen)
    if (separators.test(practiceCodeOf(key)) || separators.test(sub)) return undefined;
  const years = [...index.years.keys()].sort();
  if (years.length > 52) return undefined;
  const masks = new Map<PracticeKey, number>();
  for (const [position, year] of years.entries())
    for (const key of index.years.get(year) ?? []) masks.set(key, (masks.get(key) ?? 0) + 2 ** position);
  const entries: string[] = [];
  for (const [key, sub] of index.lastSeen) {
    const mask = masks.get(key);
    if (mask === undefined) return undefined;
    entries.push(`${practiceCodeOf(key)}=${sub}=${mask.toString(36)}`);
  }
  const cached: z.infer<typeof CachedIndex> = {
    format: 2,
    parser: parserVersion,
    editions: index.editions,
    years,
    practices: entries.join(','),
  };
  return JSON.stringify(cached);
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}
