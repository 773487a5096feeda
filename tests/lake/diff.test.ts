import { describe, expect, it } from 'vitest';
import { diffRows } from '../../lib/lake/diff.ts';
import { claimsDataset, regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';

describe('diffRows', () => {
  it('finds created, updated and deleted rows by primary key, each sorted by key', () => {
    const before = regionRows();
    const after = [
      { ...before[0], sub_icb_codes: ['00L'], share_pct: 5.5 },
      { ...before[3], region_code: 'E00' },
      { ...before[3], region_code: 'E99' },
      before[2],
      before[3],
    ];
    const diff = diffRows(regionsDataset, before, after as typeof before);
    expect(diff.created.map((row) => row.region_code)).toEqual(['E00', 'E99']);
    expect(diff.deleted.map((row) => row.region_code)).toEqual(['E01']);
    expect(diff.updated).toEqual([
      { key: 'E02', before: before[0], after: after[0], changed_fields: ['sub_icb_codes'] },
    ]);
  });

  it('treats null and a missing value as equal, and reports extra columns after the schema columns', () => {
    const [first] = regionRows();
    const { share_pct: _dropped, ...withoutShare } = { ...first, share_pct: null };
    const diff = diffRows(
      regionsDataset,
      [{ ...first, share_pct: null }],
      [{ ...withoutShare, zeta: 1, alpha: 2 }],
    );
    expect(diff.updated[0]?.changed_fields).toEqual(['alpha', 'zeta']);
  });

  it('orders composite keys column by column', () => {
    const claim = {
      date: '2021-01-01',
      source_url: 'https://a',
      kind: 'k',
      scope: 's',
      qualifier: null,
      claimed_value: 1,
      computed_value: null,
      consistent: null,
      difference: null,
      evidence: 'e',
    };
    const after = [{ ...claim, date: '2021-02-01' }, { ...claim, source_url: 'https://b' }, claim];
    const diff = diffRows(claimsDataset, [], after);
    expect(diff.created.map((row) => `${row.date} ${row.source_url}`)).toEqual([
      '2021-01-01 https://a',
      '2021-01-01 https://b',
      '2021-02-01 https://a',
    ]);
  });
});
