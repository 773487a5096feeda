import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDataError, SourceLayoutError } from '../../lib/core/errors.ts';
import {
  detectLookupLayout,
  parseCodeLookup,
  parseIcbNames,
  parseLookupDocument,
} from '../../lib/parse/code-lookups.ts';
import type { CodeLookupRow } from '../../lib/parse/records.ts';

const fixtureDir = path.resolve(import.meta.dirname, '../fixtures/csv/code-lookups');
const snapshotsDir = path.resolve(import.meta.dirname, '../../snapshots');
const referenceDir = path.resolve(import.meta.dirname, '../fixtures/reference');
const URL_ =
  'https://hub.arcgis.com/api/v3/datasets/0123456789abcdef0123456789abcdef_0/downloads/data?format=csv';

function fixtureText(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8');
}

interface ManifestEntry {
  url: string;
  file: string;
}

/** The hub CSVs a snapshot serves, read through its resource fragment. */
function snapshotLookups(date: string): { url: string; text: string }[] {
  const entries = JSON.parse(
    readFileSync(path.join(snapshotsDir, date, 'resources', 'ons-code-lookups.json'), 'utf8'),
  ) as ManifestEntry[];
  return entries
    .filter((entry) => entry.url.startsWith('https://hub.arcgis.com/'))
    .map((entry) => ({
      url: entry.url,
      text: readFileSync(path.join(snapshotsDir, date, entry.file), 'utf8'),
    }));
}

function snapshotDocuments(date: string) {
  return snapshotLookups(date).map(({ url, text }) => parseLookupDocument(text, { url }));
}

function byCode(rows: CodeLookupRow[]): Map<string, CodeLookupRow> {
  return new Map(rows.map((row) => [row.sub_icb_code, row]));
}

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the parser to throw');
}

describe('parseCodeLookup: vintages', () => {
  it('recognises the April 2020 CCG -> STP -> region lookup', () => {
    const rows = parseCodeLookup(fixtureText('ccg20-sample.csv'), { url: URL_ });
    expect(rows[0]).toEqual({
      vintage: 'CCG20',
      sub_icb_code: '07L',
      sub_icb_ons_code: 'E38000004',
      sub_icb_name: 'NHS Barking and Dagenham CCG',
      icb_code: 'QMF',
      icb_ons_code: 'E54000029',
      icb_name: 'East London Health and Care Partnership',
      region_code: 'Y56',
      region_ons_code: 'E40000003',
      region_name: 'London',
    });
    expect(rows).toHaveLength(3);
  });

  it('recognises the July 2022 sub-ICB location lookup behind a UTF-8 BOM', () => {
    const text = fixtureText('sicbl22-sample.csv');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCodeLookup(text, { url: URL_ });
    expect(rows.map((row) => [row.vintage, row.sub_icb_code, row.icb_code, row.region_ons_code])).toEqual([
      ['SICBL22', '02P', 'QF7', 'E40000012'],
      ['SICBL22', '99E', 'QH8', 'E40000007'],
      ['SICBL22', '02Q', 'QT1', 'E40000011'],
    ]);
  });

  it('reads lower-case and spaced header variants', () => {
    const text = fixtureText('ccg20-sample.csv').replace(/^[^\r\n]+/, (header) =>
      header
        .split(',')
        .map((name) => ` ${name.toLowerCase()} `)
        .join(','),
    );
    expect(parseCodeLookup(text, { url: URL_ })).toEqual(
      parseCodeLookup(fixtureText('ccg20-sample.csv'), { url: URL_ }),
    );
  });

  it('reads the ICB names-and-codes list as its own kind of document', () => {
    const document = parseLookupDocument(fixtureText('icb22-names-sample.csv'), { url: URL_ });
    expect(document.kind).toBe('icb_names');
    expect(document.rows[0]).toEqual({
      vintage: 'ICB22',
      icb_code: 'QYG',
      icb_ons_code: 'E54000008',
      icb_name: 'NHS Cheshire and Merseyside Integrated Care Board',
    });
    expect(parseIcbNames(fixtureText('icb22-names-sample.csv'), { url: URL_ })[2]?.icb_name).toBe(
      'NHS Shropshire, Telford and Wrekin Integrated Care Board',
    );
  });

  it('classifies headers by their code column prefixes', () => {
    expect(detectLookupLayout(['CCG21CD', 'CCG21CDH', 'STP21CD', 'NHSER21CD'])).toEqual({
      subIcb: 'CCG21',
      icb: 'STP21',
      region: 'NHSER21',
    });
    expect(detectLookupLayout(['\ufeffICB23CD', 'ICB23NM'])).toEqual({
      subIcb: null,
      icb: 'ICB23',
      region: null,
    });
  });
});

