import { describe, expect, it } from 'vitest';
import { defaultAliases } from '../../lib/reference/aliases.ts';
import {
  buildGazetteer,
  icbNameEntriesFromNamesList,
  type Resolution,
} from '../../lib/reference/gazetteer.ts';
import {
  icbNamesFromIcbList,
  legacyStpsFromApril2019,
  lookupsFromCcgMapping,
  lookupsFromIcbList,
  REFERENCE_FILES,
  readReferenceCsv,
} from '../normalise/reference.ts';

const icbList = readReferenceCsv(REFERENCE_FILES.icbList2022);
const ccgMapping = readReferenceCsv(REFERENCE_FILES.ccgToStp2021).filter((row) => row.STP21CDH !== 'Unknown');
const april2019 = readReferenceCsv(REFERENCE_FILES.stpApril2019).filter((row) => row.STP_code !== 'UNKNOWN');

const gazetteer = buildGazetteer({
  lookups: [...lookupsFromCcgMapping(), ...lookupsFromIcbList()],
  icbNames: icbNamesFromIcbList(),
  legacyStps: legacyStpsFromApril2019(),
});

function codeOf(resolution: Resolution): string {
  if (resolution.status !== 'resolved')
    throw new Error(`expected resolved, got ${JSON.stringify(resolution)}`);
  return resolution.ics_code;
}

describe('gazetteer: every name and code of the 42 ICBs (01_icb_42_list_2022)', () => {
  it.each(icbList.map((row) => [row.ICB_ODS_CODE as string, row]))(
    '%s resolves under every published form',
    (code, row) => {
      expect(codeOf(gazetteer.resolve(code))).toBe(code);
      expect(codeOf(gazetteer.resolve(row.ICB_NAME_ODS_UPPER as string))).toBe(code);
      expect(codeOf(gazetteer.resolve(row.ICB22NM_MIXED as string))).toBe(code);
      expect(codeOf(gazetteer.resolve(row.PREDECESSOR_STP21NM as string))).toBe(code);
      expect(codeOf(gazetteer.resolveCode(row.ICB22CD as string))).toBe(code);
      expect(codeOf(gazetteer.resolveCode(row.ICB23CD as string))).toBe(code);
      expect(codeOf(gazetteer.resolveCode(row.PREDECESSOR_STP21CD as string))).toBe(code);
      for (const subIcb of (row.SUB_ICB_LOCATION_ODS_CODES_JULY2022 as string).split(';')) {
        expect(codeOf(gazetteer.resolveCode(subIcb, { vintage: 'SICBL22' }))).toBe(code);
        expect(codeOf(gazetteer.resolveCode(subIcb, { asOf: '2022-07-20' }))).toBe(code);
      }
    },
  );

  it('knows exactly the 42 ICB ODS codes', () => {
    expect(gazetteer.icsCodes()).toHaveLength(42);
    expect(gazetteer.icsCodes()).toEqual(icbList.map((row) => row.ICB_ODS_CODE).sort());
  });

  it('resolves the ICB22 and ICB23 recodes to the same ODS code', () => {
    expect(codeOf(gazetteer.resolveCode('E54000052'))).toBe('QXU');
    expect(codeOf(gazetteer.resolveCode('E54000063'))).toBe('QXU');
    expect(codeOf(gazetteer.resolveCode('E54000053'))).toBe('QNX');
    expect(codeOf(gazetteer.resolveCode('E54000064'))).toBe('QNX');
    expect(codeOf(gazetteer.resolveCode('E54000057'))).toBe('QOP');
    expect(codeOf(gazetteer.resolveCode('E54000007'))).toBe('QOP');
    expect(codeOf(gazetteer.resolveCode('e54000062'))).toBe('QUA');
  });
});

