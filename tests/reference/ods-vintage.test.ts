import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCodeLookup } from '../../lib/parse/code-lookups.ts';
import { buildGazetteer } from '../../lib/reference/gazetteer.ts';
import { IcsOdsCode, isIcsOdsCode } from '../../lib/reference/ods.ts';
import { vintageFor, vintageStart } from '../../lib/reference/vintage.ts';
import { lookupsFromIcbList } from '../normalise/reference.ts';

const SICBL26 = readFileSync(
  new URL('../fixtures/reference/12_ons_sicbl26_icb26_nhser26_lookup_april2026.csv', import.meta.url),
  'utf8',
);
const april2026 = parseCodeLookup(SICBL26, { url: 'https://fixtures.example.org/sicbl26.csv' });

describe('ICS ODS codes', () => {
  it('accepts the three-character codes and the five-character codes of the 2026 ICBs', () => {
    for (const code of ['QE1', 'QRL', 'S1Y5D', 'D7T5G', 'T6Y0W', 'S9B9J', 'S0E4D', 'Z9B2Z'])
      expect(isIcsOdsCode(code), code).toBe(true);
    for (const code of ['QE', 'E54000065', 'qe1', 'S1Y5', 'Y56X'])
      expect(isIcsOdsCode(code), code).toBe(false);
    expect(IcsOdsCode.safeParse('S1Y5D').success).toBe(true);
  });
});

describe('lookup vintages', () => {
  it('start on 1 April, except the July 2022 ICB vintage and the January 2024 region-recode vintage', () => {
    expect(vintageStart('CCG21')).toBe('2021-04-01');
    expect(vintageStart('SICBL22')).toBe('2022-07-01');
    expect(vintageStart('SICBL23')).toBe('2023-04-01');
    expect(vintageStart('SICBL24')).toBe('2024-01-01');
    expect(vintageStart('SICBL26')).toBe('2026-04-01');
    expect(vintageFor('2024-02-15', ['SICBL23', 'SICBL24'])).toBe('SICBL24');
    expect(vintageFor('2026-03-31', ['SICBL25', 'SICBL26'])).toBe('SICBL25');
  });
});

describe('gazetteer over the real ONS April 2026 lookup', () => {
  const gazetteer = buildGazetteer({ lookups: [...lookupsFromIcbList(), ...april2026] });

  it('parses 106 sub-ICB locations under 36 ICBs, six of them with five-character ODS codes', () => {
    expect(april2026).toHaveLength(106);
    const bodies = [...new Set(april2026.map((row) => row.icb_code))];
    expect(bodies).toHaveLength(36);
    expect(bodies.filter((code) => code.length === 5).sort()).toEqual([
      'D7T5G',
      'S0E4D',
      'S1Y5D',
      'S9B9J',
      'T6Y0W',
      'Z9B2Z',
    ]);
  });

  it('resolves the new ICBs by ODS code, ONS code and name, and sub-ICB locations by the vintage in force', () => {
    const code = (resolution: ReturnType<typeof gazetteer.resolve>) =>
      resolution.status === 'resolved' ? resolution.ics_code : resolution.status;
    expect(code(gazetteer.resolveCode('S1Y5D'))).toBe('S1Y5D');
    expect(code(gazetteer.resolveCode('E54000065'))).toBe('S1Y5D');
    expect(code(gazetteer.resolve('NHS Central East Integrated Care Board'))).toBe('S1Y5D');
    expect(code(gazetteer.resolve('NHS Surrey and Sussex ICB'))).toBe('S9B9J');
    expect(code(gazetteer.resolve('NHS Sussex ICB'))).toBe('QNX');
    // 06K moved from Hertfordshire and West Essex to Central East on 1 April 2026.
    expect(code(gazetteer.resolveCode('06K', { asOf: '2025-10-01' }))).toBe('QM7');
    expect(code(gazetteer.resolveCode('06K', { asOf: '2026-04-01' }))).toBe('S1Y5D');
    // Hampshire and Isle of Wight keeps its ODS code under a new ONS code.
    expect(code(gazetteer.resolveCode('E54000067'))).toBe('QRL');
    expect(code(gazetteer.resolveCode('E54000042'))).toBe('QRL');
  });

  it('lists its name forms with their normalised keys, the closed world of text extraction', () => {
    const forms = gazetteer.nameForms();
    expect(forms).toContainEqual(
      expect.objectContaining({ ics_code: 'S9B9J', key: 'surrey sussex', rule: 'lookup-name' }),
    );
    expect(forms.filter((form) => form.key === 'sussex').map((form) => form.ics_code)).toContain('QNX');
    const keys = forms.map((form) => form.key);
    expect(keys).toEqual([...keys].sort());
  });
});
