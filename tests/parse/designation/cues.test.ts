import { describe, expect, it } from 'vitest';
import {
  designationCues,
  earlierBeforeName,
  earlierDates,
  framingCues,
  icsNouns,
  isRegionLabel,
  linkedDesignation,
  negativeCues,
  newAreaCues,
  pivots,
  runningTotalCues,
  statusPhrases,
  waveReferences,
} from '../../../lib/parse/designation/cues.ts';

describe('designation cues', () => {
  it('finds status words, and status verbs only when the status is named', () => {
    expect(designationCues('Four more areas have been designated as ICSs')).toEqual([
      'designated',
      'as ICSs',
    ]);
    expect(designationCues('These 11 new ICSs have been granted their status')).toEqual([
      'granted their status',
      '11 new ICSs',
    ]);
    expect(designationCues('Devon ICS was granted £2m for a new scanner')).toEqual([]);
    expect(designationCues('will work as integrated care systems')).toEqual(['as integrated care systems']);
    expect(designationCues('Devon, as an integrated care system, has launched a plan')).toEqual([]);
    expect(designationCues('Four more ICSs get the nod')).toEqual(['get the nod', 'Four more ICSs']);
    expect(designationCues('the latest three ICSs are Devon, Dorset and Somerset')).toEqual([
      'latest three ICSs',
    ]);
    expect(designationCues('Four new ICS chairs appointed; the 42 ICSs')).toEqual([]);
    expect(designationCues('Devon is now an integrated care system')).toEqual([
      'is now an integrated care system',
    ]);
  });

  it('ties a status word to the ICS noun only when they are a few words apart', () => {
    expect(linkedDesignation('Healthier Together confirmed as an integrated care system')).toEqual([
      'confirmed',
      'integrated care system',
      'as an integrated care system',
    ]);
    expect(
      linkedDesignation(
        'Devon ICS has confirmed plans for a new community hospital in Exeter, the integrated care system said.',
        [{ start: 0, end: 9 }],
      ),
    ).toEqual([]);
  });

  it('ties a status word to the noun it confers, or to a subject that takes nothing else', () => {
    for (const text of [
      'Four areas have today been confirmed as integrated care systems',
      'Four ICSs approved',
      'Stevens names first wave of accountable care systems',
      'Integrated care systems have been confirmed in four more parts of the country',
    ])
      expect(linkedDesignation(text), text).not.toEqual([]);
    for (const text of [
      'Four ICSs selected for digital programme',
      'Four ICSs named in waiting times report',
      'ICSs join forces on maternity',
      'NHS England has approved the five-year plans of four integrated care systems',
      'Allocations for four integrated care systems have been confirmed',
      'Four ICSs become research partners',
    ])
      expect(linkedDesignation(text), text).toEqual([]);
  });

  it('takes the ICS noun as a modifier when a role, board or boundary follows it', () => {
    expect(icsNouns('Four new ICSs approved; ICS status')).toEqual(['ICSs', 'ICS']);
    expect(icsNouns('ICS chief executive named; integrated care system boundaries; ICS Leaders')).toEqual([]);
  });

  it('reads a role conferred even when a comma follows it, but not an aside set off by commas', () => {
    expect(designationCues('will work as shadow accountable care systems, covering seven million')).toEqual([
      'as shadow accountable care systems',
    ]);
    expect(designationCues('Devon, as an ICS, has launched a plan')).toEqual([]);
    expect(designationCues('four more local partnerships have been accepted onto the programme')).toEqual([
      'accepted onto',
    ]);
    expect(designationCues('They hold their new status from this month')).toEqual(['hold their new status']);
  });

  it('reads "New integrated care systems" over a list, and a phrase naming the status itself', () => {
    expect(designationCues('New integrated care systems')).toEqual(['New integrated care systems']);
    expect(designationCues('the new ICS chief executive')).toEqual([]);
    expect(statusPhrases('They take on their new status from 1 April 2021.')).toEqual([
      'take on their new status',
    ]);
  });

  it("finds a wave of new areas in the page's own nouns, with or without the ICS noun", () => {
    expect(newAreaCues('We are one of three new systems announced today')).toEqual(['three new systems']);
    expect(newAreaCues('Four more local partnerships have been accepted')).toEqual([
      'Four more local partnerships',
    ]);
    expect(newAreaCues('The three systems confirmed last week')).toEqual([]);
    expect(
      linkedDesignation('London has its first integrated care system, one of three new systems'),
    ).toEqual(['three new systems', 'integrated care system']);
  });

  it('finds references back to the announced list, and not ordinary uses of "one"', () => {
    expect(
      waveReferences('Gloucestershire is one. The remaining two are … The list is completed by'),
    ).toEqual(['is one', 'The list']);
    expect(waveReferences('one of the original wave of systems')).toEqual([]);
  });
});

