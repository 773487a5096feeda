import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyReleases, writeReleaseSnapshot } from '../../bench/history-releases.ts';
import type { LakeStore } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { GpAggregateInput, Provenance } from '../../lib/normalise/input.ts';
import { normalise, normalisePartitioned } from '../../lib/normalise/normalise.ts';
import {
  type GpFileDocument,
  isRebasedPartition,
  populationPartitionOf,
} from '../../lib/normalise/population-partitions.ts';
import { practicePlacements } from '../../lib/normalise/resolved-inputs.ts';
import { gazetteerOfParsed, parseSources } from '../../lib/pipeline/parse-stage.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';
import { provenance, smallWorld, URLS } from './small-world.ts';

// Issue 15: ics_population built one partition at a time must give, month by month, exactly the rows the whole
// build gives, while each GP file's sex x age cells stay on disk until their month is built.

const BUNDLED = path.resolve(import.meta.dirname, '../../snapshots');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ics-lake-population-partitions-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * A lake holding what acquire stored from these snapshots, parsed after each as the process stage does (so every
 * GP edition is retained once it drops out of discovery), with no datasets built.
 */
async function acquiredLake(
  name: string,
  snapshots: Parameters<typeof runSnapshot>[0][],
): Promise<LakeStore> {
  const store = new FolderLakeStore(path.join(dir, name));
  for (const snapshot of snapshots) {
    await runSnapshot(snapshot, { store, stages: [], lease: false });
    await parsed(store, true);
  }
  return store;
}

/** A parsed GP document as the normaliser resolves it (defaults filled in), which is what the loaders are given. */
function resolvedGp(document: { provenance: Provenance; aggregate: GpAggregateInput }): GpFileDocument {
  return {
    provenance: Provenance.parse(document.provenance),
    aggregate: GpAggregateInput.parse(document.aggregate),
  };
}

const byCode = <T extends { practice_code: string }>(practices: readonly T[]) =>
  [...practices].sort((a, b) =>
    a.practice_code < b.practice_code ? -1 : a.practice_code > b.practice_code ? 1 : 0,
  );

const generatedLakes = new Map<string, Promise<LakeStore>>();

/** A lake acquired (once per name) from the generated monthly releases `from` to `to` (`YYYY-MM`). */
function generatedHistory(name: string, from: string, to: string): Promise<LakeStore> {
  let lake = generatedLakes.get(name);
  if (lake === undefined) {
    lake = (async () => {
      const snapshots = [];
      for (const release of monthlyReleases(from, to))
        snapshots.push(await writeReleaseSnapshot(path.join(dir, `${name}-snapshots`), release));
      return acquiredLake(name, snapshots);
    })();
    generatedLakes.set(name, lake);
  }
  return lake;
}

/** Four generated monthly releases, February to May 2021, across the April 2021 code vintage. */
const generatedLake = () => generatedHistory('generated', '2021-02', '2021-05');

/** Three generated monthly releases, December 2020 to February 2021, in one code vintage. */
const yearBoundaryLake = () => generatedHistory('year-boundary', '2020-12', '2021-02');

/** The totals file of the February 2021 edition (the one whose practices are held out). */
function februaryTotals(input: Awaited<ReturnType<typeof parsed>>['input']) {
  const found = input.gpRegistrations.find(
    (document) =>
      document.aggregate.extract_date === '2021-02-01' && (document.aggregate.practices_held ?? 0) > 0,
  );
  if (found === undefined) throw new Error('expected a February 2021 totals file with practices');
  return found;
}

async function parsed(store: LakeStore, holdGpDetailOut: boolean) {
  return parseSources({
    store,
    runId: 'test',
    catalogue,
    quarantine: () => {},
    gazetteerFor: gazetteerOfParsed,
    holdGpDetailOut,
  });
}

