import { describe, expect, it } from 'vitest';
import { diffByKey, type Row } from '../../lib/feed/diff.ts';
import { latestCoveragePercent, summariseVersion } from '../../lib/feed/summary.ts';
import { coverageDefinition, icsDefinition, icsRow, populationDefinition } from './definitions.ts';

function icsSummary(before: Row[], after: Row[]): string {
  return summariseVersion({
    dataset: 'ics',
    version: 2,
    changes: diffByKey(icsDefinition, before, after),
    rowCount: after.length,
    previousRows: before,
    rows: after,
  });
}

describe('summariseVersion', () => {
  it('describes the first ics version by status', () => {
    const rows = [icsRow('QE1'), icsRow('QHG', { status: 'ics' }), icsRow('QJ2', { status: 'icb' })];
    expect(icsSummary([], rows)).toBe('first version of ics: 3 systems, 2 designated, 1 statutory');
  });

  it('names designations, statutory ICBs, renames and recodes', () => {
    const before = [
      icsRow('QE1', { name: 'Devon' }),
      icsRow('QKS', { name: 'Kent and Medway' }),
      icsRow('QJM', { name: 'Lincolnshire', status: 'ics', designated_from: '2020-04-01' }),
      icsRow('QOX', { name: 'BSW', ons_code: 'E54000040' }),
    ];
    const after = [
      icsRow('QE1', { name: 'Devon', status: 'ics', designated_from: '2020-12-01' }),
      icsRow('QKS', { name: 'Kent and Medway', status: 'ics', designated_from: '2020-12-01' }),
      icsRow('QJM', {
        name: 'NHS Lincolnshire ICB',
        status: 'icb',
        designated_from: '2020-04-01',
        statutory_from: '2022-07-01',
      }),
      icsRow('QOX', { name: 'BSW', ons_code: 'E54000066' }),
    ];
    expect(icsSummary(before, after)).toBe(
      '2 ICSs designated: Devon, Kent and Medway; 1 ICS became statutory (ICB): NHS Lincolnshire ICB; ' +
        '1 ICS renamed: Lincolnshire → NHS Lincolnshire ICB; 1 ICS recoded: BSW (E54000040 → E54000066)',
    );
  });

  it('lists at most ten names', () => {
    const codes = Array.from({ length: 12 }, (_, i) => `Q${String(i).padStart(2, '0')}`);
    const text = icsSummary(
      codes.map((code) => icsRow(code)),
      codes.map((code) => icsRow(code, { status: 'ics' })),
    );
    expect(text).toMatch(/^12 ICSs designated: ICS Q00, .*ICS Q09, and 2 more$/);
  });

  it('reports coverage as a percentage whether stored as a fraction or a percentage', () => {
    expect(
      latestCoveragePercent([
        { date: '2020-01-01', coverage_pct: 0.5 },
        { date: '2021-01-01', coverage_pct: 0.69 },
      ]),
    ).toBeCloseTo(69);
    expect(latestCoveragePercent([{ date: '2021-01-01', coverage_pct: 100 }])).toBe(100);
    const before = [{ date: '2020-01-01', ics_count: 18, coverage_pct: 0.69 }];
    const after = [...before, { date: '2021-04-01', ics_count: 42, coverage_pct: 1 }];
    expect(
      summariseVersion({
        dataset: 'ics_coverage',
        version: 2,
        changes: diffByKey(coverageDefinition, before, after),
        rowCount: 2,
        previousRows: before,
        rows: after,
      }),
    ).toBe('coverage 69% → 100%');
  });

  it('counts row changes for other datasets', () => {
    const before = [
      { ics_code: 'QE1', reference_date: '2020', measure: 'all', value: 1 },
      { ics_code: 'QE1', reference_date: '2020', measure: 'male', value: 1 },
    ];
    const after = [
      { ics_code: 'QE1', reference_date: '2020', measure: 'all', value: 2 },
      { ics_code: 'QE1', reference_date: '2021', measure: 'all', value: 2 },
    ];
    expect(
      summariseVersion({
        dataset: 'ics_population',
        version: 2,
        changes: diffByKey(populationDefinition, before, after),
        rowCount: 2,
        previousRows: before,
        rows: after,
      }),
    ).toBe('1 row created, 1 row updated, 1 row deleted');
  });
});
