import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { NormaliseInput, Provenance } from '../../lib/normalise/input.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import type { Announcement } from '../../lib/parse/records.ts';
import {
  icbNamesFromIcbList,
  legacyStpsFromApril2019,
  lookupsFromCcgMapping,
  lookupsFromIcbList,
  populationFromOnsMid2019,
  provenanceFor,
  REFERENCE_FILES,
  readReferenceCsv,
} from './reference.ts';

/**
 * The real designation history (areas as published, per ../shared/data/09a) over the real lookups (02, 04) and
 * the real ONS mid-2019 estimates (05). Announcement bodies are reduced to the facts the parser extracts.
 * Where the day of publication is not recorded (May 2020), the first of the month is used.
 */

function announcementDoc(
  url: string,
  authority: Provenance['authority'],
  sha: string,
  fields: Omit<Announcement, 'url' | 'title' | 'effective_evidence' | 'running_total_evidence'> & {
    running_total_evidence?: string;
  },
): NonNullable<NormaliseInput['announcements']>[number] {
  return {
    provenance: {
      source_id: authority === 'official' ? 'nhse-news' : 'trade-press',
      url,
      sha256: sha.repeat(64),
      authority,
      fetched_at: '2021-04-12T06:00:00Z',
    },
    announcement: {
      url,
      title: 'Integrated care systems',
      effective_evidence: fields.effective_from ? `from ${fields.effective_from}` : null,
      running_total_evidence: fields.running_total_evidence ?? null,
      ...fields,
    },
  };
}

const areas = (names: string[]) => names.map((name) => ({ name_as_published: name, evidence: name }));

const DECEMBER_2020 = [
  'Norfolk and Waveney',
  'Bath and North East Somerset, Swindon and Wiltshire',
  'Bristol, North Somerset and South Gloucestershire',
  'Cornwall and Isles of Scilly',
  'Somerset',
  'North West London',
  'North Central London',
  'North East London',
  'Birmingham and Solihull',
  'Derbyshire',
  'Hampshire and the Isle of Wight',
];
const NHSE_DECEMBER =
  'https://www.england.nhs.uk/2020/12/nhs-chief-confirms-11-new-integrated-care-systems-serving-14-million-people/';
const PRESS_DECEMBER =
  'https://healthcareleadernews.com/news/nhs-england-confirms-11-new-integrated-care-systems/';