describe('gazetteer: April 2021 CCG mapping (02_ccg_to_stp2021_to_nhser2021)', () => {
  it.each(ccgMapping.map((row) => [row.CCG_UNMAPPED as string, row]))(
    'CCG %s and its April 2021 parent resolve to their STP',
    (historic, row) => {
      const stp = row.STP21CDH as string;
      expect(codeOf(gazetteer.resolveCode(historic, { vintage: 'CCG20' }))).toBe(stp);
      expect(codeOf(gazetteer.resolveCode(row.CCG21CDH as string, { vintage: 'CCG21' }))).toBe(stp);
      expect(codeOf(gazetteer.resolveCode(row.CCG21CD as string, { vintage: 'CCG21' }))).toBe(stp);
      expect(codeOf(gazetteer.resolveCode(row.STP21CD as string, { vintage: 'CCG21' }))).toBe(stp);
      expect(codeOf(gazetteer.resolve(row.STP21NM as string))).toBe(stp);
    },
  );

  it('finds regions by ODS code and by both ONS vintages of the region code', () => {
    expect(gazetteer.region('Y63')?.region_name).toBe('North East and Yorkshire');
    expect(gazetteer.region('E40000009')?.region_code).toBe('Y63');
    expect(gazetteer.region('E40000012')?.region_code).toBe('Y63');
    expect(gazetteer.region('E40000011')?.region_code).toBe('Y60');
    expect(gazetteer.region('Y99')).toBeUndefined();
  });

  it('maps Bassetlaw (02Q) by the vintage in force: South Yorkshire until July 2022, Nottingham after', () => {
    expect(codeOf(gazetteer.resolveCode('02Q', { vintage: 'CCG21' }))).toBe('QF7');
    expect(codeOf(gazetteer.resolveCode('02Q', { asOf: '2021-01-01' }))).toBe('QF7');
    expect(codeOf(gazetteer.resolveCode('02Q', { asOf: '2022-07-01' }))).toBe('QT1');
    expect(codeOf(gazetteer.resolveCode('02Q'))).toBe('QT1');
  });

  it('reports a code absent from the requested vintage instead of borrowing another vintage', () => {
    // 00D (County Durham before the 2019 merger) exists only among the historic codes.
    expect(gazetteer.resolveCode('00D', { vintage: 'CCG21' }).status).toBe('unresolved');
    expect(codeOf(gazetteer.resolveCode('00D', { asOf: '2021-01-01' }))).toBe('QHM');
  });
});

describe('gazetteer: pre-2020 STP codes and names (04_stp_region_mapping_april2019)', () => {
  it.each([
    ['E54000005', 'West Yorkshire', 'QWO'],
    ['E54000006', 'Humber, Coast and Vale', 'QOQ'],
    ['E54000033', 'Sussex and East Surrey', 'QNX'],
    ['E54000035', 'Surrey Heartlands', 'QXU'],
    ['E54000049', 'Cumbria and North East', 'QHM'],
    ['E54000034', 'Frimley Health', 'QNQ'],
    ['E54000014', 'Nottinghamshire', 'QT1'],
    ['E54000016', 'The Black Country', 'QUA'],
    ['E54000012', 'Derbyshire', 'QJ2'],
    ['E54000024', 'Milton Keynes, Bedfordshire and Luton', 'QHG'],
    ['E54000040', 'Bath, Swindon and Wiltshire', 'QOX'],
  ])('retired or renamed STP %s (%s) resolves to %s', (code, name, expected) => {
    expect(codeOf(gazetteer.resolveCode(code))).toBe(expected);
    expect(codeOf(gazetteer.resolve(name))).toBe(expected);
  });

  it('resolves every April 2019 STP code that survived April 2020 to the STP of the same code in 2021', () => {
    const stp2021 = new Map(ccgMapping.map((row) => [row.STP21CD as string, row.STP21CDH as string]));
    const surviving = [...new Set(april2019.map((row) => row.STP_code as string))].filter((code) =>
      stp2021.has(code),
    );
    expect(surviving.length).toBeGreaterThan(30);
    for (const code of surviving) {
      expect(codeOf(gazetteer.resolveCode(code)), code).toBe(stp2021.get(code));
      const name = april2019.find((row) => row.STP_code === code)?.STP_description as string;
      expect(codeOf(gazetteer.resolve(name)), name).toBe(stp2021.get(code));
    }
  });

  it('resolves every April 2019 CCG to an ICS', () => {
    for (const row of april2019) {
      expect(gazetteer.resolveCode(row.CCG_code as string, { asOf: '2019-04-01' }).status, row.CCG_code).toBe(
        'resolved',
      );
    }
  });
});