/** The whole build against the partitioned one, partition by partition, on the same acquired documents. */
async function compareBuilds(store: LakeStore, asOf: string) {
  const whole = normalise((await parsed(store, false)).input, { asOf });
  const lazy = await parsed(store, true);
  for (const document of lazy.input.gpRegistrations) {
    expect(document.aggregate.by_sex_age).toEqual([]);
    expect(document.aggregate.practices).toEqual([]);
  }
  expect(lazy.input.gpRegistrations.some((document) => (document.aggregate.practices_held ?? 0) > 0)).toBe(
    true,
  );
  const partitioned = await normalisePartitioned(
    lazy.input,
    { asOf },
    { codeVersion: 'test', loadSexAge: lazy.loadGpSexAge, loadPractices: lazy.loadGpPractices },
  );
  const expected = new Map<string, typeof whole.datasets.ics_population>();
  for (const row of whole.datasets.ics_population) {
    const partition = populationPartitionOf(row);
    const rows = expected.get(partition) ?? [];
    rows.push(row);
    expected.set(partition, rows);
  }
  expect([...partitioned.population.inputs.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [partition, rows] of expected) {
    const built = await partitioned.population.build(new Set([partition]));
    expect(built.rows, partition).toEqual(rows);
  }
  const all = await partitioned.population.build(new Set(partitioned.population.inputs.keys()));
  expect(all.rows).toEqual(whole.datasets.ics_population);
  const { ics_population: _, ...others } = whole.datasets;
  expect(partitioned.datasets).toEqual(others);
  expect(partitioned.lineage).toEqual(whole.lineage);
  return { whole, partitioned, all };
}

describe('ics_population by partition', () => {
  it('gives, on the bundled snapshots, every partition exactly the rows of the whole build, and the same other datasets', async () => {
    const snapshots = listSnapshots(BUNDLED);
    const store = await acquiredLake('bundled', snapshots);
    const asOf = snapshots.at(-1)?.date ?? '';
    const { whole, partitioned, all } = await compareBuilds(store, asOf);
    expect([...partitioned.population.inputs.keys()].filter(isRebasedPartition).length).toBeGreaterThan(1);
    expect(partitioned.population.inputs.size).toBeGreaterThan(5);
    // Every unresolved name of the whole build is still reported: the other datasets' here, population's by its build.
    const reported = (entries: { url: string; name: string; evidence: string }[]) =>
      entries.map((entry) => `${entry.url} ${entry.name} ${entry.evidence}`).sort();
    expect(reported([...partitioned.unresolved, ...all.unresolved])).toEqual(reported(whole.unresolved));
  }, 240_000);

  it('gives the same rows on a generated history of months across a code vintage change, and a month is built from its own files', async () => {
    const store = await generatedLake();
    const { partitioned } = await compareBuilds(store, '2021-05-15');
    expect([...partitioned.population.inputs.keys()]).toEqual(
      expect.arrayContaining(['2021-02', '2021-05', 'rebased-2021']),
    );

    // Building one month reads only that month's cells: the loader is asked for that edition's file alone.
    const lazy = await parsed(store, true);
    const asked: string[] = [];
    const practicesAsked: string[] = [];
    const counting = await normalisePartitioned(
      lazy.input,
      { asOf: '2021-05-15' },
      {
        codeVersion: 'test',
        loadSexAge: (document) => {
          asked.push(document.aggregate.extract_date);
          return lazy.loadGpSexAge(document);
        },
        loadPractices: (document) => {
          practicesAsked.push(document.aggregate.extract_date);
          return lazy.loadGpPractices(document);
        },
        // The re-based years' fingerprints come from the practice index, which reads the practices on its own.
        loadPracticeIndex: lazy.loadPracticeIndex,
      },
    );
    // Lineage follows practices across the April 2021 vintage: the editions either side of it, and no others.
    expect(practicesAsked.sort()).toEqual(['2021-03-01', '2021-04-01']);
    practicesAsked.length = 0;
    const march = await counting.population.build(new Set(['2021-03']));
    expect(asked).toEqual(['2021-03-01']);
    expect(practicesAsked).toEqual([]);
    expect(new Set(march.rows.map((row) => row.reference_date))).toEqual(new Set(['2021-03-01']));
    // The re-based year reads the practices of every edition of its year not already in memory, once each.
    await counting.population.build(new Set(['rebased-2021']));
    expect(practicesAsked).toEqual(['2021-02-01', '2021-05-01']);
  }, 240_000);

  it('fingerprints each partition by its own documents, the reference data and the code version', async () => {
    const store = await generatedLake();
    const lazy = await parsed(store, true);
    // Lineage loads practices by the parsed document's hash: the copies below with other hashes load the originals'.
    const original = (document: GpFileDocument) =>
      lazy.input.gpRegistrations.find(
        (each) =>
          each.provenance.url === document.provenance.url &&
          each.aggregate.extract_date === document.aggregate.extract_date,
      ) ?? document;
    const loadPractices = (document: GpFileDocument) => lazy.loadGpPractices(resolvedGp(original(document)));
    const fingerprints = async (input: typeof lazy.input, codeVersion = 'test') =>
      (await normalisePartitioned(input, { asOf: '2021-05-15' }, { codeVersion, loadPractices })).population
        .inputs;
    const before = await fingerprints(lazy.input);
    // A new copy of March's files (other bytes) moves March and the re-based series, nothing else.
    const gpRegistrations = lazy.input.gpRegistrations.map((document) =>
      document.aggregate.extract_date === '2021-03-01'
        ? { ...document, provenance: { ...document.provenance, sha256: 'f'.repeat(64) } }
        : document,
    );
    const after = await fingerprints({ ...lazy.input, gpRegistrations });
    const moved = [...before.keys()].filter((partition) => before.get(partition) !== after.get(partition));
    expect(moved).toEqual(['2021-03', 'rebased-2021']);
    // A new lookup document (a code vintage) or another code version moves every partition.
    const lookups = lazy.input.lookups.map((document, index) =>
      index === 0
        ? { ...document, provenance: { ...document.provenance, sha256: 'e'.repeat(64) } }
        : document,
    );
    const relooked = await fingerprints({ ...lazy.input, lookups });
    const recoded = await fingerprints(lazy.input, 'other');
    for (const partition of before.keys()) {
      expect(relooked.get(partition), partition).not.toBe(before.get(partition));
      expect(recoded.get(partition), partition).not.toBe(before.get(partition));
    }
  }, 120_000);

  it('carries earlier re-based years forward while practices stay where they were, even when one closes, and builds them again when one moves', async () => {
    const store = await yearBoundaryLake();
    const lazy = await parsed(store, true);
    const population = async (
      asOf: string,
      loadPractices = lazy.loadGpPractices,
      input: typeof lazy.input = lazy.input,
    ) =>
      (
        await normalisePartitioned(
          input,
          { asOf },
          { codeVersion: 'test', loadSexAge: lazy.loadGpSexAge, loadPractices },
        )
      ).population;
    const moved = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) =>
      [...after.keys()].filter((partition) => before.get(partition) !== after.get(partition));
    const january = await population('2021-01-15');
    const february = await population('2021-02-15');
    expect([...january.inputs.keys()].filter(isRebasedPartition)).toEqual(['rebased-2020', 'rebased-2021']);
    // February's edition places every practice as January's did: only its month and its year move.
    expect(moved(january.inputs, february.inputs)).toEqual(['2021-02', 'rebased-2021']);

    // February's file (other bytes) without its first practice, which has closed: 2020's practices are all placed
    // where they were last seen, so 2020 is carried forward, and its rows are the same when built.
    const closedInput = {
      ...lazy.input,
      gpRegistrations: lazy.input.gpRegistrations.map((document) =>
        document === februaryTotals(lazy.input)
          ? {
              provenance: { ...document.provenance, sha256: 'c'.repeat(64) },
              aggregate: {
                ...document.aggregate,
                practices_held: (document.aggregate.practices_held ?? 0) - 1,
              },
            }
          : document,
      ),
    };
    const closed = async (document: GpFileDocument) => {
      if (document.provenance.sha256 !== 'c'.repeat(64)) return lazy.loadGpPractices(document);
      const table = await lazy.loadGpPractices(resolvedGp(februaryTotals(lazy.input)));
      const keep = (_: unknown, index: number) => index > 0;
      return {
        keys: Array.from(table.keys).filter(keep),
        subs: table.subs,
        sub: Array.from(table.sub).filter(keep),
        patients: Array.from(table.patients).filter(keep),
      };
    };
    const afterClosure = await population('2021-02-15', closed, closedInput);
    expect(moved(february.inputs, afterClosure.inputs)).toEqual(['2021-02', 'rebased-2021']);
    expect((await afterClosure.build(new Set(['rebased-2020']))).rows).toEqual(
      (await february.build(new Set(['rebased-2020']))).rows,
    );

    // Now the newest edition puts one practice in a location no lookup holds: every year holding it moves, and
    // 2020's rows lose that practice's patients (reported, not spread).
    const relocated = async (document: GpFileDocument) => {
      const table = await lazy.loadGpPractices(document);
      if (document.aggregate.extract_date !== '2021-02-01') return table;
      const sub = Array.from(table.sub);
      sub[0] = table.subs.length;
      return { ...table, subs: [...table.subs, 'X99'], sub };
    };
    const churned = await population('2021-02-15', relocated);
    expect(moved(february.inputs, churned.inputs)).toEqual(['rebased-2020', 'rebased-2021']);
    const before = await february.build(new Set(['rebased-2020']));
    const after = await churned.build(new Set(['rebased-2020']));
    const total = (rows: readonly { value: number }[]) => rows.reduce((sum, row) => sum + row.value, 0);
    expect(total(after.rows)).toBeLessThan(total(before.rows));
    expect(before.unresolved).toEqual([]);
    expect(after.unresolved.map((entry) => entry.evidence)).toEqual([
      expect.stringMatching(/^GP 2020-12-01: 1 practices/),
    ]);
  }, 240_000);

  it('refuses to build a partition the dataset does not hold, and a held-out edition without a loader', async () => {
    const store = await generatedLake();
    const lazy = await parsed(store, true);
    await expect(
      normalisePartitioned(lazy.input, { asOf: '2021-05-15' }, { codeVersion: 'test' }),
    ).rejects.toThrow(/GP edition 2021-03-01 .*expected a loader for its \d+ practices held out of memory/);
    const partitioned = await normalisePartitioned(
      lazy.input,
      { asOf: '2021-05-15' },
      { codeVersion: 'test', loadPractices: lazy.loadGpPractices },
    );
    await expect(partitioned.population.build(new Set(['1999-01']))).rejects.toThrow(
      /expected partitions among .*found 1999-01/,
    );
    await expect(partitioned.population.build(new Set(['2021-03']))).rejects.toThrow(
      /expected a loader for its \d+ sex x age cells/,
    );
    expect(() => normalise(lazy.input, { asOf: '2021-05-15' })).toThrow(/held out/);
  }, 120_000);
});