describe('negative cues', () => {
  it('reads work, development or applications towards the status as still to come', () => {
    expect(negativeCues('areas that are developing towards integrated care system status')).toEqual([
      'developing towards',
    ]);
    expect(negativeCues('Becoming an integrated care system: areas on the journey')).toEqual([
      'on the journey',
    ]);
    expect(negativeCues('an update on their application to become an integrated care system')).toEqual([
      'application to',
    ]);
    expect(negativeCues('The response lands a month after 11 more areas were made ICSs')).toEqual([
      'month after',
    ]);
  });

  it('finds earlier, pending, negated and navigational wording', () => {
    expect(negativeCues('which already serve one in six')).toEqual(['already']);
    expect(negativeCues('still to be designated; working towards designation')).toEqual([
      'still to',
      'working towards',
    ]);
    expect(negativeCues('is not part of the list')).toEqual(['not']);
    expect(negativeCues('Find out more about the areas')).toEqual(['Find out more']);
    expect(negativeCues('Latest news')).toEqual(['Latest news']);
    expect(negativeCues('will become integrated care systems from 1 April 2021')).toEqual([]);
  });

  it('marks only the names after "existing" and after a pivot', () => {
    expect(earlierBeforeName('NENC absorbs the existing Cumbria ICS').map((cue) => cue.word)).toEqual([
      'existing',
    ]);
    expect(pivots('becomes the third ICS after Greater Manchester').map((cue) => cue.word)).toEqual([
      'after',
    ]);
    expect(pivots('They join the first-wave systems').map((cue) => cue.word.trim())).toEqual(['join']);
    expect(pivots('Joining them are Devon and Kent')).toEqual([]);
    expect(pivots('South Yorkshire is joined by Nottinghamshire')).toEqual([]);
    expect(pivots('We join our neighbours in Greater Manchester').map((cue) => cue.word)).toEqual(['join']);
    expect(pivots('The three join South East London').map((cue) => cue.word)).toEqual(['join']);
  });

  it('finds dates before the page: years, months of earlier years, and months earlier this year', () => {
    expect(earlierDates('South East London was designated in June 2019', '2020-12-08')).toEqual([
      'June 2019',
    ]);
    expect(earlierDates('running since 2016', '2020-12-08')).toEqual(['2016']);
    expect(earlierDates('South West London followed in May this year', '2020-12-08')).toEqual(['in May']);
    expect(earlierDates('the 11 systems confirmed in December', '2021-03-23')).toEqual(['in December']);
  });

  it('does not take the page month, future dates, financial years or mid-year estimates as earlier', () => {
    expect(earlierDates('Systems designated in December 2020', '2020-12-08')).toEqual([]);
    expect(earlierDates('will become ICSs in April, from 1 April 2021', '2021-03-19')).toEqual([]);
    expect(earlierDates('during 2021/22, using mid-2019 estimates', '2021-03-19')).toEqual([]);
    expect(earlierDates('anything at all', null)).toEqual([]);
  });

  it('finds framing that makes a headline about something else', () => {
    expect(framingCues('Chair designates confirmed for nine integrated care boards')).toEqual([
      'integrated care boards',
      'Chair',
    ]);
    expect(framingCues('Four ICSs named as digital frontrunners and share £20m')).toEqual([
      'frontrunners',
      '£',
    ]);
    expect(framingCues('Eleven more areas to become integrated care systems')).toEqual([]);
  });

  it('takes a role as framing only where it is what is named, not who names', () => {
    expect(framingCues('NHS chief executive names first areas to become accountable care systems')).toEqual(
      [],
    );
    expect(
      framingCues(
        "The first areas were named today by NHS England's chief executive, Simon Stevens, in Liverpool.",
      ),
    ).toEqual([]);
    expect(framingCues("NHS England's chief executive, Simon Stevens, has named eight areas")).toEqual([]);
    expect(framingCues('Cheshire and Merseyside names first ICS chief executive')).toEqual([
      'chief executive',
    ]);
    expect(framingCues('Chief executive designates named for five more ICSs')).toEqual(['Chief executive']);
    expect(designationCues('Chief executive designates named for five more ICSs')).toEqual([
      'named',
      'five more ICSs',
    ]);
  });
});

describe('negative cues', () => {
  it('reads "next year" as still to come, but not as the year of a date', () => {
    expect(negativeCues('Devon hopes for ICS status next year')).toEqual(['next year']);
    expect(negativeCues('Eleven areas will become ICSs from April next year')).toEqual([]);
  });
});

describe('running totals', () => {
  it('marks an introduction to every system so far, not to the wave', () => {
    expect(runningTotalCues('There are now 18 integrated care systems:')).toEqual(['There are now']);
    expect(runningTotalCues('The new systems are:')).toEqual([]);
  });
});

describe('region labels', () => {
  it('recognises NHS regions, alone or combined, with "region" or a colon', () => {
    expect(
      [
        'Midlands',
        'North East and Yorkshire region',
        'London, North East and Yorkshire',
        'South West:',
      ].every(isRegionLabel),
    ).toBe(true);
  });

  it('does not take other headings as region labels', () => {
    expect(
      ['Next steps', 'The new systems', 'Devon', 'Areas working towards designation'].some(isRegionLabel),
    ).toBe(false);
  });
  it('reads "would" after a reporting verb as the reported future, not a condition', () => {
    expect(negativeCues('Simon Stevens said eight areas would form the first wave of ACSs')).toEqual([]);
    expect(negativeCues('Eight areas would form the first wave if funding allowed')).toEqual(['would']);
  });

  it('takes a role followed by who speaks ("chief executive Simon Stevens said") as the speaker, not the news', () => {
    expect(framingCues('NHS England chief executive Simon Stevens said eight areas were chosen')).toEqual([]);
    expect(framingCues('Eight areas name their first ICS chief executive')).toEqual(['chief executive']);
  });
});
