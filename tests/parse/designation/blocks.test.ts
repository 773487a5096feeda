import { describe, expect, it } from 'vitest';
import { segmentBlocks } from '../../../lib/parse/designation/blocks.ts';
import { readArticle } from '../../../lib/parse/designation/document.ts';

const blocksOf = (html: string) =>
  segmentBlocks(readArticle(html)).map((block) => [block.kind, block.text, block.container, block.lead]);

const page = (body: string, extra = '') =>
  `<html><body><header><nav><ul><li>Devon</li></ul></nav></header><main><article><h1>Headline here</h1>${extra}<div class="entry-content">${body}</div></article></main><aside class="sidebar"><p>Kent and Medway jobs</p></aside></body></html>`;

describe('readArticle and segmentBlocks', () => {
  it('reads the headline and the content root only, never the menu or the sidebar', () => {
    expect(
      blocksOf(page('<p>Eleven more areas will become integrated care systems from April.</p>')),
    ).toEqual([
      ['headline', 'Headline here', 'body', false],
      ['paragraph', 'Eleven more areas will become integrated care systems from April.', 'body', true],
    ]);
  });

  it('gives list items, table rows (cells joined) and captions, each list or table its own group', () => {
    const blocks = segmentBlocks(
      readArticle(
        page(
          '<ul><li>Devon <ul><li>nested</li></ul></li></ul><table><caption>New</caption><tr><th>System</th><td>Region</td></tr></table>',
        ),
      ),
    );
    expect(blocks.slice(1).map((block) => [block.kind, block.text, block.group])).toEqual([
      ['item', 'Devon', 0],
      ['item', 'nested', 1],
      ['caption', 'New', 2],
      ['row', 'System | Region', 2],
    ]);
  });

  it('marks quotations and furniture inside the article, with the headings above each block', () => {
    const blocks = segmentBlocks(
      readArticle(
        page(
          '<h2>Section</h2><h3>Sub</h3><blockquote><p>“Quoted”</p></blockquote><aside class="read-more"><p>Read more: Devon</p></aside><h2>Next</h2><p>After</p>',
        ),
      ),
    );
    expect(blocks.slice(1).map((block) => [block.text, block.container, block.headings])).toEqual([
      ['Section', 'body', []],
      ['Sub', 'body', [1]],
      ['“Quoted”', 'quote', [2, 1]],
      ['Read more: Devon', 'furniture', [2, 1]],
      ['Next', 'body', []],
      ['After', 'body', [5]],
    ]);
  });

  it('reads the standfirst beside the content root as part of the lead, and <br> lines as separate blocks', () => {
    const html = page(
      '<p>Intro line:<br>Devon<br>Kent and Medway</p>',
      '<p class="standfirst">Three London systems and four in the South West are approved</p>',
    );
    expect(blocksOf(html).slice(1)).toEqual([
      ['standfirst', 'Three London systems and four in the South West are approved', 'body', true],
      ['paragraph', 'Intro line:', 'body', false],
      ['paragraph', 'Devon', 'body', false],
      ['paragraph', 'Kent and Medway', 'body', false],
    ]);
  });

  it('reads a page with no article element from its body, its banner, footer and hidden text marked as furniture', () => {
    const html =
      '<html><body><header class="site-header"><p>Dorset</p></header><div id="wrap"><h1>Headline</h1><p>Devon is now an ICS.</p></div><footer><p>Kent office</p></footer><div style="display:none">Hidden</div></body></html>';
    expect(
      blocksOf(html)
        .slice(1)
        .map(([kind, text, container]) => [kind, text, container]),
    ).toEqual([
      ['paragraph', 'Dorset', 'furniture'],
      ['paragraph', 'Devon is now an ICS.', 'body'],
      ['paragraph', 'Kent office', 'furniture'],
      ['paragraph', 'Hidden', 'furniture'],
    ]);
  });

  it("reads a table cell of <br>-separated areas as one row per area, each with the row's other cells", () => {
    const blocks = segmentBlocks(
      readArticle(
        page(
          '<table><tr><th>Region</th><th>Areas</th></tr><tr><td>Midlands</td><td>Black Country &amp; West Birmingham<br>Lincolnshire</td></tr><tr><td>South West</td><td>Devon</td></tr></table>',
        ),
      ),
    );
    expect(blocks.slice(1).map((block) => [block.kind, block.text, block.group])).toEqual([
      ['row', 'Region | Areas', 0],
      ['row', 'Midlands | Black Country & West Birmingham', 0],
      ['row', 'Midlands | Lincolnshire', 0],
      ['row', 'South West | Devon', 0],
    ]);
  });

  it('keeps a fact box inside the article as story, and an aside of links as furniture', () => {
    const blocks = segmentBlocks(
      readArticle(
        page(
          '<aside class="factbox"><h3>Key facts</h3><ul><li>Devon</li><li>Dorset</li></ul></aside><aside><ul><li><a href="/a">Devon news</a></li><li><a href="/b">Kent news</a></li></ul></aside>',
        ),
      ),
    );
    expect(blocks.slice(1).map((block) => [block.text, block.container])).toEqual([
      ['Key facts', 'body'],
      ['Devon', 'body'],
      ['Dorset', 'body'],
      ['Devon news', 'furniture'],
      ['Kent news', 'furniture'],
    ]);
  });

  it('reads a paragraph classed "lead" beside the content root as the standfirst', () => {
    const html = page(
      '<ul><li>Devon</li></ul>',
      '<p class="lead">Four more parts of England will join the programme.</p>',
    );
    expect(blocksOf(html)[1]).toEqual([
      'standfirst',
      'Four more parts of England will join the programme.',
      'body',
      true,
    ]);
  });

  it('takes a heading that is wholly a link as a teaser for another story', () => {
    const blocks = segmentBlocks(readArticle(page('<h2><a href="/x">Eleven new ICSs confirmed</a></h2>')));
    expect(blocks[1]).toMatchObject({ kind: 'heading', container: 'furniture' });
  });
});