describe('gazetteer: normalised matching', () => {
  it.each([
    ['Cornwall and Isles of Scilly', 'QT6'],
    ['Cornwall & the Isles of Scilly ICS', 'QT6'],
    ['cornwall and the isles of scilly health and social care partnership', 'QT6'],
    ['NHS Sussex ICB', 'QNX'],
    ['Sussex Health & Care Partnership', 'QNX'],
    ['The Sussex Integrated Care System', 'QNX'],
    ['Frimley Health and Care ICS', 'QNQ'],
    ['Kent and Medway STP', 'QKS'],
    ['Kent and Medway Sustainability and Transformation Partnership', 'QKS'],
    ['Staffordshire and Stoke on Trent', 'QNC'],
    ['STAFFORDSHIRE AND STOKE-ON-TRENT', 'QNC'],
    ['Shropshire, Telford and Wrekin', 'QOC'],
    ['Shropshire and Telford and Wrekin', 'QOC'],
    ['Hampshire and Isle of Wight', 'QRL'],
    ['Hampshire and the Isle of Wight', 'QRL'],
    ['Black Country', 'QUA'],
    ['Humber and North Yorkshire', 'QOQ'],
    ['West Yorkshire and Harrogate (Health and Care Partnership)', 'QWO'],
    ['  North  East London ', 'QMF'],
    ['Bath and North East Somerset, Swindon and Wiltshire', 'QOX'],
    ['Joined Up Care Derbyshire', 'QJ2'],
    ['Healthier Lancashire and South Cumbria', 'QE1'],
    ['Lancashire & South Cumbria', 'QE1'],
  ])('"%s" resolves to %s', (name, expected) => {
    expect(codeOf(gazetteer.resolve(name))).toBe(expected);
  });

  it.each([
    'Greater London',
    'Manchester United',
    'London',
    'North East',
    'Isle of Wight',
    'NHS',
    'Integrated Care Board',
    '',
  ])('"%s" stays unresolved', (name) => {
    const resolution = gazetteer.resolve(name);
    expect(resolution.status).toBe('unresolved');
    expect(gazetteer.isKnownName(name)).toBe(false);
  });

  it('gives the reason and the normalised form when a name is unresolved', () => {
    const resolution = gazetteer.resolve('Manchester United');
    expect(resolution).toMatchObject({
      status: 'unresolved',
      name: 'Manchester United',
      normalised: 'manchester united',
    });
    if (resolution.status === 'unresolved') expect(resolution.reason).toContain('manchester united');
  });

  it('does not guess between ICSs that share a name: "Cumbria" is ambiguous', () => {
    const resolution = gazetteer.resolve('Cumbria');
    expect(resolution.status).toBe('ambiguous');
    if (resolution.status === 'ambiguous') {
      expect(resolution.candidates.map((candidate) => candidate.ics_code).sort()).toEqual(['QE1', 'QHM']);
    }
    expect(gazetteer.isKnownName('Cumbria')).toBe(true);
  });

  it('reports a collision between two lookups as ambiguous rather than picking one', () => {
    const base = {
      sub_icb_ons_code: null,
      sub_icb_name: null,
      region_code: 'Y56',
      region_ons_code: null,
      region_name: 'London',
      vintage: 'CCG21',
    };
    const clashing = buildGazetteer({
      lookups: [
        {
          ...base,
          sub_icb_code: 'AAA',
          icb_code: 'QAA',
          icb_ons_code: 'E54000901',
          icb_name: 'Riverside Partnership',
        },
        {
          ...base,
          sub_icb_code: 'BBB',
          icb_code: 'QBB',
          icb_ons_code: 'E54000902',
          icb_name: 'Riverside ICS',
        },
      ],
      aliases: [],
    });
    expect(clashing.resolve('Riverside').status).toBe('ambiguous');
    expect(codeOf(clashing.resolve('QAA'))).toBe('QAA');
  });

  it('explains each normalisation step and the variant matched', () => {
    const explanation = gazetteer.explain('The NHS Sussex & East Surrey Integrated Care Board');
    expect(explanation.normalised).toBe('sussex east surrey');
    expect(explanation.steps).toEqual([
      'lower-cased',
      '"&" read as "and"',
      'removed connectives "and" / "the"',
      'removed leading "NHS"',
      'removed suffix "Integrated Care Board"',
    ]);
    expect(explanation.resolution).toMatchObject({ status: 'resolved', ics_code: 'QNX' });
    expect(explanation.variants.map((variant) => variant.matched_variant)).toContain(
      'Sussex and East Surrey',
    );
  });
});

