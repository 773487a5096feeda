import type { NormaliseInput, Provenance } from '../../lib/normalise/input.ts';
import type { Announcement, CodeLookupRow, PopulationRow } from '../../lib/parse/records.ts';
import type { AliasEntry } from '../../lib/reference/aliases.ts';

/**
 * A hand-built four-ICS England whose figures are easy to add up by hand:
 *
 *   ICS  CCGs (population)            ONS total
 *   QAA  A01 (100), A02 (150)         250
 *   QBB  B01 (250)                    250
 *   QCC  C01 (200)                    200
 *   QDD  D01 (250)                    250
 *   --   X99 (50, in no lookup)        50      England = 1000
 *
 * Waves: QAA + QBB announced by NHS England on 2020-05-20; QCC on 2020-12-08 (trade press the next day says
 * "from 1 April 2021"); QDD on 2021-03-19 effective 2021-04-01. A trade-press piece of 2017 names "Alpha North",
 * a partial area of QAA.
 */

export function hex(char: string): string {
  return char.repeat(64);
}

export function provenance(
  url: string,
  sha: string,
  authority: Provenance['authority'],
  sourceId: string,
): Provenance {
  return { source_id: sourceId, url, sha256: hex(sha), authority, fetched_at: '2021-04-12T06:00:00Z' };
}

const lookupBase = { vintage: 'CCG21', sub_icb_ons_code: null, sub_icb_name: null, region_ons_code: null };

export const smallLookups: CodeLookupRow[] = [
  {
    ...lookupBase,
    sub_icb_code: 'A01',
    icb_code: 'QAA',
    icb_ons_code: 'E54000901',
    icb_name: 'Alpha',
    region_code: 'Y56',
    region_name: 'London',
  },
  {
    ...lookupBase,
    sub_icb_code: 'A02',
    icb_code: 'QAA',
    icb_ons_code: 'E54000901',
    icb_name: 'Alpha',
    region_code: 'Y56',
    region_name: 'London',
  },
  {
    ...lookupBase,
    sub_icb_code: 'B01',
    icb_code: 'QBB',
    icb_ons_code: 'E54000902',
    icb_name: 'Bravo',
    region_code: 'Y56',
    region_name: 'London',
  },
  {
    ...lookupBase,
    sub_icb_code: 'C01',
    icb_code: 'QCC',
    icb_ons_code: 'E54000903',
    icb_name: 'Charlie',
    region_code: 'Y58',
    region_name: 'South West',
  },
  {
    ...lookupBase,
    sub_icb_code: 'D01',
    icb_code: 'QDD',
    icb_ons_code: 'E54000904',
    icb_name: 'Delta Health and Care Partnership',
    region_code: 'Y58',
    region_name: 'South West',
  },
];

function ons(code: string, all: number, young: number): PopulationRow {
  return {
    reference_date: '2019-06-30',
    sub_icb_code: code,
    sub_icb_ons_code: null,
    name: `NHS ${code} CCG`,
    all_ages: all,
    age_bands: { '0-17': young, '18-64': all - young - 10, '65+': 10 },
  };
}

export const smallPopulation: PopulationRow[] = [
  ons('A01', 100, 20),
  ons('A02', 150, 30),
  ons('B01', 250, 50),
  ons('C01', 200, 40),
  ons('D01', 250, 50),
  ons('X99', 50, 10),
];

export const smallAliases: AliasEntry[] = [
  { name: 'Alpha North', ics_code: 'QAA', partial: true, reason: 'northern part of Alpha', source: 'test' },
];

export const URLS = {
  may: 'https://www.england.nhs.uk/2020/05/four-new-icss/',
  decNhse: 'https://www.england.nhs.uk/2020/12/new-icss/',
  decPress: 'https://healthcareleadernews.com/news/new-icss/',
  march: 'https://www.england.nhs.uk/2021/03/final-icss/',
  press2017: 'https://healthcareleadernews.com/news/first-acss/',
  listing: 'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/',
  ons: 'https://www.ons.gov.uk/file?uri=/mid2019.csv',
  lookup:
    'https://hub.arcgis.com/api/v3/datasets/0123456789abcdef0123456789abcdef_0/downloads/data?format=csv',
  gp: 'https://files.digital.nhs.uk/AB/CDEF12/gp-reg-pat-prac-all.csv',
};

function announcement(
  partial: Partial<Announcement> & Pick<Announcement, 'url' | 'announced_on'>,
): Announcement {
  return {
    title: 'ICS news',
    effective_from: null,
    effective_evidence: null,
    areas: [],
    running_total: null,
    running_total_evidence: null,
    statements: [],
    ...partial,
  };
}