const announcements: NonNullable<NormaliseInput['announcements']> = [
  announcementDoc(
    'https://nhsfunding.info/stps/simon-stevens-names-first-accountable-care-systems',
    'trade-press',
    '1',
    {
      announced_on: '2017-06-19',
      effective_from: null,
      areas: areas([
        'Frimley Health',
        'South Yorkshire and Bassetlaw',
        'Nottinghamshire',
        'Blackpool and Fylde Coast',
        'Dorset',
        'Luton with Milton Keynes and Bedfordshire',
        'Berkshire West',
        'Buckinghamshire',
        'Surrey Heartlands',
        'Greater Manchester',
      ]),
      running_total: null,
      statements: [],
    },
  ),
  announcementDoc(
    'https://www.hsj.co.uk/commissioning/four-new-integrated-care-systems-named/7022494.article',
    'trade-press',
    '2',
    {
      announced_on: '2018-05-24',
      effective_from: null,
      areas: areas([
        'Gloucestershire',
        'Suffolk and North East Essex',
        'West, North and East Cumbria',
        'West Yorkshire and Harrogate',
      ]),
      running_total: null,
      statements: [],
    },
  ),
  announcementDoc(
    'https://www.lgcplus.com/services/health-and-care/three-new-integrated-care-systems-announced/7029420.article',
    'trade-press',
    '3',
    {
      announced_on: '2019-06-19',
      effective_from: null,
      areas: areas([
        'Buckinghamshire, Oxfordshire and Berkshire West',
        'North East and North Cumbria',
        'South East London',
      ]),
      running_total: null,
      statements: [
        {
          kind: 'population',
          value: 21_000_000,
          qualifier: 'exactly',
          scope: 'total',
          evidence: 'The three additions mean 21 million people will be covered by an ICS',
        },
      ],
    },
  ),
  announcementDoc('https://www.england.nhs.uk/integratedcare/integrated-care-systems/', 'official', '4', {
    announced_on: '2020-05-01',
    effective_from: null,
    areas: areas(['Hertfordshire and West Essex', 'Humber, Coast and Vale', 'South West London', 'Sussex']),
    running_total: 18,
    running_total_evidence: 'There are now 18 integrated care systems',
    statements: [
      {
        kind: 'percent',
        value: 50,
        qualifier: 'about',
        scope: 'total',
        evidence: 'around half of the country',
      },
    ],
  }),
  announcementDoc(NHSE_DECEMBER, 'official', '5', {
    announced_on: '2020-12-08',
    effective_from: null,
    areas: areas(DECEMBER_2020),
    running_total: 29,
    running_total_evidence: 'In all, there are now 29 ICSs',
    statements: [
      {
        kind: 'population',
        value: 14_500_000,
        qualifier: 'exactly',
        scope: 'wave',
        evidence: 'a combined population of 14.5 million people',
      },
      {
        kind: 'population',
        value: 35_000_000,
        qualifier: 'more_than',
        scope: 'total',
        evidence: 'covering more than 35 million people',
      },
      {
        kind: 'percent',
        value: 60,
        qualifier: 'more_than',
        scope: 'total',
        evidence: 'more than 60 per cent of the population',
      },
    ],
  }),
  announcementDoc(PRESS_DECEMBER, 'trade-press', '6', {
    announced_on: '2020-12-08',
    effective_from: '2021-04-01',
    areas: areas(DECEMBER_2020),
    running_total: null,
    statements: [],
  }),
  announcementDoc(
    'https://healthcareleadernews.com/news/final-13-areas-to-become-icss-from-april/',
    'trade-press',
    '7',
    {
      announced_on: '2021-03-23',
      effective_from: '2021-04-01',
      areas: areas([
        'Cambridgeshire and Peterborough',
        'Mid and South Essex',
        'The Black Country and West Birmingham',
        'Herefordshire and Worcestershire',
        'Northamptonshire',
        'Coventry and Warwickshire',
        'Leicester, Leicestershire and Rutland',
        'Lincolnshire',
        'Shropshire, Telford and Wrekin',
        'Staffordshire and Stoke-on-Trent',
        'Cheshire and Merseyside',
        'Kent and Medway',
        'Devon',
      ]),
      running_total: 42,
      running_total_evidence: '42 integrated care systems',
      statements: [
        {
          kind: 'population',
          value: 14_900_000,
          qualifier: 'exactly',
          scope: 'wave',
          evidence: 'final 13 areas, serving 14.9 million people',
        },
      ],
    },
  ),
];

const input: NormaliseInput = {
  lookups: [{ provenance: provenanceFor(REFERENCE_FILES.ccgToStp2021), rows: lookupsFromCcgMapping() }],
  legacyStps: [{ provenance: provenanceFor(REFERENCE_FILES.stpApril2019), rows: legacyStpsFromApril2019() }],
  population: [
    {
      provenance: provenanceFor(REFERENCE_FILES.onsMid2019, { source_id: 'ons-population' }),
      rows: populationFromOnsMid2019(),
    },
  ],
  announcements,
};

