import { describe, expect, it } from 'vitest';
import { type DesignationClaim, decideDesignation } from '../../lib/normalise/precedence.ts';

function claim(overrides: Partial<DesignationClaim>): DesignationClaim {
  return {
    ics_code: 'QMM',
    announced_on: '2020-12-08',
    effective_from: null,
    wave: '2020-12',
    partial: false,
    authority: 'official',
    source_url: 'https://www.england.nhs.uk/2020/12/a/',
    ...overrides,
  };
}

describe('decideDesignation', () => {
  it('prefers NHS England over an earlier trade-press claim', () => {
    const decision = decideDesignation([
      claim({
        authority: 'trade-press',
        announced_on: '2020-12-01',
        source_url: 'https://healthcareleadernews.com/x/',
      }),
      claim({ announced_on: '2020-12-08' }),
    ]);
    expect(decision).toMatchObject({ designated_from: '2020-12-08', authority: 'official' });
  });

  it('ignores the trade-press "from 1 April 2021" when NHS England designates from December 2020', () => {
    const decision = decideDesignation([
      claim({
        authority: 'trade-press',
        effective_from: '2021-04-01',
        source_url: 'https://attoday.co.uk/x/',
      }),
      claim({}),
    ]);
    expect(decision?.designated_from).toBe('2020-12-08');
  });

  it('takes the earliest official announcement, using its effective date when stated', () => {
    const decision = decideDesignation([
      claim({
        announced_on: '2021-03-19',
        effective_from: '2021-04-01',
        wave: '2021-03',
        source_url: 'https://a/',
      }),
      claim({ announced_on: '2021-03-25', wave: '2021-03', source_url: 'https://b/' }),
    ]);
    expect(decision).toMatchObject({
      designated_from: '2021-04-01',
      source_url: 'https://a/',
      wave: '2021-03',
    });
  });

  it('breaks ties on the same day by source URL, whatever the input order', () => {
    const first = claim({ source_url: 'https://www.england.nhs.uk/a/', effective_from: '2020-12-10' });
    const second = claim({ source_url: 'https://www.england.nhs.uk/b/', effective_from: '2020-12-20' });
    expect(decideDesignation([first, second])?.designated_from).toBe('2020-12-10');
    expect(decideDesignation([second, first])?.designated_from).toBe('2020-12-10');
  });

  it('prefers a later whole-footprint designation to an earlier partial one', () => {
    const decision = decideDesignation([
      claim({ ics_code: 'QU9', partial: true, announced_on: '2017-06-19', wave: '2017-06' }),
      claim({ ics_code: 'QU9', announced_on: '2019-06-19', wave: '2019-06' }),
    ]);
    expect(decision).toMatchObject({ designated_from: '2019-06-19', partial: false });
  });

  it('falls back to the earliest partial designation when no claim covers the whole ICS', () => {
    const decision = decideDesignation([
      claim({
        ics_code: 'QE1',
        partial: true,
        announced_on: '2017-06-19',
        wave: '2017-06',
        authority: 'trade-press',
      }),
    ]);
    expect(decision).toMatchObject({ designated_from: '2017-06-19', wave: '2017-06', partial: true });
  });

  it('uses trade press only when no official publication designates the ICS', () => {
    const decision = decideDesignation([
      claim({ authority: 'trade-press', announced_on: '2021-03-23', effective_from: '2021-04-01' }),
    ]);
    expect(decision).toMatchObject({ designated_from: '2021-04-01', authority: 'trade-press' });
  });

  it('returns null without claims', () => {
    expect(decideDesignation([])).toBeNull();
  });
});
