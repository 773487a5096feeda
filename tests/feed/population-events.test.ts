import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { defineDataset } from '../../lib/core/dataset.ts';
import { ChangeEvent } from '../../lib/feed/events.ts';
import { messageAttributes } from '../../lib/feed/notify.ts';
import {
  newestTotals,
  POPULATION_CHANGED_TYPE,
  type PopulationProfile,
  profileOfRows,
} from '../../lib/feed/population-events.ts';
import {
  type CommittedVersion,
  loadCommittedVersion,
  writeFeedForVersions,
} from '../../lib/feed/publish-feed.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { readManifest, readVersionRows } from '../../lib/lake/versions.ts';
import { icsPopulationDataset } from '../../lib/normalise/datasets.ts';
import { commitVersion, icsDefinition, icsRow, populationBySexAgeDefinition } from './definitions.ts';

/**
 * A GP month adds one row per ICS x sex x single year of age. Subscribers get one event per ICS per version with
 * the totals before and after; `ics-lake diff` still gives every row.
 */

const GP_MAY = 'https://files.digital.nhs.uk/gp-reg-pat-prac-sing-age-may-2020.csv';
const GP_DEC = 'https://files.digital.nhs.uk/gp-reg-pat-prac-sing-age-dec-2020.csv';
const AGES = Array.from({ length: 96 }, (_, age) => String(age));

type PopulationRow = Record<string, string | number>;

/** One GP month for one ICS: sex x age rows, the ALL/ALL total as published and the re-based total. */
function gpMonth(icsCode: string, date: string, perAge: number, sourceUrl: string): PopulationRow[] {
  const row = (sex: string, age: string, basis: string, value: number) => ({
    ics_code: icsCode,
    reference_date: date,
    measure: 'registered_patients',
    sex,
    age_band: age,
    basis,
    value,
    source_url: sourceUrl,
  });
  const bySexAge = ['FEMALE', 'MALE'].flatMap((sex) =>
    AGES.map((age) => row(sex, age, 'as_published', perAge)),
  );
  const total = perAge * bySexAge.length;
  return [...bySexAge, row('ALL', 'ALL', 'as_published', total), row('ALL', 'ALL', 'rebased', total)];
}

const may = ['QE1', 'QF7', 'QOP', 'QWO'].flatMap((code) => gpMonth(code, '2020-05-01', 100, GP_MAY));
const december = [
  // QE1 and QF7 gain a month; QE1's re-based May total is revised; QOP has gone; QZZ is new; QWO is unchanged.
  ...may
    .filter((row) => row.ics_code !== 'QOP')
    .map((row) =>
      row.ics_code === 'QE1' && row.basis === 'rebased' ? { ...row, value: Number(row.value) + 5 } : row,
    ),
  ...gpMonth('QE1', '2020-12-01', 101, GP_DEC),
  ...gpMonth('QF7', '2020-12-01', 99, GP_DEC),
  ...gpMonth('QZZ', '2020-12-01', 50, GP_DEC),
];
const icsRows = [
  icsRow('QE1', { region_code: 'Y62' }),
  icsRow('QF7', { region_code: 'Y63' }),
  icsRow('QOP', { region_code: 'Y62' }),
  icsRow('QWO', { region_code: 'Y63' }),
  icsRow('QZZ', { region_code: 'Y61' }),
];

let lake: string;
let store: FolderLakeStore;
let events: ChangeEvent[];

async function publishPopulation(
  version: number,
  asOf: string,
  previous: PopulationRow[],
  rows: PopulationRow[],
) {
  const manifestKey = await commitVersion(
    store,
    'ics_population',
    version,
    asOf,
    rows,
    populationBySexAgeDefinition,
  );
  const committed: CommittedVersion = {
    definition: populationBySexAgeDefinition,
    version,
    asOf,
    previousRows: previous,
    rows,
    manifestKey,
  };
  return (await writeFeedForVersions(store, [committed])).events;
}

beforeAll(async () => {
  lake = await mkdtemp(path.join(tmpdir(), 'ics-lake-population-events-'));
  store = new FolderLakeStore(lake);
  const icsManifest = await commitVersion(store, 'ics', 1, '2020-06-15T12:00:00.000Z', icsRows);
  await writeFeedForVersions(store, [
    {
      definition: icsDefinition,
      version: 1,
      asOf: '2020-06-15T12:00:00.000Z',
      previousRows: [],
      rows: icsRows,
      manifestKey: icsManifest,
    },
  ]);
  await publishPopulation(1, '2020-06-15T12:00:00.000Z', [], may);
  events = await publishPopulation(2, '2020-12-14T12:00:00.000Z', may, december);
});
afterAll(async () => {
  await rm(lake, { recursive: true, force: true });
});