describe('GP practices held out of memory', () => {
  it('are read back from their column cache as the full parse has them, and a damaged cache is derived again', async () => {
    const store = await generatedLake();
    const full = await parsed(store, false);
    const lazy = await parsed(store, true);
    const practiceFile = lazy.input.gpRegistrations.find(
      (document) => (document.aggregate.practices_held ?? 0) > 0,
    );
    if (practiceFile === undefined) throw new Error('expected a GP file with practices');
    const expected = full.input.gpRegistrations.find(
      (document) => document.provenance.sha256 === practiceFile.provenance.sha256,
    )?.aggregate.practices;
    expect(expected?.length).toBe(practiceFile.aggregate.practices_held);
    expect(byCode(practicePlacements(await lazy.loadGpPractices(resolvedGp(practiceFile))))).toEqual(
      byCode(expected ?? []),
    );
    const [cache] = (await store.list('parsed/nhsd-gp-registrations/')).filter(
      (object) =>
        object.key.includes(practiceFile.provenance.sha256) && object.key.endsWith('.practices.bin'),
    );
    if (cache === undefined) throw new Error('expected the practices column cache to be written');
    const damaged = (body: Uint8Array) => store.put(cache.key, body);
    const original = await store.get(cache.key);
    if (original === undefined) throw new Error('expected the cache to be readable');
    // Cut short, a sub-ICB index out of range (the last uint16), and not the format at all.
    const outOfRange = Uint8Array.from(original);
    outOfRange.set([0xff, 0xff], outOfRange.length - 2);
    for (const body of [
      original.subarray(0, original.length - 3),
      outOfRange,
      new TextEncoder().encode('{"codes": ['),
    ]) {
      await damaged(body);
      expect(byCode(practicePlacements(await lazy.loadGpPractices(resolvedGp(practiceFile))))).toEqual(
        byCode(expected ?? []),
      );
    }
    // A document the parse did not hold out (or another count) is refused, not guessed.
    await expect(
      lazy.loadGpPractices(
        resolvedGp({
          ...practiceFile,
          aggregate: {
            ...practiceFile.aggregate,
            practices_held: (practiceFile.aggregate.practices_held ?? 0) + 1,
          },
        }),
      ),
    ).rejects.toThrow(/expected one parsed document to load its practices from, found none/);
  }, 120_000);
});

