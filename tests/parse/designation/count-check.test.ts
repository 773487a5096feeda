import { describe, expect, it } from 'vitest';
import { findAnnouncement } from '../../../lib/parse/designation/announce.ts';
import { segmentBlocks } from '../../../lib/parse/designation/blocks.ts';
import { mentionRoles } from '../../../lib/parse/designation/context.ts';
import { countChecks } from '../../../lib/parse/designation/count-check.ts';
import { decideMentions } from '../../../lib/parse/designation/decide.ts';
import { readArticle } from '../../../lib/parse/designation/document.ts';
import { findMentions } from '../../../lib/parse/designation/mentions.ts';
import type { Mention } from '../../../lib/parse/designation/model.ts';
import { nameFormIndex } from '../../../lib/reference/name-forms.ts';
import { testGazetteer } from './world.ts';

const index = nameFormIndex(testGazetteer(), '2017-06-15');

function checks(headline: string, body: string) {
  const html = `<html><body><main><h1>${headline}</h1><div class="entry-content">${body}</div></main></body></html>`;
  const blocks = segmentBlocks(readArticle(html));
  const byBlock = new Map<number, Mention[]>(
    blocks.map((block) => [block.index, findMentions(block.index, block.text, index)]),
  );
  const announces = findAnnouncement(blocks, byBlock, '2017-06-15') !== null;
  const roles = mentionRoles(blocks, byBlock);
  const decisions = decideMentions(
    { blocks, byBlock, roles, announcedOn: '2017-06-15', announces },
    [...byBlock.values()].flat(),
  );
  return countChecks(blocks, byBlock, decisions).map((check) => [
    check.scope,
    check.value,
    check.found,
    check.agrees,
  ]);
}

describe('countChecks', () => {
  it('sets the headline count against all areas, and a list introduction against its list', () => {
    expect(
      checks(
        'Three new ICSs named',
        '<p>The three systems are:</p><ul><li>Devon</li><li>Dorset</li><li>Somerset</li></ul>',
      ),
    ).toEqual([
      ['page', 3, 3, true],
      ['group', 3, 3, true],
    ]);
  });

  it('counts areas, not codes: Berkshire West and Buckinghamshire are two areas of one ICS', () => {
    expect(
      checks(
        'Two areas named as accountable care systems',
        '<p>The two areas are:</p><ul><li>Berkshire West</li><li>Buckinghamshire</li></ul>',
      ),
    ).toEqual([
      ['page', 2, 2, true],
      ['group', 2, 2, true],
    ]);
  });

  it('accepts a page count that names one of several counted lists ("eight … and the two devolution areas")', () => {
    const body =
      '<p>The three areas that will become accountable care systems are:</p><ul><li>Devon</li><li>Dorset</li><li>Somerset</li></ul><p>The two areas with devolution deals will join them as accountable care systems:</p><ul><li>Greater Manchester</li><li>Surrey Heartlands</li></ul>';
    const found = checks('Three areas named as accountable care systems', body);
    expect(found).toContainEqual(['page', 3, 5, true]);
    expect(found).toContainEqual(['group', 2, 2, true]);
  });

  it('adds the areas a counted sentence names after "with" or "plus" to its count', () => {
    const found = checks(
      'Accountable care systems named',
      '<p class="standfirst">Two areas will take on shared budgets, with Dorset joining them through its own deal.</p><p>Devon and Somerset will operate as accountable care systems. Dorset will too.</p>',
    );
    expect(found).toContainEqual(['page', 3, 3, true]);
  });

  it("sets a count in a section's heading or opening paragraphs against the areas of that section", () => {
    const body =
      '<h2>Flu campaign</h2><p>Pharmacies in Kent and Medway are busy.</p><h2>Integrated care: three South West systems confirmed</h2><p>Devon, Dorset and Somerset have been designated as accountable care systems.</p>';
    expect(checks('Stakeholder bulletin', body)).toContainEqual(['group', 3, 3, true]);
    const numbered =
      '<h2>3. Outcome</h2><p>All 3 partnerships met the criteria.</p><p>The following are designated as accountable care systems:</p><ul><li>Devon</li><li>Dorset</li></ul>';
    expect(checks('Board paper', numbered)).toContainEqual(['group', 3, 2, false]);
  });

  it('counts "one of four areas" for the page only when the page names the others with it', () => {
    const alone =
      '<p>We are delighted to be one of four areas confirmed today as an accountable care system.</p><p>Devon has worked towards this for years.</p>';
    expect(checks('Devon confirmed as an accountable care system', alone)).toEqual([]);
    const named =
      '<p>We are delighted to be one of four areas confirmed today as accountable care systems, alongside Dorset and Somerset.</p>';
    expect(checks('Devon confirmed as an accountable care system', named)).toContainEqual([
      'page',
      4,
      3,
      false,
    ]);
  });

  it('flags a list shorter than its introduction says, and a sentence naming fewer than it counts', () => {
    expect(
      checks('New ICSs named', '<p>The three new systems are:</p><ul><li>Devon</li><li>Dorset</li></ul>'),
    ).toEqual([['group', 3, 2, false]]);
    expect(
      checks(
        'Accountable care systems named',
        '<p>NHS England named the areas as accountable care systems.</p><p>The remaining three are Devon and Dorset.</p>',
      ),
    ).toContainEqual(['sentence', 3, 2, false]);
  });

  it('counts the names a number is followed by, or else those before it', () => {
    const after = checks(
      'Accountable care systems named',
      '<p>NHS England named the areas as accountable care systems.</p><p>The group takes in Kent and Medway and three partnerships in the South West: Devon; Dorset; and Somerset.</p>',
    );
    expect(after).toContainEqual(['sentence', 3, 3, true]);
    const before = checks(
      'Accountable care systems named',
      '<p>NHS England named the areas as accountable care systems.</p><p>Devon, Dorset and Somerset are the three new systems.</p>',
    );
    expect(before).toContainEqual(['sentence', 3, 3, true]);
  });

  it('reads a number the text refers back with ("these three areas") as a check that never fails the page', () => {
    const body =
      '<p>NHS England named the areas as accountable care systems.</p><p>They are Devon, Dorset and Somerset.</p><p>Leaders in these three areas will agree a shared budget.</p><p>The two areas with the largest budgets will report first.</p>';
    const found = checks('Accountable care systems named', body);
    expect(found).toContainEqual(['text', 3, 3, true]);
    expect(found).toContainEqual(['text', 2, 3, false]);
  });
});