describe('normalise over the real 2017-2021 designation history', () => {
  const result = normalise(input, { asOf: '2021-04-12' });
  const { ics, ics_coverage, ics_designations, published_claims, ics_population } = result.datasets;

  it('resolves every published area and every CCG of the ONS estimates', () => {
    expect(result.unresolved).toEqual([]);
    expect(ics_designations).toHaveLength(10 + 4 + 3 + 4 + 11 + 11 + 13 - 1); // Bucks + Berkshire West -> one QU9 row
  });

  it('shows the coverage steps 14 -> 18 (about half) -> 29 (more than 60%) -> 42 (100%)', () => {
    expect(ics_coverage.map((row) => [row.date, row.ics_count])).toEqual([
      ['2017-06-19', 8],
      ['2018-05-24', 11],
      ['2019-06-19', 14],
      ['2020-05-01', 18],
      ['2020-12-08', 29],
      ['2021-04-01', 42],
    ]);
    const [, , , may2020, december2020, april2021] = ics_coverage;
    expect(may2020?.coverage_pct).toBeGreaterThan(40);
    expect(may2020?.coverage_pct).toBeLessThan(55);
    expect(december2020?.coverage_pct).toBeGreaterThan(60);
    expect(april2021).toMatchObject({
      population_covered: 56_286_961,
      england_population: 56_286_961,
      coverage_pct: 100,
    });
  });

  it('designates the December 2020 wave from the NHS England date, keeping the trade-press claim', () => {
    const norfolk = ics.find((row) => row.ics_code === 'QMM');
    expect(norfolk).toMatchObject({
      designated_from: '2020-12-08',
      designation_wave: '2020-12',
      status: 'ics',
    });
    expect(
      ics_designations
        .filter((row) => row.ics_code === 'QMM')
        .map((row) => [row.authority, row.effective_from]),
    ).toEqual([
      ['trade-press', '2021-04-01'],
      ['official', null],
    ]);
  });

  it('dates merged footprints from the merged ICS, and Lancashire and South Cumbria from Blackpool and Fylde Coast', () => {
    const byCode = new Map(ics.map((row) => [row.ics_code, row]));
    expect(byCode.get('QU9')?.designated_from).toBe('2019-06-19');
    expect(byCode.get('QHM')?.designated_from).toBe('2019-06-19');
    expect(byCode.get('QE1')?.designated_from).toBe('2017-06-19');
    // Rows sort by URL: the 2018 HSJ story (partial: West, North and East Cumbria) before the 2019 LGC story.
    expect(ics_designations.filter((row) => row.ics_code === 'QHM').map((row) => row.partial)).toEqual([
      true,
      false,
    ]);
  });

  it('checks the published December 2020 figures against ONS mid-2019', () => {
    const claim = (evidence: string) => published_claims.find((row) => row.evidence === evidence);
    expect(claim('In all, there are now 29 ICSs')).toMatchObject({ computed_value: 29, consistent: true });
    expect(claim('more than 60 per cent of the population')?.consistent).toBe(true);
    expect(claim('There are now 18 integrated care systems')).toMatchObject({
      computed_value: 18,
      consistent: true,
    });
    expect(claim('42 integrated care systems')).toMatchObject({ computed_value: 42, consistent: true });
    // NHS England's wave figure is above the ONS mid-2019 sum for the eleven footprints by more than rounding
    // (its basis is not stated; GP registrations run about 7% higher): reported, not hidden.
    expect(claim('a combined population of 14.5 million people')).toMatchObject({ consistent: false });
  });

  it('sums the ONS estimate of all 42 ICSs to the England total', () => {
    const total = ics_population
      .filter((row) => row.measure === 'ons_mid_year_estimate' && row.age_band === 'ALL')
      .reduce((sum, row) => sum + row.value, 0);
    expect(total).toBe(56_286_961);
    expect(ics).toHaveLength(42);
  });
});