describe('ics_population by partition: unresolved names', () => {
  // A February edition whose single-year-of-age cells are held out and name a sub-ICB location no lookup holds.
  const february = {
    provenance: provenance(URLS.gp.replace('CDEF12', 'FEB021'), 'f', 'official', 'nhsd-gp-registrations'),
    aggregate: {
      extract_date: '2021-02-01',
      totals: [{ sub_icb_code: 'A01', patients: 111 }],
      by_sex_age: [],
      sex_age_cells: 2,
    },
  };
  const cells = [
    { sub_icb_code: 'A01', sex: 'MALE' as const, age: '0', patients: 6 },
    { sub_icb_code: 'Z77', sex: 'FEMALE' as const, age: '1', patients: 3 },
  ];
  const world = () => {
    const input = smallWorld();
    return { ...input, gpRegistrations: [...(input.gpRegistrations ?? []), february] };
  };
  const asOf = '2021-03-01';
  const names = (entries: { name: string }[]) => entries.map((entry) => entry.name).sort();

  it('reports each partition’s unresolved names with its build, and only then', async () => {
    const loaded: string[] = [];
    const { population, unresolved } = await normalisePartitioned(
      world(),
      { asOf },
      {
        codeVersion: 'test',
        loadSexAge: async (document) => {
          loaded.push(document.provenance.url);
          return cells;
        },
      },
    );
    expect([...population.inputs.keys()]).toEqual(['2019-06', '2021-01', '2021-02']);
    // The other datasets' names come with normalise; none of population's do.
    expect(names(unresolved)).toEqual(['Greater London']);
    expect(names((await population.build(new Set(['2021-01']))).unresolved)).toEqual([]);
    expect(loaded).toEqual([]);
    expect(names((await population.build(new Set(['2019-06']))).unresolved)).toEqual(['X99']);
    const built = await population.build(new Set(['2021-02']));
    expect(names(built.unresolved)).toEqual(['Z77']);
    expect(loaded).toEqual([february.provenance.url]);
    expect(
      built.rows.filter((row) => row.sex !== 'ALL').map((row) => [row.sex, row.age_band, row.value]),
    ).toEqual([['MALE', '0', 6]]);
  });

  it('fails closed when a held-out edition loads a different number of cells than its parse counted', async () => {
    const { population } = await normalisePartitioned(
      world(),
      { asOf },
      { codeVersion: 'test', loadSexAge: async () => cells.slice(0, 1) },
    );
    await expect(population.build(new Set(['2021-02']))).rejects.toThrow(
      /GP edition 2021-02-01 .*expected 2 sex x age cells, loaded 1/,
    );
  });
});
