import { describe, expect, it } from 'vitest';
import { buildGazetteer } from '../../lib/reference/gazetteer.ts';
import { areaOf, codesKnownSince, isAbbreviation, nameFormIndex } from '../../lib/reference/name-forms.ts';
import { normaliseName } from '../../lib/reference/names.ts';
import { testGazetteer } from '../parse/designation/world.ts';

describe('name forms for text extraction', () => {
  it('counts two partial names of one ICS as two areas, and a short form as the area it shortens', () => {
    expect(areaOf({ ics_code: 'QU9', key: 'berkshire west', partial: true })).toBe('QU9/berkshire west');
    expect(areaOf({ ics_code: 'QU9', key: 'buckinghamshire', partial: true })).toBe('QU9/buckinghamshire');
    expect(areaOf({ ics_code: 'QHM', key: 'north cumbria', partial: true })).toBe(
      'QHM/west north east cumbria',
    );
    expect(areaOf({ ics_code: 'QJK', key: 'devon', partial: false })).toBe('QJK');
  });

  it('treats capitals-only names as abbreviations, and nothing else', () => {
    expect(['BNSSG', 'C&M', 'WY&H', 'HIOW'].every(isAbbreviation)).toBe(true);
    expect(['Devon', 'Bob', 'North Cumbria', 'B'].some(isAbbreviation)).toBe(false);
  });

  it('dates each ICS code from the oldest lookup vintage holding it', () => {
    const since = codesKnownSince(testGazetteer());
    expect(since.get('QJK')).toBe('0000-01-01');
    expect(since.get('S0E4D')).toBe('2026-04-01');
  });

  it('leaves out names of ICSs that did not exist on the date, and keeps every name without a date', () => {
    const gazetteer = testGazetteer();
    expect(nameFormIndex(gazetteer, '2019-06-20').formsFor('thames valley')).toEqual([]);
    expect(nameFormIndex(gazetteer, '2026-05-01').formsFor('thames valley')).toHaveLength(1);
    expect(nameFormIndex(gazetteer, null).formsFor('thames valley')).toHaveLength(1);
  });

  it('holds the abbreviations and partnership brands of the alias table', () => {
    const index = nameFormIndex(buildGazetteer({ lookups: [] }), null);
    expect(index.formsFor('bnssg').map((form) => form.ics_code)).toEqual(['QUY']);
    expect(index.formsFor('c m').map((form) => [form.ics_code, form.abbreviation])).toEqual([['QYG', true]]);
    expect(index.formsFor('our dorset').map((form) => form.ics_code)).toEqual(['QVV']);
  });
});

describe('normaliseName: county short forms', () => {
  it('reads the trade-press short forms in full, and says so', () => {
    const { key, steps } = normaliseName('Bucks, Oxon and Berks West');
    expect(key).toBe('buckinghamshire oxfordshire berkshire west');
    expect(steps).toContain('county short forms read in full ("Bucks" as "Buckinghamshire")');
    expect(normaliseName('Hampshire and IoW').key).toBe('hampshire isle of wight');
  });

  it('leaves names without short forms as they were', () => {
    expect(normaliseName('Buckinghamshire').steps.join()).not.toContain('short forms');
  });
});
