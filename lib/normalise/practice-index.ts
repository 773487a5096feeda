import {
  type GpEdition,
  type PracticeKey,
  type PracticeLoader,
  type PracticeTable,
  practicesOf,
} from './resolved-inputs.ts';

/**
 * What the re-based series needs to know of every GP edition's practices without reading them all on every run:
 * where each practice was last seen (its sub-ICB location in the newest edition that holds it), and which practices
 * each year's editions hold. It is derived from the editions oldest first, so an index of some editions extends to
 * newer ones by reading only those (`derivePracticeIndex`).
 */
export interface PracticeIndex {
  /** The editions it was derived from, oldest first (`editionId`). */
  editions: string[];
  /** Practice key -> its sub-ICB location in the newest edition that holds it. */
  lastSeen: Map<PracticeKey, string>;
  /** Year (`YYYY`) -> the practice keys its editions hold. */
  years: Map<string, Set<PracticeKey>>;
}

/** Loads the index of these editions (oldest first), from a cache or by reading their practices. */
export type PracticeIndexLoader = (editions: readonly GpEdition[]) => Promise<PracticeIndex>;

/** The editions the index (and the re-based series) is made of: those whose totals file places practices. */
export function indexedEditions(editions: readonly GpEdition[]): GpEdition[] {
  return editions.filter((edition) => edition.totals !== undefined && edition.practiceCount > 0);
}

/** An edition as the index knows it: its date and its totals file's URL and sha256. */
export function editionId(edition: GpEdition): string {
  const provenance = edition.totals?.provenance;
  return `${edition.extract_date} ${provenance?.url ?? ''} ${provenance?.sha256 ?? ''}`;
}

export function emptyPracticeIndex(): PracticeIndex {
  return { editions: [], lastSeen: new Map(), years: new Map() };
}

/** Add an edition newer than every edition the index holds, with its practices. */
export function addToPracticeIndex(index: PracticeIndex, edition: GpEdition, practices: PracticeTable): void {
  const last = index.editions.at(-1);
  if (last !== undefined && last.slice(0, 10) >= edition.extract_date)
    throw new RangeError(
      `Practice index: expected an edition after ${last.slice(0, 10)}, found ${edition.extract_date}`,
    );
  index.editions.push(editionId(edition));
  const year = edition.extract_date.slice(0, 4);
  const held = index.years.get(year) ?? new Set<PracticeKey>();
  index.years.set(year, held);
  for (let position = 0; position < practices.keys.length; position++) {
    const key = practices.keys[position] as PracticeKey;
    index.lastSeen.set(key, practices.subs[practices.sub[position] as number] as string);
    held.add(key);
  }
}

/**
 * The index of `editions` (oldest first). When `from` was derived from the oldest of them, in the same order, only
 * the newer ones are read and added to it (it is changed in place); otherwise every edition is read.
 */
export async function derivePracticeIndex(
  editions: readonly GpEdition[],
  load: PracticeLoader | undefined,
  from?: PracticeIndex,
): Promise<PracticeIndex> {
  const ids = editions.map(editionId);
  const start = from !== undefined && isPrefix(from.editions, ids) ? from : emptyPracticeIndex();
  for (const edition of editions.slice(start.editions.length))
    addToPracticeIndex(start, edition, await practicesOf(edition, load));
  return start;
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((id, index) => of[index] === id);
}
