import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SourceLayoutError } from '../../lib/core/errors.ts';
import { parseCodeLookup } from '../../lib/parse/code-lookups.ts';
import { withIcbTotals } from '../../lib/parse/dispatch.ts';
import { parseGpPracticeMap } from '../../lib/parse/gp-practice-map.ts';
import { parseGpPublication } from '../../lib/parse/gp-publication.ts';
import { buildGazetteer } from '../../lib/reference/gazetteer.ts';
import { lookupsFromIcbList } from '../normalise/reference.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/csv/gp-registrations/${name}`, import.meta.url), 'utf8');
const MAP_2026 = fixture('practice-map-2026-sample.csv');
const TOTALS_2026 = fixture('sub-icb-era-2026-stale-ons.csv');
const url = 'https://files.digital.nhs.uk/FD/BE597A/gp-reg-pat-prac-map.zip';

describe('practice mapping files (gp-reg-pat-prac-map)', () => {
  it('reads the sub-ICB era layout: practice, sub-ICB location, ICB and region, keyed on ODS codes', () => {
    const aggregate = parseGpPracticeMap(MAP_2026, { url });
    expect(aggregate).toMatchObject({
      extract_date: '2026-04-01',
      basis: 'mapping',
      totals: [],
      practices: [],
    });
    expect(aggregate.practice_map).toEqual([
      {
        practice_code: 'H81047',
        sub_icb_code: 'U2G6B',
        sub_icb_ons_code: 'E38000268',
        icb_code: 'S0E4D',
        icb_ons_code: 'E54000070',
        region_code: 'Y59',
      },
      expect.objectContaining({
        practice_code: 'J82001',
        sub_icb_code: 'D9Y0V',
        sub_icb_ons_code: 'E38000253',
      }),
      expect.objectContaining({ practice_code: 'J82002', icb_code: 'QRL' }),
    ]);
  });

  it('reads the CCG era layout without a PUBLICATION column and with the practice code in CODE', () => {
    const text = [
      'EXTRACT_DATE,CODE,NAME,POSTCODE,CCG_ONS_CODE,CCG_CODE,CCG_NAME,STP_CODE,STP_NAME',
      '01JAN2021,A84002,,NE65 7UW,E38000130,00L,NHS NORTHUMBERLAND CCG,QHM,Cumbria and North East',
    ].join('\r\n');
    expect(parseGpPracticeMap(text, { url }).practice_map).toEqual([
      {
        practice_code: 'A84002',
        sub_icb_code: '00L',
        sub_icb_ons_code: 'E38000130',
        icb_code: 'QHM',
        icb_ons_code: null,
        region_code: null,
      },
    ]);
  });

  it('refuses a mapping without an extract date, and a practice listed twice', () => {
    const noDate = MAP_2026.replace('EXTRACT_DATE', 'EXTRACTED');
    expect(() => parseGpPracticeMap(noDate, { url })).toThrow(SourceLayoutError);
    expect(() => parseGpPracticeMap(noDate, { url })).toThrow(/expected an EXTRACT_DATE column/);
    const twice = `${MAP_2026}${MAP_2026.split('\r\n')[1]}\r\n`;
    expect(() => parseGpPracticeMap(twice, { url })).toThrow(/duplicate key: practice H81047/);
  });
});

describe('parseGpPublication', () => {
  const stream = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

  it('reads a mapping file as a mapping and a totals file as counts, by their headers', async () => {
    const mapping = await parseGpPublication(stream(MAP_2026), { url });
    expect(mapping.basis).toBe('mapping');
    expect(mapping.practice_map).toHaveLength(3);
    const totals = await parseGpPublication(stream(TOTALS_2026), {
      url: 'https://files.digital.nhs.uk/x/all.csv',
    });
    expect(totals.basis).toBe('practice');
    expect(totals.total_patients).toBe(8352 + 10166 + 9139 + 20239 + 9805 + 12949 + 12701 + 14821);
    expect(totals.practices).toContainEqual({
      practice_code: 'J82001',
      sub_icb_code: 'D9Y0V',
      patients: 9805,
    });
    expect(totals.practices.map((practice) => practice.practice_code)).toEqual([
      'D81047',
      'E82002',
      'H81002',
      'H81003',
      'H81047',
      'J82001',
      'J82002',
      'K81001',
    ]);
  });
});

describe('ICB totals of a GP file (ics-lake parse)', () => {
  const april2026 = parseCodeLookup(
    readFileSync(
      new URL('../fixtures/reference/12_ons_sicbl26_icb26_nhser26_lookup_april2026.csv', import.meta.url),
      'utf8',
    ),
    { url: 'https://fixtures.example.org/sicbl26.csv' },
  );
  const gazetteer = buildGazetteer({ lookups: [...lookupsFromIcbList(), ...april2026] });

  it('resolves through the lookups in force on the extract date, on ODS codes, so stale ONS codes still resolve', async () => {
    const aggregate = await parseGpPublication(Readable.from([Buffer.from(TOTALS_2026)]), { url });
    const output = withIcbTotals(aggregate, gazetteer.resolveCode);
    // D9Y0V still carries E38000253 and 92A E38000264, the pre-2026 ONS codes, in the April 2026 file.
    expect(output.icb_totals).toEqual([
      { ics_code: 'QRL', patients: 9805 + 12949, practice_count: 2 },
      { ics_code: 'S0E4D', patients: 12701 + 14821, practice_count: 2 },
      { ics_code: 'S1Y5D', patients: 8352 + 10166, practice_count: 2 },
      { ics_code: 'S9B9J', patients: 9139 + 20239, practice_count: 2 },
    ]);
    expect(output.unresolved_sub_icb_locations).toEqual([]);
  });

  it('places a sub-ICB location in the ICB of the vintage in force, and reports one no lookup holds', async () => {
    const october2025 = TOTALS_2026.replaceAll('2026-04-01', '2025-10-01').replace(
      /U2G6B,E38000268/g,
      'X9X9X,',
    );
    const aggregate = await parseGpPublication(Readable.from([Buffer.from(october2025)]), { url });
    const output = withIcbTotals(aggregate, gazetteer.resolveCode);
    expect(output.icb_totals.find((total) => total.ics_code === 'QM7')).toEqual({
      ics_code: 'QM7',
      patients: 8352 + 10166,
      practice_count: 2,
    });
    expect(output.unresolved_sub_icb_locations).toEqual([
      expect.objectContaining({ sub_icb_code: 'X9X9X', patients: 12701 + 14821 }),
    ]);
  });
});