export function smallWorld(): NormaliseInput {
  return {
    lookups: [
      { provenance: provenance(URLS.lookup, 'a', 'official', 'ons-code-lookups'), rows: smallLookups },
    ],
    population: [
      { provenance: provenance(URLS.ons, 'b', 'official', 'ons-population'), rows: smallPopulation },
    ],
    gpRegistrations: [
      {
        provenance: provenance(URLS.gp, 'c', 'official', 'nhsd-gp-registrations'),
        aggregate: {
          extract_date: '2021-01-01',
          totals: [
            { sub_icb_code: 'A01', patients: 110 },
            { sub_icb_code: 'A02', patients: 160 },
            { sub_icb_code: 'B01', patients: 270 },
          ],
          by_sex_age: [
            { sub_icb_code: 'A01', sex: 'MALE', age: '0', patients: 5 },
            { sub_icb_code: 'A02', sex: 'MALE', age: '0', patients: 7 },
            { sub_icb_code: 'A02', sex: 'FEMALE', age: '95+', patients: 2 },
          ],
        },
      },
    ],
    listings: [
      {
        provenance: provenance(URLS.listing, 'd', 'official', 'nhse-ics-list'),
        listing: {
          url: URLS.listing,
          title: 'Integrated care in your area',
          stated_total: 4,
          entries: [
            {
              region: 'London',
              name_as_published: 'Alpha ICS',
              href: 'https://alpha.example.org/',
              evidence: 'Alpha ICS',
            },
            { region: 'London', name_as_published: 'Bravo', href: null, evidence: 'Bravo' },
          ],
        },
      },
    ],
    announcements: [
      {
        provenance: provenance(URLS.may, '1', 'official', 'nhse-news'),
        announcement: announcement({
          url: URLS.may,
          announced_on: '2020-05-20',
          areas: [
            { name_as_published: 'Alpha', evidence: 'Alpha' },
            { name_as_published: 'Bravo ICS', evidence: 'Bravo ICS' },
            { name_as_published: 'Greater London', evidence: 'unlike Greater London, which ...' },
          ],
          running_total: 2,
          running_total_evidence: 'There are now 2 integrated care systems.',
          statements: [
            {
              kind: 'percent',
              value: 50,
              qualifier: 'about',
              scope: 'total',
              evidence: 'around half of the population',
            },
          ],
        }),
      },
      {
        provenance: provenance(URLS.decNhse, '2', 'official', 'nhse-news'),
        announcement: announcement({
          url: URLS.decNhse,
          announced_on: '2020-12-08',
          areas: [{ name_as_published: 'Charlie', evidence: 'Charlie' }],
          running_total: 3,
          running_total_evidence: 'In all, there are now 3 ICSs.',
          statements: [
            {
              kind: 'population',
              value: 200,
              qualifier: 'exactly',
              scope: 'wave',
              evidence: 'serving 200 people',
            },
            {
              kind: 'percent',
              value: 60,
              qualifier: 'more_than',
              scope: 'total',
              evidence: 'more than 60 per cent',
            },
            {
              kind: 'population',
              value: 800,
              qualifier: 'more_than',
              scope: 'total',
              evidence: 'more than 800 people',
            },
          ],
        }),
      },
      {
        provenance: provenance(URLS.decPress, '3', 'trade-press', 'trade-press'),
        announcement: announcement({
          url: URLS.decPress,
          announced_on: '2020-12-09',
          effective_from: '2021-04-01',
          effective_evidence: 'from 1 April 2021',
          areas: [{ name_as_published: 'Charlie', evidence: 'Charlie will become an ICS from 1 April 2021' }],
        }),
      },
      {
        provenance: provenance(URLS.march, '4', 'official', 'nhse-news'),
        announcement: announcement({
          url: URLS.march,
          announced_on: '2021-03-19',
          effective_from: '2021-04-01',
          effective_evidence: 'from 1 April',
          areas: [{ name_as_published: 'Delta', evidence: 'Delta' }],
          running_total: 4,
          running_total_evidence: 'all 4 areas will be ICSs',
        }),
      },
      {
        provenance: provenance(URLS.press2017, '5', 'trade-press', 'trade-press'),
        announcement: announcement({
          url: URLS.press2017,
          announced_on: '2017-06-15',
          areas: [{ name_as_published: 'Alpha North', evidence: 'Alpha North' }],
        }),
      },
    ],
    aliases: smallAliases,
  };
}