describe('gazetteer over STP-era lookups only (02)', () => {
  const stpEra = buildGazetteer({ lookups: lookupsFromCcgMapping() });

  it.each([
    ['North East and North Cumbria', 'QHM'],
    ['Lancashire and South Cumbria', 'QE1'],
    ['South East London', 'QKK'],
    ['North Central London', 'QMJ'],
    ['North East London', 'QMF'],
    ['Derbyshire', 'QJ2'],
    ['Cornwall and Isles of Scilly', 'QT6'],
    ['Frimley Health and Care', 'QNQ'],
    ['Humber and North Yorkshire', 'QOQ'],
  ])('recognises the ICS name "%s" that the 2021 lookup spells differently (%s)', (name, expected) => {
    expect(codeOf(stpEra.resolve(name))).toBe(expected);
  });
});

describe('gazetteer: curated aliases', () => {
  it.each([
    ['Berkshire West', 'QU9', true],
    ['Buckinghamshire', 'QU9', true],
    ['West, North and East Cumbria', 'QHM', true],
    ['Blackpool and Fylde Coast', 'QE1', true],
    ['Luton with Milton Keynes and Bedfordshire', 'QHG', false],
    ['Bedfordshire, Luton and Milton Keynes', 'QHG', false],
    ['Frimley Health', 'QNQ', false],
    ['Nottinghamshire', 'QT1', false],
    ['Greater Nottingham and Rushcliffe', 'QT1', true],
    ['Greater Manchester', 'QOP', false],
    ['Sussex and East Surrey', 'QNX', false],
    ['The Black Country and West Birmingham', 'QUA', false],
  ])('"%s" resolves to %s (partial: %s)', (name, expected, partial) => {
    expect(gazetteer.resolve(name)).toMatchObject({ status: 'resolved', ics_code: expected, partial });
  });

  it('gives every alias a reason and a source', () => {
    expect(defaultAliases.length).toBeGreaterThan(10);
    for (const alias of defaultAliases) {
      expect(alias.reason.length, alias.name).toBeGreaterThan(20);
      expect(alias.source.length, alias.name).toBeGreaterThan(10);
    }
  });

  it('lets an official name win over a partial alias of the same spelling', () => {
    const withClash = buildGazetteer({
      lookups: lookupsFromIcbList(),
      aliases: [{ name: 'Devon', ics_code: 'QJK', partial: true, reason: 'test alias', source: 'test' }],
    });
    expect(withClash.resolve('Devon')).toMatchObject({ status: 'resolved', ics_code: 'QJK', partial: false });
  });
});

describe('icbNameEntriesFromNamesList', () => {
  it('turns an ICB names-and-codes list into official names that resolve, with their ONS codes', () => {
    const names = icbNameEntriesFromNamesList([
      { icb_code: 'QXU', icb_ons_code: 'E54000063', icb_name: 'NHS Surrey Heartlands Integrated Care Board' },
    ]);
    const onlyNames = buildGazetteer({ lookups: [], icbNames: names, aliases: [] });
    expect(codeOf(onlyNames.resolve('Surrey Heartlands ICB'))).toBe('QXU');
    expect(codeOf(onlyNames.resolveCode('E54000063'))).toBe('QXU');
  });
});
