import { describe, expect, it } from 'vitest';
import { findAnnouncement } from '../../../lib/parse/designation/announce.ts';
import { segmentBlocks } from '../../../lib/parse/designation/blocks.ts';
import { mentionRoles } from '../../../lib/parse/designation/context.ts';
import { decideMentions } from '../../../lib/parse/designation/decide.ts';
import { readArticle } from '../../../lib/parse/designation/document.ts';
import { findMentions } from '../../../lib/parse/designation/mentions.ts';
import type { Mention } from '../../../lib/parse/designation/model.ts';
import { nameFormIndex } from '../../../lib/reference/name-forms.ts';
import { testGazetteer } from './world.ts';

const ANNOUNCED_ON = '2021-03-19';
const index = nameFormIndex(testGazetteer(), ANNOUNCED_ON);

function read(headline: string, body: string) {
  const html = `<html><body><main><article><h1>${headline}</h1><div class="entry-content">${body}</div></article></main></body></html>`;
  const blocks = segmentBlocks(readArticle(html));
  const byBlock = new Map<number, Mention[]>(
    blocks.map((block) => [block.index, findMentions(block.index, block.text, index)]),
  );
  return { blocks, byBlock };
}

function decide(headline: string, body: string) {
  const { blocks, byBlock } = read(headline, body);
  const announces = findAnnouncement(blocks, byBlock, ANNOUNCED_ON) !== null;
  const roles = mentionRoles(blocks, byBlock);
  const decisions = decideMentions(
    { blocks, byBlock, roles, announcedOn: ANNOUNCED_ON, announces },
    [...byBlock.values()].flat(),
  );
  return decisions.map((decision) => [decision.mention.text, decision.verdict]);
}

describe('findAnnouncement', () => {
  it('finds a status word tied to the ICS noun in the headline or lead', () => {
    for (const headline of [
      'Eleven more areas to become integrated care systems',
      'Four new ICSs approved',
      'Healthier Together confirmed as an integrated care system',
      'Four more areas given integrated care system status',
      'Four areas graduate to ICS status',
      'ICS programme grows by four areas',
    ]) {
      const { blocks, byBlock } = read(headline, '<p>Short.</p>');
      expect(findAnnouncement(blocks, byBlock, ANNOUNCED_ON), headline).not.toBeNull();
    }
  });

  it("does not read appointments, boards, funding, boundaries, speculation, history or a system's own news as announcements", () => {
    for (const headline of [
      'Cheshire and Merseyside names first ICS chief executive',
      'Six new integrated care boards established',
      'Four ICSs named as digital frontrunners and share £20m',
      'Government confirms decision on integrated care system boundaries',
      'Which areas could be the next ICSs?',
      'Five years since the first accountable care systems were named',
      'Devon ICS confirms plans for a new hospital',
      'Integrated care systems: areas working towards designation',
      'ICS status review: four areas to be reassessed',
      'NHS seeks views on the future of integrated care systems',
    ]) {
      const { blocks, byBlock } = read(headline, '<p>Short.</p>');
      expect(findAnnouncement(blocks, byBlock, ANNOUNCED_ON), headline).toBeNull();
    }
  });
});

describe('findAnnouncement: the name given to the systems', () => {
  it("reads the wave's noun through the words that name it ('what the organisation is calling ‘accountable care systems’')", () => {
    const named = read(
      'Eight areas lead the way on care',
      '<p>The chief executive said eight areas would form the first wave of what the organisation is calling ‘accountable care systems’.</p>',
    );
    expect(findAnnouncement(named.blocks, named.byBlock, ANNOUNCED_ON)).toMatchObject({ place: 'lead' });
    const far = read(
      'Eight areas lead the way on care',
      '<p>The chief executive said eight areas would form the first wave of a scheme that in time leads to accountable care systems.</p>',
    );
    expect(findAnnouncement(far.blocks, far.byBlock, ANNOUNCED_ON)).toBeNull();
  });
});

describe('findAnnouncement over the whole article', () => {
  it('finds the announcing sentence anywhere in the text, and says where it stands', () => {
    const { blocks, byBlock } = read(
      'South West stakeholder bulletin',
      "<p>Welcome to this week's bulletin for partners and colleagues across the region.</p><h2>Flu</h2><p>Uptake is up.</p><h2>Integrated care</h2><p>Devon and Somerset have been designated as integrated care systems, NHS England announced.</p>",
    );
    expect(findAnnouncement(blocks, byBlock, ANNOUNCED_ON)).toMatchObject({
      place: 'text',
      cues: ['designated', 'integrated care systems', 'as integrated care systems'],
    });
    const lead = read('Four more ICSs', '<p>Short.</p>');
    expect(findAnnouncement(lead.blocks, lead.byBlock, ANNOUNCED_ON)?.place).toBe('headline');
  });

  it('reads a status in a clause about the past, or under a heading about other systems, as background', () => {
    for (const body of [
      '<p>Devon, which became an integrated care system in January, opened a new unit.</p>',
      '<p>The response lands a month after 11 more areas were made integrated care systems.</p>',
      '<h2>Already on the programme</h2><p>Dorset became an accountable care system.</p>',
      '<p>Partners in Devon published an update on their application to become an integrated care system.</p>',
    ]) {
      const { blocks, byBlock } = read('Hospital opens new unit', body);
      expect(findAnnouncement(blocks, byBlock, ANNOUNCED_ON), body).toBeNull();
    }
  });
});

