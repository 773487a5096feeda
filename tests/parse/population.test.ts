import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDataError, SourceLayoutError } from '../../lib/core/errors.ts';
import { parsePopulation } from '../../lib/parse/population.ts';

const fixtureDir = path.resolve(import.meta.dirname, '../fixtures/csv/population');
const snapshotsDir = path.resolve(import.meta.dirname, '../../snapshots');
const URL_ =
  'https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates/mid2019ccg2020/ccg2020mid2019populationestimates.csv';

const sample = readFileSync(path.join(fixtureDir, 'mid2019-sample.csv'), 'utf8');

interface ManifestEntry {
  url: string;
  file: string;
  lastModified?: string;
}

function populationEntry(date: string): ManifestEntry & { bytes: Buffer } {
  const entries = JSON.parse(
    readFileSync(path.join(snapshotsDir, date, 'resources', 'ons-population.json'), 'utf8'),
  ) as ManifestEntry[];
  const entry = entries.find((candidate) => candidate.url.includes('/file?uri='));
  if (!entry) throw new Error(`no population file in ${date}`);
  return { ...entry, bytes: readFileSync(path.join(snapshotsDir, date, entry.file)) };
}

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the parser to throw');
}

describe('parsePopulation', () => {
  it('reads the CCG 2020 rows (not their 2021 parents) with all ages and the three bands', () => {
    const rows = parsePopulation(sample, { url: URL_ });
    expect(rows[0]).toEqual({
      reference_date: '2019-06-30',
      sub_icb_code: '07P',
      sub_icb_ons_code: null,
      name: 'NHS Brent CCG',
      all_ages: 329771,
      age_bands: { '0-17': 77687, '18-64': 210996, '65+': 41088 },
    });
    expect(rows.map((row) => row.sub_icb_code)).toEqual(['07P', '09A', '07W']);
  });

  it('takes the reference date from the caller when given', () => {
    const [row] = parsePopulation(sample, {
      url: 'https://example.org/population.csv',
      referenceDate: '2020-06-30',
    });
    expect(row?.reference_date).toBe('2020-06-30');
  });

  it('reads the ONS code column and header variants of a sub-ICB vintage', () => {
    const text =
      '\ufeffSICBL22CD,SICBL22CDH,SICBL22NM,All Ages\r\nE38000006,02P,NHS South Yorkshire ICB - 02P,"248,070"\r\n';
    expect(parsePopulation(text, { url: URL_ })).toEqual([
      {
        reference_date: '2019-06-30',
        sub_icb_code: '02P',
        sub_icb_ons_code: 'E38000006',
        name: 'NHS South Yorkshire ICB - 02P',
        all_ages: 248070,
        age_bands: {},
      },
    ]);
  });

  it('the snapshot file is the real mid-2019 table: 135 CCGs, 56,286,961 people, identical in every snapshot', () => {
    const dates = ['2020-06-15', '2020-12-14', '2021-04-12', '2022-07-20'];
    const entries = dates.map(populationEntry);
    for (const entry of entries) {
      expect(entry.bytes.equals(entries[0]?.bytes ?? Buffer.alloc(0))).toBe(true);
      expect(entry.lastModified).toBe(entries[0]?.lastModified);
    }
    const first = entries[0];
    if (!first) throw new Error('no entries');
    const rows = parsePopulation(first.bytes.toString('utf8'), { url: first.url });
    expect(rows).toHaveLength(135);
    expect(rows.reduce((sum, row) => sum + row.all_ages, 0)).toBe(56_286_961);
    expect(rows.every((row) => row.reference_date === '2019-06-30')).toBe(true);
    const bands = rows.reduce(
      (sum, row) =>
        sum + (row.age_bands['0-17'] ?? 0) + (row.age_bands['18-64'] ?? 0) + (row.age_bands['65+'] ?? 0),
      0,
    );
    expect(bands).toBe(56_286_961);
  });
});

describe('parsePopulation: bad input', () => {
  it('names the source, URL and missing column', () => {
    const error = failure(() => parsePopulation(sample.replace('All_Ages', 'Persons_total'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceLayoutError);
    expect(error.message).toContain('ons-population');
    expect(error.message).toContain(URL_);
    expect(error.message).toContain('ALL_AGES');
    expect(error.message).not.toContain('\n');
  });

  it('refuses an empty file and a header-only table', () => {
    expect(failure(() => parsePopulation('', { url: URL_ }))).toBeInstanceOf(SourceDataError);
    expect(failure(() => parsePopulation(`${sample.split('\n')[0]}\n`, { url: URL_ }))).toBeInstanceOf(
      SourceDataError,
    );
  });

  it('refuses non-numeric and negative counts', () => {
    expect(
      failure(() => parsePopulation(sample.replace(',329771,', ',c.330k,'), { url: URL_ })),
    ).toBeInstanceOf(SourceDataError);
    const negative = failure(() => parsePopulation(sample.replace(',77687', ',-77687'), { url: URL_ }));
    expect(negative).toBeInstanceOf(SourceDataError);
    expect(negative.message).toContain('Aged_0_to_17');
  });

  it('refuses age bands that do not add up to all ages', () => {
    const error = failure(() => parsePopulation(sample.replace(',329771,', ',329772,'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('sum to 329771');
  });

  it('refuses a duplicate area code', () => {
    const lines = sample.trimEnd().split('\n');
    const error = failure(() => parsePopulation([...lines, lines[1]].join('\n'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('duplicate key: CCG_2020_CODE 07P');
  });

  it('refuses to guess a reference date', () => {
    expect(
      failure(() => parsePopulation(sample, { url: 'https://example.org/population.csv' })),
    ).toBeInstanceOf(SourceDataError);
    expect(failure(() => parsePopulation(sample, { url: URL_, referenceDate: '30/06/2019' }))).toBeInstanceOf(
      SourceDataError,
    );
  });
});
