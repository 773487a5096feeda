import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { derivePracticeIndex, type PracticeIndex } from '../../lib/normalise/practice-index.ts';
import {
  type GpDocument,
  type GpEdition,
  type PracticeTable,
  practiceKey,
} from '../../lib/normalise/resolved-inputs.ts';
import { cachedPracticeIndex, PRACTICE_INDEX_KEY } from '../../lib/pipeline/practice-index-cache.ts';

// The practice index is derived state kept between runs: a release reads only the editions that are new since,
// and anything about the kept copy that does not fit the editions asked for means deriving it again, never using it.

/** A held-out edition: its practices are only reachable through the loader, by the totals file's sha256. */
function edition(date: string, practices: [code: string, sub: string][], sha = date): GpEdition {
  const totals = {
    provenance: {
      source_id: 'nhsd-gp-registrations',
      url: `https://example.org/gp/${date}.csv`,
      sha256: sha.replace(/[^0-9a-f]/g, '0').padEnd(64, '0'),
      authority: 'official',
      fetched_at: `${date}T00:00:00Z`,
    },
    aggregate: { extract_date: date },
  } as unknown as GpDocument;
  tables.set(totals.provenance.sha256, practices);
  return {
    extract_date: date,
    totals,
    age: undefined,
    mapping: undefined,
    practiceCount: practices.length,
    practices: [],
  };
}

const tables = new Map<string, [string, string][]>();

function countingLoader() {
  const asked: string[] = [];
  const load = async (document: GpDocument): Promise<PracticeTable> => {
    asked.push(document.aggregate.extract_date);
    const practices = tables.get(document.provenance.sha256) ?? [];
    const subs = [...new Set(practices.map(([, sub]) => sub))];
    return {
      keys: practices.map(([code]) => practiceKey(code)),
      subs,
      sub: practices.map(([, sub]) => subs.indexOf(sub)),
      patients: practices.map(() => 100),
    };
  };
  return { load, asked };
}

const plain = (index: PracticeIndex) => ({
  editions: index.editions,
  lastSeen: [...index.lastSeen].sort(([a], [b]) => String(a).localeCompare(String(b))),
  years: [...index.years].map(([year, keys]) => [year, [...keys].map(String).sort()]).sort(),
});

const november = edition('2020-11-01', [
  ['A81001', '00K'],
  ['A81002', '00K'],
  ['B82005', '02T'],
]);
const december = edition('2020-12-01', [
  ['A81001', '00K'],
  ['A81002', '01A'],
  ['B82005', '02T'],
]);
// A81002 closes; C83001 opens.
const january = edition('2021-01-01', [
  ['A81001', '00K'],
  ['B82005', '02T'],
  ['C83001', '03W'],
]);
const february = edition('2021-02-01', [
  ['A81001', '00L'],
  ['B82005', '02T'],
  ['C83001', '03W'],
]);

describe('the practice index', () => {
  it('places each practice where it was last seen, and knows which practices each year holds', async () => {
    const { load } = countingLoader();
    const index = await derivePracticeIndex([november, december, january, february], load);
    expect(index.lastSeen.get(practiceKey('A81002'))).toBe('01A');
    expect(index.lastSeen.get(practiceKey('A81001'))).toBe('00L');
    expect([...(index.years.get('2020') ?? [])].length).toBe(3);
    expect(index.years.get('2021')?.has(practiceKey('A81002'))).toBe(false);
    await expect(derivePracticeIndex([december, november], load)).rejects.toThrow(
      /expected an edition after 2020-12-01, found 2020-11-01/,
    );
  });

  it('is kept in the lake: a release reads only the editions new since, and the same answer as deriving it', async () => {
    const store = new MemoryLakeStore();
    const first = countingLoader();
    const three = await cachedPracticeIndex(store, first.load, 2)([november, december, january]);
    expect(first.asked).toEqual(['2020-11-01', '2020-12-01', '2021-01-01']);
    expect(store.objects.has(PRACTICE_INDEX_KEY)).toBe(true);

    const again = countingLoader();
    const stored = store.objects.get(PRACTICE_INDEX_KEY);
    expect(plain(await cachedPracticeIndex(store, again.load, 2)([november, december, january]))).toEqual(
      plain(three),
    );
    expect(again.asked).toEqual([]);
    expect(store.objects.get(PRACTICE_INDEX_KEY)).toBe(stored);

    const next = countingLoader();
    const four = await cachedPracticeIndex(store, next.load, 2)([november, december, january, february]);
    expect(next.asked).toEqual(['2021-02-01']);
    const scratch = await derivePracticeIndex([november, december, january, february], countingLoader().load);
    expect(plain(four)).toEqual(plain(scratch));
  });

  it('is derived again from every edition when its copy is damaged, of another parser, or of other editions', async () => {
    const store = new MemoryLakeStore();
    const editions = [november, december, january];
    await cachedPracticeIndex(store, countingLoader().load, 2)(editions);
    const scratch = plain(await derivePracticeIndex(editions, countingLoader().load));
    const body = store.objects.get(PRACTICE_INDEX_KEY) as Uint8Array;
    const cases: [string, () => Promise<void>, readonly GpEdition[], number][] = [
      ['cut short', () => store.put(PRACTICE_INDEX_KEY, body.subarray(0, body.length - 5)), editions, 2],
      ['another parser version', async () => {}, editions, 3],
      // December's file replaced by other bytes: the kept copy was derived from the old one.
      [
        'an edition replaced',
        async () => {},
        [november, edition('2020-12-01', [['A81001', '00K']], 'ee'), january],
        3,
      ],
    ];
    for (const [what, damage, asked, parser] of cases) {
      await damage();
      const loader = countingLoader();
      const index = await cachedPracticeIndex(store, loader.load, parser)(asked);
      expect(loader.asked, what).toHaveLength(3);
      if (asked === editions) expect(plain(index), what).toEqual(scratch);
    }
  });

  it('reads back which years hold a practice beyond 32 years of editions', async () => {
    const store = new MemoryLakeStore();
    const editions = Array.from({ length: 40 }, (_, index) =>
      edition(`${1990 + index}-01-01`, [
        ['A81001', '00K'],
        ...(index % 2 === 0 ? [['B82005', '02T'] as [string, string]] : []),
      ]),
    );
    const derived = await cachedPracticeIndex(store, countingLoader().load, 2)(editions);
    const loader = countingLoader();
    const read = await cachedPracticeIndex(store, loader.load, 2)(editions);
    expect(loader.asked).toEqual([]);
    expect(plain(read)).toEqual(plain(derived));
    expect(read.years.get('2029')?.has(practiceKey('A81001'))).toBe(true);
    expect(read.years.get('2028')?.has(practiceKey('B82005'))).toBe(true);
    expect(read.years.get('2027')?.has(practiceKey('B82005'))).toBe(false);
  });

  it('is not kept when a code holds its separators, and still answers', async () => {
    const store = new MemoryLakeStore();
    const odd = edition('2020-10-01', [['A,1', '00K']]);
    const index = await cachedPracticeIndex(store, countingLoader().load, 2)([odd]);
    expect(index.lastSeen.get('A,1')).toBe('00K');
    expect(store.objects.has(PRACTICE_INDEX_KEY)).toBe(false);
  });
});
