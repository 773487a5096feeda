import { describe, expect, it } from 'vitest';
import { segmentBlocks } from '../../../lib/parse/designation/blocks.ts';
import { introOf, mentionRoles } from '../../../lib/parse/designation/context.ts';
import { readArticle } from '../../../lib/parse/designation/document.ts';
import { findMentions } from '../../../lib/parse/designation/mentions.ts';
import type { Mention } from '../../../lib/parse/designation/model.ts';
import { nameFormIndex } from '../../../lib/reference/name-forms.ts';
import { testGazetteer } from './world.ts';

const index = nameFormIndex(testGazetteer(), '2021-03-19');

function read(body: string) {
  const blocks = segmentBlocks(
    readArticle(
      `<html><body><main><h1>Headline</h1><div class="entry-content">${body}</div></main></body></html>`,
    ),
  );
  const byBlock = new Map<number, Mention[]>(
    blocks.map((block) => [block.index, findMentions(block.index, block.text, index)]),
  );
  const roles = mentionRoles(blocks, byBlock);
  const roleOf = [...roles].map(([mention, role]) => [mention.text, role]);
  return { blocks, byBlock, roleOf };
}

describe('mention roles', () => {
  it('takes the name an item opens with as the item, names joined to it too, and later names as its description', () => {
    const { roleOf } = read(
      '<ul><li>Sussex, formerly Sussex and East Surrey, whose area moved to Surrey Heartlands</li><li>Devon and Somerset</li><li>Midlands: Lincolnshire</li></ul>',
    );
    expect(roleOf).toEqual([
      ['Sussex', 'item'],
      ['Sussex and East Surrey', 'described'],
      ['Surrey Heartlands', 'described'],
      ['Devon', 'item'],
      ['Somerset', 'item'],
      ['Lincolnshire', 'item'],
    ]);
  });

  it('reads a name heading as an item, the names in its section as its description, and a paragraph of names as a list', () => {
    const { roleOf } = read(
      '<p>Lead.</p><h3>2. Dorset</h3><p>Known as Our Dorset, next to Somerset.</p><h3>Which areas are left?</h3><p>Devon and Kent and Medway.</p>',
    );
    expect(roleOf).toEqual([
      ['Dorset', 'item'],
      ['Our Dorset', 'described'],
      ['Somerset', 'described'],
      ['Devon', 'item'],
      ['Kent and Medway', 'item'],
    ]);
  });

  it('reads paragraphs that open with a name and a dash as entries only when there are at least two', () => {
    expect(read('<p>Devon – 1.2 million people</p><p>Somerset – 0.56 million</p>').roleOf).toEqual([
      ['Devon', 'item'],
      ['Somerset', 'item'],
    ]);
    expect(read('<p>Devon – the final piece</p><p>It joins Somerset.</p>').roleOf).toEqual([
      ['Devon', 'inline'],
      ['Somerset', 'inline'],
    ]);
  });

  it('reads paragraphs of nothing but names as lists, whatever region label opens them', () => {
    expect(
      read(
        '<p>North West London, North Central London and Devon.</p><p>Midlands: Lincolnshire; Northamptonshire</p><p>Devon and Dorset said so.</p>',
      ).roleOf,
    ).toEqual([
      ['North West London', 'item'],
      ['North Central London', 'item'],
      ['Devon', 'item'],
      ['Lincolnshire', 'item'],
      ['Northamptonshire', 'item'],
      ['Devon', 'inline'],
      ['Dorset', 'inline'],
    ]);
  });

  it('reads a list item that is a sentence about a system as prose, not as an entry naming it', () => {
    expect(
      read(
        '<ul><li>Devon will publish its first plan in the summer.</li><li>Somerset – 0.56 million</li><li>Media enquiries to the press office.</li></ul>',
      ).roleOf,
    ).toEqual([
      ['Devon', 'inline'],
      ['Somerset', 'item'],
    ]);
  });

  it("reads each sentence of a list whose entries each name a different area as that area's entry", () => {
    expect(
      read(
        '<ul><li>Devon will become an ICS from April.</li><li>The county partnership in Northamptonshire gets the status too.</li><li>Lincolnshire becomes the second system after Derbyshire.</li></ul>',
      ).roleOf,
    ).toEqual([
      ['Devon', 'item'],
      ['Northamptonshire', 'item'],
      ['Lincolnshire', 'item'],
      ['Derbyshire', 'described'],
    ]);
  });

  it('reads one paragraph per area as entries when the text before them announces a wave', () => {
    const run =
      '<p>Together the three new systems serve six million people.</p><p>In Devon, partners have worked together for years.</p><p>Dorset covers the county.</p><p>Somerset, which includes Taunton, has a plan.</p>';
    expect(read(run).roleOf).toEqual([
      ['Devon', 'item'],
      ['Dorset', 'item'],
      ['Somerset', 'item'],
    ]);
    const prose =
      '<p>Other news follows.</p><p>Devon will become an ICS.</p><p>Somerset serves half a million people.</p>';
    expect(read(prose).roleOf).toEqual([
      ['Devon', 'inline'],
      ['Somerset', 'inline'],
    ]);
  });

  it('takes the cell a name fills as a table row item, and other names in the row as description', () => {
    expect(
      read(
        '<table><tr><td>London</td><td>North West London Health and Care Partnership</td><td>with Devon</td></tr></table>',
      ).roleOf,
    ).toEqual([
      ['North West London Health and Care Partnership', 'item'],
      ['Devon', 'described'],
    ]);
  });
});

describe('introOf', () => {
  it("introduces a run of region sections by the text before the first, never by a sibling region's text", () => {
    const { blocks, byBlock } = read(
      '<p>The new systems are set out below.</p><h3>London</h3><p>North West London, which serves two million people.</p><h3>South West</h3><p>Devon and Somerset.</p>',
    );
    const southWest = blocks.find((block) => block.text === 'Devon and Somerset.');
    expect(southWest && introOf(southWest, blocks, byBlock)?.text).toBe('The new systems are set out below.');
  });

  it('walks back over region labels and sibling lists to the introducing paragraph', () => {
    const { blocks, byBlock } = read(
      '<p>The new systems are set out below.</p><p>London</p><ul><li>Devon</li></ul><p>Midlands</p><ul><li>Lincolnshire</li></ul>',
    );
    const lincolnshire = blocks.find((block) => block.text === 'Lincolnshire');
    expect(lincolnshire && introOf(lincolnshire, blocks, byBlock)?.text).toBe(
      'The new systems are set out below.',
    );
  });

  it('stops at a heading that is not a region, and takes a table caption for its rows', () => {
    const { blocks, byBlock } = read(
      '<h2>Systems approved for designation</h2><h3>Midlands</h3><ul><li>Lincolnshire</li></ul><table><caption>New systems</caption><tr><td>Devon</td></tr></table>',
    );
    const item = blocks.find((block) => block.text === 'Lincolnshire');
    const row = blocks.find((block) => block.text === 'Devon');
    expect(item && introOf(item, blocks, byBlock)?.text).toBe('Systems approved for designation');
    expect(row && introOf(row, blocks, byBlock)?.text).toBe('New systems');
  });

  it('introduces every entry of a run of name entries by what precedes the first one', () => {
    const { blocks, byBlock } = read(
      '<p>These four were approved:</p><dl><dt>Devon</dt><dd>Large.</dd><dt>Lincolnshire</dt><dd>Rural.</dd></dl>',
    );
    const second = blocks.find((block) => block.text === 'Lincolnshire');
    expect(second && introOf(second, blocks, byBlock)?.text).toBe('These four were approved:');
  });
});