function eventFor(icsCode: string): ChangeEvent {
  const event = events.find(
    (candidate) => candidate.type === POPULATION_CHANGED_TYPE && candidate.subject === icsCode,
  );
  if (event === undefined) throw new Error(`no population event for ${icsCode}`);
  return event;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('population events: one per ICS per version', () => {
  it('takes each ICS row count and totals from the line walk as it would from the versions read whole', async () => {
    const loaded = await loadCommittedVersion(store, populationBySexAgeDefinition, 2);
    expect(loaded.rows).toEqual([]);
    const profiles = loaded.diffed?.populationProfiles;
    if (profiles === undefined) throw new Error('expected population profiles from the diff walk');
    const sorted = (profile: PopulationProfile) =>
      [...profile].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, side]) => [code, side.rows, side.totals]);
    const whole = async (version: number) =>
      sorted(profileOfRows(await readVersionRows(store, 'ics_population', version)));
    expect(sorted(profiles.before)).toEqual(await whole(1));
    expect(sorted(profiles.after)).toEqual(await whole(2));
    expect(sorted(profiles.after).map(([code, rows]) => [code, rows])).toEqual([
      ['QE1', 2 * 194],
      ['QF7', 2 * 194],
      ['QWO', 194],
      ['QZZ', 194],
    ]);
  });

  it('announces a GP month of 600 changed rows as one event per ICS that changed, plus the published event', () => {
    expect(events.map((event) => [event.type, event.subject])).toEqual([
      [POPULATION_CHANGED_TYPE, 'QE1'],
      [POPULATION_CHANGED_TYPE, 'QF7'],
      [POPULATION_CHANGED_TYPE, 'QOP'],
      [POPULATION_CHANGED_TYPE, 'QZZ'],
      ['uk.nhs.ics.dataset.published', 'ics_population'],
    ]);
    const published = events.at(-1);
    expect(published?.data.summary).toMatchObject({ created: 3 * 194, updated: 1, deleted: 194 });
  });

  it('carries the ALL/ALL totals of each changed measure and basis before and after, and the rows changed', () => {
    const event = eventFor('QE1');
    expect(event.data).toMatchObject({
      dataset: 'ics_population',
      version: 2,
      key: 'QE1',
      op: 'updated',
      before: {
        ics_code: 'QE1',
        totals: [
          {
            measure: 'registered_patients',
            basis: 'as_published',
            reference_date: '2020-05-01',
            value: 19_200,
          },
          { measure: 'registered_patients', basis: 'rebased', reference_date: '2020-05-01', value: 19_200 },
        ],
      },
      after: {
        ics_code: 'QE1',
        totals: [
          {
            measure: 'registered_patients',
            basis: 'as_published',
            reference_date: '2020-12-01',
            value: 19_392,
          },
          { measure: 'registered_patients', basis: 'rebased', reference_date: '2020-12-01', value: 19_392 },
        ],
      },
    });
    expect(event.data.summary).toEqual({
      rows: 2 * 194,
      created: 194,
      updated: 1,
      deleted: 0,
      text:
        'QE1: registered patients (as published) 19,200 on 2020-05-01 → 19,392 on 2020-12-01; ' +
        'registered patients (rebased) 19,200 on 2020-05-01 → 19,392 on 2020-12-01; 194 rows created, 1 row updated',
      manifest: 'datasets/ics_population/v2/manifest.json',
      files: expect.arrayContaining(['datasets/ics_population/v2/ics_population.json']),
      sources: [GP_DEC, GP_MAY],
    });
  });

  it('says created for an ICS new in the version and deleted for one that has gone, with null on the empty side', () => {
    expect(eventFor('QZZ').data).toMatchObject({ op: 'created', before: null, after: { ics_code: 'QZZ' } });
    expect(eventFor('QOP').data).toMatchObject({ op: 'deleted', before: { ics_code: 'QOP' }, after: null });
    expect(eventFor('QOP').data.summary).toMatchObject({ rows: 0, created: 0, deleted: 194 });
  });

  it('keeps the SNS attributes filterable by type, op, ICS and region', () => {
    const attributes = messageAttributes(eventFor('QE1'));
    expect(
      Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue])),
    ).toEqual({
      dataset: 'ics_population',
      type: POPULATION_CHANGED_TYPE,
      op: 'updated',
      ics_code: 'QE1',
      region_code: 'Y62',
    });
  });

  it('validates against the vendored v1 contract and the current schema, with distinct stable ids', () => {
    const vendored = JSON.parse(
      readFileSync(new URL('../fixtures/feed/schema-v1.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(vendored);
    for (const event of events) {
      expect({ valid: validate(event), errors: validate.errors ?? null }).toEqual({
        valid: true,
        errors: null,
      });
      expect(ChangeEvent.safeParse(event).success).toBe(true);
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('lists the events with `changes --type` while `diff` still shows every row', async () => {
    const changes = await cli(['changes', '--lake', lake, '--json', '--type', POPULATION_CHANGED_TYPE]);
    expect(changes.code).toBe(0);
    const listed = changes.stdout
      .trim()
      .split('\n')
      .map((line) => ChangeEvent.parse(JSON.parse(line)));
    // Version 1 (four ICSs created) and version 2 (four changed).
    expect(listed.map((event) => `${event.data.version} ${event.subject} ${event.data.op}`)).toEqual([
      '1 QE1 created',
      '1 QF7 created',
      '1 QOP created',
      '1 QWO created',
      '2 QE1 updated',
      '2 QF7 updated',
      '2 QOP deleted',
      '2 QZZ created',
    ]);
    const lines = await cli(['changes', '--lake', lake, '--type', POPULATION_CHANGED_TYPE, '--since', '11']);
    expect(lines.stdout.split('\n')[0]).toBe(
      `12\t2020-12-14\t${POPULATION_CHANGED_TYPE}\tics_population v2 QE1: registered patients (as published) 19,200 on 2020-05-01 → 19,392 on 2020-12-01; registered patients (rebased) 19,200 on 2020-05-01 → 19,392 on 2020-12-01; 194 rows created, 1 row updated`,
    );
    const diff = await cli(['diff', 'ics_population', '1', '2', '--json', '--lake', lake]);
    expect(diff.code).toBe(0);
    const rows = JSON.parse(diff.stdout) as { created: unknown[]; updated: unknown[]; deleted: unknown[] };
    expect([rows.created.length, rows.updated.length, rows.deleted.length]).toEqual([3 * 194, 1, 194]);
  });
});

describe('population events of a partitioned ics_population', () => {
  const partitioned = defineDataset({
    ...populationBySexAgeDefinition,
    partition: icsPopulationDataset.partition,
  });
  const publishOptions = (asOf: string) => ({ asOf, createdAt: asOf, pipelineVersion: 'test', lineage: [] });
  // A third release: January arrives for QE1 only; every other month is carried forward.
  const january = [...december, ...gpMonth('QE1', '2021-01-01', 102, GP_DEC)];
  // A fourth: January is withdrawn again, so the newest totals come from a part the version dropped and the
  // profile cannot be stepped from the previous one: it is merged from every part.
  const releases = [
    { rows: may, asOf: '2020-06-15T12:00:00.000Z' },
    { rows: december, asOf: '2020-12-14T12:00:00.000Z' },
    { rows: january, asOf: '2021-01-14T12:00:00.000Z' },
    { rows: december, asOf: '2021-02-14T12:00:00.000Z' },
  ];

  /** Each ICS's row count and newest total per series: what an event reads from a side. */
  const eventView = (profile: PopulationProfile) =>
    [...profile]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, side]) => [code, side.rows, Object.fromEntries(newestTotals(side.totals))]);

  it('profiles each side from per-partition profiles exactly as from the versions read whole, and caches them', async () => {
    const partitionedStore = new MemoryLakeStore();
    const wholeStore = new MemoryLakeStore();
    for (const release of releases) {
      await publishDataset(partitionedStore, partitioned, release.rows, publishOptions(release.asOf));
      await publishDataset(
        wholeStore,
        populationBySexAgeDefinition,
        release.rows,
        publishOptions(release.asOf),
      );
    }
    for (const version of [1, 2, 3, 4]) {
      const parts = await loadCommittedVersion(partitionedStore, partitioned, version);
      const whole = await loadCommittedVersion(wholeStore, populationBySexAgeDefinition, version);
      const [p, w] = [parts.diffed?.populationProfiles, whole.diffed?.populationProfiles];
      if (p === undefined || w === undefined) throw new Error('expected population profiles');
      expect(eventView(p.before), `v${version} before`).toEqual(eventView(w.before));
      expect(eventView(p.after), `v${version} after`).toEqual(eventView(w.after));
      expect(parts.diffed?.changes, `v${version} changes`).toEqual(whole.diffed?.changes);
    }
    // With the profiles cached, loading the January release reads only the parts it changed: the new month's and
    // 2021's re-based year. May's and December's rows, and 2020's re-based year, are never read again.
    const read: string[] = [];
    const getStream = partitionedStore.getStream.bind(partitionedStore);
    vi.spyOn(partitionedStore, 'getStream').mockImplementation((key) => {
      read.push(key);
      return getStream(key);
    });
    const profilesRead: string[] = [];
    const get = partitionedStore.get.bind(partitionedStore);
    vi.spyOn(partitionedStore, 'get').mockImplementation((key) => {
      if (key.startsWith('feed/cache/')) profilesRead.push(key.split('/')[2] ?? '');
      return get(key);
    });
    await loadCommittedVersion(partitionedStore, partitioned, 3);
    expect(new Set(read.filter((key) => key.includes('/parts/')).map((key) => key.split('/')[3]))).toEqual(
      new Set(['2021-01', 'rebased-2021']),
    );
    // Each side's profile is one cached file, whatever the number of partitions.
    expect(profilesRead).toEqual(['version-profiles', 'version-profiles']);
    const manifest = await readManifest(partitionedStore, 'ics_population', 3);
    const cached = [...partitionedStore.objects.keys()].filter((key) =>
      key.startsWith('feed/cache/part-profiles/'),
    );
    for (const file of manifest?.files.filter((candidate) => candidate.format === 'json') ?? [])
      expect(cached).toContain(`feed/cache/part-profiles/${file.sha256}.json`);
  });
});