describe('decideMentions', () => {
  it('leaves the object of "join" when a comma turns to something else, and keeps it over a list of names', () => {
    expect(
      decide(
        'Three more areas to become integrated care systems',
        '<p>Devon joins them, alongside Lincolnshire and Somerset.</p><p>The three join Dorset, Gloucestershire and Kent and Medway, which were already integrated care systems.</p>',
      ),
    ).toEqual([
      ['Devon', 'designated'],
      ['Lincolnshire', 'designated'],
      ['Somerset', 'designated'],
      ['Dorset', 'not_designated'],
      ['Gloucestershire', 'not_designated'],
      ['Kent and Medway', 'not_designated'],
    ]);
  });

  it('reads a clause describing a run of names for them when it is about their status', () => {
    expect(
      decide(
        'Two more areas to become integrated care systems',
        '<p>Devon and Lincolnshire have been confirmed as integrated care systems.</p><p>Dorset and Gloucestershire, both of which joined in 2018, are often cited.</p><p>Somerset, which already has a devolution deal, joins them as an integrated care system.</p>',
      ),
    ).toEqual([
      ['Devon', 'designated'],
      ['Lincolnshire', 'designated'],
      ['Dorset', 'not_designated'],
      ['Gloucestershire', 'not_designated'],
      ['Somerset', 'designated'],
    ]);
  });

  it('reads a "whose" clause as background to what its antecedent has, never as said of the antecedent', () => {
    expect(
      decide(
        'Three more areas become integrated care systems',
        '<p>Three more areas have been confirmed as integrated care systems today.</p><p>Devon, whose two predecessor partnerships were chosen in 2017, has been given integrated care system status.</p><p>Dorset, which was first chosen in 2017, has been given integrated care system status.</p>',
      ),
    ).toEqual([
      ['Devon', 'designated'],
      ['Dorset', 'not_designated'],
    ]);
    // Nor do the status words of a "whose" clause designate its antecedent.
    expect(
      decide(
        'Three more areas become integrated care systems',
        '<p>Three more areas have been confirmed as integrated care systems today.</p><p>Health leaders gathered in Kent and Medway, whose neighbours were among those chosen.</p>',
      ),
    ).toEqual([['Kent and Medway', 'not_designated']]);
  });

  it('reads an elliptical clause ("So too has X", "X has too") with the predicate of the sentence it stands for', () => {
    const announce = '<p>Three more areas have been confirmed as integrated care systems today.</p>';
    expect(
      decide(
        'Three more areas become integrated care systems',
        `${announce}<p>Devon has also been handed ICS status. The enlarged system covers a million people.</p><p>So too has Somerset.</p><p>Lincolnshire has too.</p>`,
      ),
    ).toEqual([
      ['Devon', 'designated'],
      ['Somerset', 'designated'],
      ['Lincolnshire', 'designated'],
    ]);
    expect(
      decide(
        'Three more areas become integrated care systems',
        `${announce}<p>Devon has also been handed ICS status. Its chief executive has a plan for the coast.</p><p>So too has Somerset.</p><p>Gloucestershire has not been handed ICS status. Neither has Dorset.</p>`,
      ),
    ).toEqual([
      ['Devon', 'designated'],
      ['Somerset', 'not_designated'],
      ['Gloucestershire', 'not_designated'],
      ['Dorset', 'not_designated'],
    ]);
  });

  it('designates list items under a designating introduction, not under one about other systems', () => {
    const body =
      '<p>The new systems are:</p><ul><li>Devon</li><li>Lincolnshire</li></ul><p>They join the systems already working this way:</p><ul><li>Dorset</li></ul><p>Areas still to be designated:</p><ul><li>Somerset</li></ul>';
    expect(decide('Two more areas to become integrated care systems', body)).toEqual([
      ['Devon', 'designated'],
      ['Lincolnshire', 'designated'],
      ['Dorset', 'not_designated'],
      ['Somerset', 'not_designated'],
    ]);
  });

  it('never designates on a page that announces nothing, whatever its lists say', () => {
    expect(
      decide('Staff survey results published', '<p>The new systems are:</p><ul><li>Devon</li></ul>'),
    ).toEqual([['Devon', 'not_designated']]);
  });

  it('leaves out quotations, furniture, headings about other systems, and a row dated in an earlier wave', () => {
    const body =
      '<p>Devon and Lincolnshire have been confirmed as integrated care systems.</p><blockquote><p>We follow Dorset.</p></blockquote><p>She said: “Somerset showed the way.”</p><aside class="related"><p>Kent and Medway news</p></aside><h2>Systems designated in earlier rounds</h2><p>Gloucestershire is one.</p>';
    expect(decide('Two more areas to become integrated care systems', body)).toEqual([
      ['Devon', 'designated'],
      ['Lincolnshire', 'designated'],
      ['Dorset', 'not_designated'],
      ['Somerset', 'not_designated'],
      ['Kent and Medway', 'not_designated'],
      ['Gloucestershire', 'not_designated'],
    ]);
    const table =
      '<p>Two more ICSs were approved:</p><table><tr><td>Devon</td><td>April 2021</td></tr><tr><td>Dorset</td><td>June 2017</td></tr></table>';
    expect(decide('Two new ICSs approved', table)).toEqual([
      ['Devon', 'designated'],
      ['Dorset', 'not_designated'],
    ]);
  });

  it('reads prose clause by clause: a cue in a "which" clause speaks only for that clause', () => {
    const body =
      '<p>NHS England has named nine areas as accountable care systems.</p><p>The nine are Devon; Dorset; and Surrey Heartlands, which already has a devolution agreement.</p><p>Greater Manchester, which has run its own budget since 2016, is not part of the list.</p>';
    expect(decide('Nine areas named as first accountable care systems', body)).toEqual([
      ['Devon', 'designated'],
      ['Dorset', 'designated'],
      ['Surrey Heartlands', 'designated'],
      ['Greater Manchester', 'not_designated'],
    ]);
  });

  it('leaves out names after "after", "existing" or "join the …" even in a designating sentence', () => {
    const body =
      "<p>Cheshire and Merseyside becomes the region's third ICS after Greater Manchester. North East and North Cumbria absorbs the existing Cumbria ICS.</p>";
    expect(decide('Two more areas to become integrated care systems', body)).toEqual([
      ['Cheshire and Merseyside', 'designated'],
      ['Greater Manchester', 'not_designated'],
      ['North East and North Cumbria', 'designated'],
      ['Cumbria ICS', 'not_designated'],
    ]);
  });

  it('beside a designating list, designates prose only with its own designating words', () => {
    const body =
      '<p>The new systems are:</p><ul><li>Devon</li></ul><p>Lincolnshire will also become an integrated care system.</p><p>Somerset serves half a million people.</p>';
    expect(decide('Two more areas to become integrated care systems', body)).toEqual([
      ['Devon', 'designated'],
      ['Lincolnshire', 'designated'],
      ['Somerset', 'not_designated'],
    ]);
  });

  it('reads an ambiguous short name beside a designated name of one of its ICSs as that area', () => {
    const body =
      '<p>The new systems are:</p><ul><li>West, North and East Cumbria</li><li>Gloucestershire</li></ul>';
    expect(decide('Cumbria and Gloucestershire among two new integrated care systems', body)).toEqual([
      ['Cumbria', 'part_of_another'],
      ['Gloucestershire', 'designated'],
      ['West, North and East Cumbria', 'designated'],
      ['Gloucestershire', 'designated'],
    ]);
  });

  it('counts a part of a designated system as that system, not as another area', () => {
    const body =
      '<p>Nottinghamshire, with an early focus on Greater Nottingham and Rushcliffe, is one of the eight.</p>';
    expect(decide('Eight areas named as accountable care systems', body)).toEqual([
      ['Nottinghamshire', 'designated'],
      ['Greater Nottingham and Rushcliffe', 'part_of_another'],
    ]);
  });

  it('keeps the names a release joins "in this latest group" in the wave, unlike those it joins after', () => {
    const body =
      '<p>We are delighted that Devon has been confirmed as an integrated care system.</p><p>We join our neighbours in Somerset in this latest group.</p><p>We join Dorset, which became an ICS in 2017.</p>';
    expect(decide('Devon becomes an integrated care system', body)).toEqual([
      ['Devon', 'designated'],
      ['Devon', 'designated'],
      ['Somerset', 'designated'],
      ['Dorset', 'not_designated'],
    ]);
  });

  it('reads each coordinated clause for its own names: turned down, held back, "unlike"', () => {
    const body =
      '<p>Somerset and Dorset were chosen; Devon missed out.</p><p>Two systems – Lincolnshire and Northamptonshire – got the nod, but Kent and Medway was held back.</p><p>Unlike Cornwall, Gloucestershire has been approved.</p>';
    expect(decide('More integrated care systems confirmed', body)).toEqual([
      ['Somerset', 'designated'],
      ['Dorset', 'designated'],
      ['Devon', 'not_designated'],
      ['Lincolnshire', 'designated'],
      ['Northamptonshire', 'designated'],
      ['Kent and Medway', 'not_designated'],
      ['Cornwall', 'not_designated'],
      ['Gloucestershire', 'designated'],
    ]);
  });
});