describe('normalise with the July 2022 ICB lookups', () => {
  const icbList = readReferenceCsv(REFERENCE_FILES.icbList2022);
  const withIcbs: NormaliseInput = {
    ...input,
    lookups: [
      ...input.lookups,
      { provenance: provenanceFor(REFERENCE_FILES.icbList2022), rows: lookupsFromIcbList() },
    ],
    icbNames: [{ provenance: provenanceFor(REFERENCE_FILES.icbList2022), entries: icbNamesFromIcbList() }],
  };

  it('describes the 42 statutory ICBs with their 2022 codes, names, predecessors and sub-ICB locations', () => {
    const { ics } = normalise(withIcbs, { asOf: '2022-07-20' }).datasets;
    expect(ics).toHaveLength(42);
    for (const expected of icbList) {
      const row = ics.find((candidate) => candidate.ics_code === expected.ICB_ODS_CODE);
      expect(row, expected.ICB_ODS_CODE).toMatchObject({
        ons_code: expected.ICB22CD,
        name: expected.ICB22NM_MIXED,
        region_code: expected.NHSER_ODS_CODE,
        predecessor_stp_code: expected.PREDECESSOR_STP21CD,
        sub_icb_location_codes: (expected.SUB_ICB_LOCATION_ODS_CODES_JULY2022 as string).split(';').sort(),
        status: 'icb',
        statutory_from: '2022-07-01',
      });
    }
    expect(ics.find((row) => row.ics_code === 'QT6')?.short_name).toBe('Cornwall and the Isles of Scilly');
  });

  it('uses the April 2023 codes once they are in force', () => {
    const { ics } = normalise(withIcbs, { asOf: '2023-05-01' }).datasets;
    expect(ics.find((row) => row.ics_code === 'QXU')?.ons_code).toBe('E54000063');
    expect(ics.find((row) => row.ics_code === 'QNX')?.ons_code).toBe('E54000064');
  });

  it('keeps the STP footprints before July 2022 even when later lookups are supplied', () => {
    const { ics } = normalise(withIcbs, { asOf: '2021-04-12' }).datasets;
    expect(ics.find((row) => row.ics_code === 'QF7')?.sub_icb_location_codes).toContain('02Q');
    expect(ics.find((row) => row.ics_code === 'QT1')?.sub_icb_location_codes).not.toContain('02Q');
    expect(ics.filter((row) => row.status !== 'ics' || row.statutory_from !== null)).toEqual([]);
  });
});

describe('registered patients from the real January 2021 GP file (07a)', () => {
  // The test sums practices to CCGs (what the parse stage hands over); normalise takes it from CCGs to ICSs.
  const gpFile = '../fixtures/normalise/07a_gp-reg-pat-prac-all_2021-01_REAL_FULL.csv';
  const practices = Papa.parse<Record<string, string>>(
    readFileSync(fileURLToPath(new URL(gpFile, import.meta.url)), 'utf8'),
    { header: true, skipEmptyLines: true },
  ).data;
  const byCcg = new Map<string, number>();
  for (const practice of practices) {
    const code = practice.CCG_CODE as string;
    byCcg.set(code, (byCcg.get(code) ?? 0) + Number(practice.NUMBER_OF_PATIENTS));
  }
  const withGp: NormaliseInput = {
    ...input,
    gpRegistrations: [
      {
        provenance: provenanceFor(REFERENCE_FILES.onsMid2019, {
          source_id: 'nhsd-gp-registrations',
          url: 'https://files.digital.nhs.uk/A1/B2C3D4/gp-reg-pat-prac-all.csv',
        }),
        aggregate: {
          extract_date: '2021-01-01',
          totals: [...byCcg].map(([sub_icb_code, patients]) => ({
            sub_icb_code,
            sub_icb_ons_code: null,
            patients,
          })),
        },
      },
    ],
  };

  it('attributes all 60,606,345 patients of 135 CCGs to the 42 STPs of the time', () => {
    expect(byCcg.size).toBe(135);
    const result = normalise(withGp, { asOf: '2021-04-12' });
    expect(result.unresolved).toEqual([]);
    const rows = result.datasets.ics_population.filter((row) => row.measure === 'registered_patients');
    expect(rows).toHaveLength(42);
    expect(rows.reduce((sum, row) => sum + row.value, 0)).toBe(60_606_345);
  });

  it('puts Bassetlaw (02Q) patients in South Yorkshire and Bassetlaw in January 2021', () => {
    const result = normalise(withGp, { asOf: '2021-04-12' });
    const southYorkshire = result.datasets.ics_population.find(
      (row) => row.ics_code === 'QF7' && row.measure === 'registered_patients',
    );
    const expected = ['02P', '02Q', '02X', '03L', '03N'].reduce(
      (sum, code) => sum + (byCcg.get(code) ?? 0),
      0,
    );
    expect(southYorkshire?.value).toBe(expected);
  });
});