describe('parseCodeLookup: snapshot files', () => {
  it('2020-06-15 and 2020-12-14 serve the same April 2020 lookup of 135 CCGs in 42 STPs and 7 regions', () => {
    const [june] = snapshotDocuments('2020-06-15');
    const [december] = snapshotDocuments('2020-12-14');
    expect(june).toEqual(december);
    if (june?.kind !== 'lookup') throw new Error('expected a lookup');
    expect(june.vintage).toBe('CCG20');
    expect(june.rows).toHaveLength(135);
    expect(new Set(june.rows.map((row) => row.icb_code)).size).toBe(42);
    expect(new Set(june.rows.map((row) => row.region_code)).size).toBe(7);
    expect(byCode(june.rows).get('00Q')?.icb_name).toBe('Healthier Lancashire and South Cumbria');
  });

  it('2021-04-12 adds the April 2021 lookup of 106 CCGs, with ODS STP codes', () => {
    const documents = snapshotDocuments('2021-04-12');
    expect(documents.map((document) => document.vintage).sort()).toEqual(['CCG20', 'CCG21']);
    const ccg21 = documents.find((document) => document.vintage === 'CCG21');
    if (ccg21?.kind !== 'lookup') throw new Error('expected a lookup');
    expect(ccg21.rows).toHaveLength(106);
    expect(byCode(ccg21.rows).get('16C')).toMatchObject({
      sub_icb_ons_code: 'E38000247',
      icb_code: 'QHM',
      icb_ons_code: 'E54000050',
      region_code: 'Y63',
      region_ons_code: 'E40000009',
    });
    // Bassetlaw was still in South Yorkshire and Bassetlaw in 2021.
    expect(byCode(ccg21.rows).get('02Q')?.icb_code).toBe('QF7');
  });

  it('2022-07-20 carries the July 2022 sub-ICB lookup with the re-issued ICB and region codes', () => {
    const documents = snapshotDocuments('2022-07-20');
    expect(documents.map((document) => `${document.kind}:${document.vintage}`).sort()).toEqual([
      'icb_names:ICB22',
      'lookup:CCG20',
      'lookup:CCG21',
      'lookup:SICBL22',
    ]);
    const sicbl = documents.find((document) => document.vintage === 'SICBL22');
    if (sicbl?.kind !== 'lookup') throw new Error('expected a lookup');
    expect(sicbl.rows).toHaveLength(106);
    expect(new Set(sicbl.rows.map((row) => row.icb_code)).size).toBe(42);
    const rows = byCode(sicbl.rows);
    expect(rows.get('00L')?.sub_icb_name).toBe('NHS North East and North Cumbria ICB - 00L');
    expect(rows.get('00L')?.region_ons_code).toBe('E40000012');
    expect(rows.get('15E')).toMatchObject({
      icb_code: 'QHL',
      icb_ons_code: 'E54000055',
      region_ons_code: 'E40000011',
    });
    expect(rows.get('02Q')?.icb_code).toBe('QT1');
    const reissued = new Set(sicbl.rows.map((row) => row.icb_ons_code).filter((code) => code >= 'E54000055'));
    expect([...reissued].sort()).toEqual([
      'E54000055',
      'E54000056',
      'E54000057',
      'E54000058',
      'E54000059',
      'E54000060',
      'E54000061',
      'E54000062',
    ]);
  });

  it('the ICB names list agrees with the 42-ICB reference list', () => {
    const names = snapshotDocuments('2022-07-20').find((document) => document.kind === 'icb_names');
    if (names?.kind !== 'icb_names') throw new Error('expected the names list');
    const reference = readFileSync(path.join(referenceDir, '01_icb_42_list_2022.csv'), 'utf8');
    const referenceCodes = reference
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(',').slice(0, 2).join(','))
      .sort();
    expect(names.rows.map((row) => `${row.icb_code},${row.icb_ons_code}`).sort()).toEqual(referenceCodes);
    expect(names.rows.find((row) => row.icb_code === 'QE1')?.icb_name).toBe(
      'NHS Lancashire and South Cumbria Integrated Care Board',
    );
  });
});

describe('parseCodeLookup: bad input', () => {
  const good = fixtureText('sicbl22-sample.csv');

  it('names the source, URL and missing column', () => {
    const error = failure(() => parseCodeLookup(good.replace(',NHSER22NM,', ',REGION,'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceLayoutError);
    expect(error.message).toContain('ons-code-lookups');
    expect(error.message).toContain(URL_);
    expect(error.message).toContain('NHSER22NM');
    expect(error.message).not.toContain('\n');
  });

  it('refuses a lookup with no region columns', () => {
    const text = fixtureText('ccg20-sample.csv').replaceAll('NHSER20', 'REGION20');
    const error = failure(() => parseCodeLookup(text, { url: URL_ }));
    expect(error).toBeInstanceOf(SourceLayoutError);
    expect(error.message).toContain('NHSER20CD');
  });

  it('refuses a file without any lookup header', () => {
    expect(
      failure(() => parseCodeLookup('LSOA11CD,LAD22CD\r\nE01000001,E09000001\r\n', { url: URL_ })),
    ).toBeInstanceOf(SourceLayoutError);
  });

  it('refuses the names list where a hierarchy lookup is expected', () => {
    expect(
      failure(() => parseCodeLookup(fixtureText('icb22-names-sample.csv'), { url: URL_ })),
    ).toBeInstanceOf(SourceLayoutError);
  });

  it('refuses an empty file and a header-only table', () => {
    expect(failure(() => parseCodeLookup('', { url: URL_ }))).toBeInstanceOf(SourceDataError);
    expect(failure(() => parseCodeLookup(`${good.split('\r\n')[0]}\r\n`, { url: URL_ }))).toBeInstanceOf(
      SourceDataError,
    );
  });

  it('refuses a duplicate sub-ICB location code', () => {
    const lines = good.trimEnd().split('\r\n');
    const error = failure(() => parseCodeLookup([...lines, lines[1]].join('\r\n'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('duplicate key: SICBL22CDH 02P appears in rows 2 and 5');
  });

  it('refuses an ICB code that is not an ODS code', () => {
    const error = failure(() => parseCodeLookup(good.replace(',QF7,', ',E54000061,'), { url: URL_ }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('icb_code');
  });

  it('refuses a duplicate ICB in the names list', () => {
    const lines = fixtureText('icb22-names-sample.csv').trimEnd().split('\r\n');
    expect(failure(() => parseIcbNames([...lines, lines[1]].join('\r\n'), { url: URL_ }))).toBeInstanceOf(
      SourceDataError,
    );
  });
});
