import { describe, expect, it } from 'vitest';
import { findMentions } from '../../../lib/parse/designation/mentions.ts';
import { nameFormIndex } from '../../../lib/reference/name-forms.ts';
import { testGazetteer } from './world.ts';

const gazetteer = testGazetteer();
const index2021 = nameFormIndex(gazetteer, '2021-03-19');
const found = (text: string, index = index2021, heading = false) =>
  findMentions(0, text, index, heading).map((mention) => [
    mention.text,
    mention.ics_code ?? mention.codes.join('/'),
  ]);

describe('findMentions: every name form of a known ICS', () => {
  it('reads "&" as "and", an optional "the", and keeps commas inside names', () => {
    expect(
      found(
        'Leicester, Leicestershire & Rutland; Cornwall and Isles of Scilly; Shropshire, Telford & Wrekin',
      ),
    ).toEqual([
      ['Leicester, Leicestershire & Rutland', 'QK1'],
      ['Cornwall and Isles of Scilly', 'QT6'],
      ['Shropshire, Telford & Wrekin', 'QOC'],
    ]);
    expect(found('in the South West, London and the Midlands')).toEqual([]);
  });

  it('takes "NHS … ICB", "… Health and Care Partnership" and "… ICS" as the system they name', () => {
    expect(
      found('NHS Devon ICB and Kent and Medway ICS join Cheshire and Merseyside Health and Care Partnership'),
    ).toEqual([
      ['NHS Devon ICB', 'QJK'],
      ['Kent and Medway ICS', 'QKS'],
      ['Cheshire and Merseyside Health and Care Partnership', 'QYG'],
    ]);
  });

  it('knows partnership names and brands, and trade-press county short forms', () => {
    expect(
      found('North London Partners in Health and Care, Our Dorset and Bucks, Oxon and Berks West'),
    ).toEqual([
      ['North London Partners in Health and Care', 'QMJ'],
      ['Our Dorset', 'QVV'],
      ['Bucks, Oxon and Berks West', 'QU9'],
    ]);
  });

  it('splits names joined by "and" at the names it knows, longest first', () => {
    expect(
      found('The remaining two are Suffolk and North East Essex and West, North and East Cumbria.'),
    ).toEqual([
      ['Suffolk and North East Essex', 'QJG'],
      ['West, North and East Cumbria', 'QHM'],
    ]);
    expect(found('Derbyshire and Hampshire and the Isle of Wight')).toEqual([
      ['Derbyshire', 'QJ2'],
      ['Hampshire and the Isle of Wight', 'QRL'],
    ]);
  });

  it('reads an abbreviation in capitals, and marks one in brackets after its full name as a repeat', () => {
    const mentions = findMentions(
      0,
      'Bristol, North Somerset & South Gloucestershire (BNSSG) and BSW',
      index2021,
    );
    expect(mentions.map((mention) => [mention.text, mention.ics_code, mention.repeats])).toEqual([
      ['Bristol, North Somerset & South Gloucestershire', 'QUY', null],
      ['BNSSG', 'QUY', 0],
      ['BSW', 'QOX', null],
    ]);
  });

  it('keeps "The" when the name itself begins with it, and stops a name at its last capital', () => {
    expect(found('the Bristol, North Somerset and South Gloucestershire partnership')).toEqual([
      ['Bristol, North Somerset and South Gloucestershire', 'QUY'],
    ]);
  });

  it('reads a lower-case compass word that is part of the name ("South east London" is not in this world, "north Cumbria" is)', () => {
    expect(found('a footprint usually referred to as north Cumbria')).toEqual([['north Cumbria', 'QHM']]);
  });

  it('leaves an ambiguous name unresolved, with every ICS it could denote', () => {
    expect(found('the Cumbria system')).toEqual([['Cumbria', 'QE1/QHM']]);
  });
});

describe('findMentions: what is not a mention', () => {
  it('does not read a name glued to another proper noun or a compass point', () => {
    expect(found('North Devon District Hospital, Somerset Council and South Gloucestershire')).toEqual([]);
  });

  it('does not read an abbreviation written in lower case, or a name written all in lower case', () => {
    expect(found('Bob said the devon team was ready')).toEqual([]);
  });

  it('does not read a name across a sentence end, a bracket or a dash', () => {
    expect(found('Kent. Medway (Devon – Somerset)')).toEqual([
      ['Devon', 'QJK'],
      ['Somerset', 'QSL'],
    ]);
  });

  it('reads names in a Title Case headline, where every word is capitalised', () => {
    expect(found('Devon And Kent And Medway Named As Integrated Care Systems', index2021, true)).toEqual([
      ['Devon', 'QJK'],
      ['Kent And Medway', 'QKS'],
    ]);
  });

  it('does not know the names of ICBs established after the page was published', () => {
    expect(found('neighbours in the Thames Valley')).toEqual([]);
    expect(found('NHS Thames Valley ICB was established', nameFormIndex(gazetteer, '2026-04-01'))).toEqual([
      ['NHS Thames Valley ICB', 'S0E4D'],
    ]);
  });
});
