import { describe, expect, it } from 'vitest';
import { countPhrases, memberOfCount, pageCount } from '../../../lib/parse/designation/counts.ts';

const counts = (sentence: string) => countPhrases(sentence).map((count) => [count.value, count.kind]);

describe('countPhrases', () => {
  it('reads the number of areas a sentence announces, in words or digits', () => {
    expect(counts('Eleven further parts of England will be designated')).toEqual([[11, 'wave']]);
    expect(counts('The final 13 are Cambridgeshire and Peterborough; …')).toEqual([[13, 'wave']]);
    expect(counts('NHS England has approved the designation of the 13 systems listed in section 2.')).toEqual(
      [[13, 'wave']],
    );
    expect(counts('Total (13 systems) | – | 15.01')).toEqual([[13, 'wave']]);
  });

  it('reads a partitive head and "the remaining N" as counts of their own sentence', () => {
    expect(counts('Two of the eight are neighbours in the Thames Valley')).toEqual([[2, 'part']]);
    expect(counts('The remaining four are Norfolk and Waveney, …')).toEqual([[4, 'remaining']]);
  });

  it('does not read running totals, references back, other areas or populations', () => {
    expect(counts('There are now 29 ICSs, covering more than 35 million people')).toEqual([]);
    expect(counts('taking the number of integrated care systems in England to 18')).toEqual([]);
    expect(counts('We are one of 11 systems across England')).toEqual([]);
    expect(counts('are not among the eight')).toEqual([]);
    expect(counts('WY&H joins the national programme alongside three other areas')).toEqual([]);
    expect(counts('joining the 18 already in place; serving 14.5 million people; Nine appointments')).toEqual(
      [],
    );
    expect(counts('42 systems will cover the whole of England')).toEqual([]);
    expect(counts('all of England will be covered by 42 ICSs from April')).toEqual([]);
    expect(counts('completing coverage of England with 42 systems')).toEqual([]);
    expect(counts('There are 18 systems, shown on the map below')).toEqual([]);
    expect(counts('We asked the leaders of four integrated care systems for their priorities')).toEqual([]);
  });

  it('reads a number opening its list ("Four: …") and a number before a region ("four South West systems")', () => {
    expect(counts('Four: Hertfordshire & West Essex, Sussex, and Devon.')).toEqual([[4, 'wave']]);
    expect(counts('Integrated care: four South West systems confirmed')).toEqual([[4, 'wave']]);
    expect(counts('Eight Midlands partnerships confirmed as integrated care systems')).toEqual([[8, 'wave']]);
  });
});

describe('memberOfCount', () => {
  it("reads the wave the page's own area belongs to", () => {
    expect(memberOfCount('We are delighted to be one of four areas confirmed yesterday')?.value).toBe(4);
    expect(memberOfCount('We are one of three new systems announced today')?.value).toBe(3);
    expect(memberOfCount('Sussex has been named one of four new integrated care systems')?.value).toBe(4);
    expect(memberOfCount('NENC is one of the largest systems in the country')).toBeNull();
    expect(memberOfCount('one of 44 footprints')).toBeNull();
  });
});

describe('pageCount', () => {
  it('takes the announced count of a headline or lead sentence', () => {
    expect(pageCount('Another four areas have been given ICS status, taking the number to 18')?.value).toBe(
      4,
    );
  });

  it('ignores a count in a clause about other areas', () => {
    expect(pageCount('Thirteen systems are still to be designated.')).toBeNull();
    expect(pageCount('At least ten more areas hope to be designated')).toBeNull();
    expect(
      pageCount('The new systems cover 14.5 million people, leaving 13 areas still to be designated.'),
    ).toBeNull();
  });
});
