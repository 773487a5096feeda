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

  it('splits lines broken with <br> wherever they stand, also in text outside any paragraph', () => {
    const html =
      '<html><body><b>Eight areas named</b><br>15 June 2017<br><br>NHS England has named eight areas today.<br>The eight areas are Devon; Dorset.</body></html>';
    expect(blocksOf(html).map(([kind, text]) => [kind, text])).toEqual([
      ['headline', ''],
      ['paragraph', 'Eight areas named'],
      ['paragraph', '15 June 2017'],
      ['paragraph', 'NHS England has named eight areas today.'],
      ['paragraph', 'The eight areas are Devon; Dorset.'],
    ]);
  });

  it('reads a layout table (nested tables, a cell of prose) as its cells, and a data table as rows', () => {
    const prose =
      'The national bodies have added four areas to the programme at their first joint board meeting in London this week, and more are expected to follow over the coming year as the remaining partnerships mature, agree their plans with their regions and apply in the next round. The four are:';
    const html = page(
      `<table><tr><td><table><tr><td><img alt=""></td><td><font>${prose}<br><br>&bull; Devon<br>&bull; Dorset</font></td></tr></table></td></tr></table><table><tr><td>Devon</td><td>South West</td></tr><tr><td>Dorset</td><td>South West</td></tr></table>`,
    );
    const blocks = segmentBlocks(readArticle(html));
    expect(blocks.slice(1).map((block) => [block.kind, block.text, block.group])).toEqual([
      ['paragraph', prose, null],
      ['item', '• Devon', 1],
      ['item', '• Dorset', 1],
      ['row', 'Devon | South West', 0],
      ['row', 'Dorset | South West', 0],
    ]);
  });

  it('reads runs of lines opened by bullets, dashes or numbers as lists; bare numbers only when counting 1, 2, 3', () => {
    const kinds = (body: string) =>
      blocksOf(page(body))
        .slice(1)
        .map(([kind]) => kind);
    expect(kinds('<p>- Devon</p><p>- Dorset</p>')).toEqual(['item', 'item']);
    expect(kinds('<p>1. Devon</p><p>2. Dorset</p>')).toEqual(['item', 'item']);
    expect(kinds('<div>1 Devon</div><div>2 Dorset</div>')).toEqual(['item', 'item']);
    expect(kinds('<p>42 Systems were named.</p><p>7 Areas wait.</p>')).toEqual(['paragraph', 'paragraph']);
    expect(kinds('<p>• Devon</p><p>Text after.</p>')).toEqual(['paragraph', 'paragraph']);
  });

  it('takes a blockquote as a quotation only when it holds speech, not when it is a styled panel', () => {
    const containers = (body: string) =>
      blocksOf(page(body))
        .slice(1)
        .map(([, , container]) => container);
    expect(
      containers('<blockquote class="panel"><h2>The systems</h2><ol><li>Devon</li></ol></blockquote>'),
    ).toEqual(['body', 'body']);
    expect(containers('<blockquote><p>“Devon is ready.”</p></blockquote>')).toEqual(['quote']);
    expect(containers('<blockquote><p>Devon is ready, she said.</p></blockquote>')).toEqual(['quote']);
    expect(
      containers('<blockquote><p>Devon is ready.</p><p>– Chief executive, Devon</p></blockquote>'),
    ).toEqual(['quote', 'quote']);
    expect(containers('<blockquote><p>Devon is ready.</p><cite>A leader</cite></blockquote>')).toEqual([
      'quote',
      'quote',
    ]);
  });

  it('takes as the lead the first paragraph that reads as a story, not a bar of notices', () => {
    const html = page(
      '<p>Back to the web version | Cookies: this site uses essential cookies on print pages.</p><p>NHS England has named the first areas that will operate as accountable care systems.</p>',
    );
    expect(
      blocksOf(html)
        .filter(([, , , lead]) => lead)
        .map(([, text]) => text),
    ).toEqual(['NHS England has named the first areas that will operate as accountable care systems.']);
  });

  it('takes as content root the largest of the most specific roots, never one in an aside, menu or promotion', () => {
    const texts = (html: string) =>
      blocksOf(html)
        .slice(1)
        .map(([, text, container]) => [text, container]);
    expect(
      texts(
        '<html><body><main><div class="story-body"><h1>Title</h1><p>Story.</p></div><aside><article><p>Other story.</p></article></aside></main></body></html>',
      ),
    ).toEqual([['Story.', 'body']]);
    expect(
      texts(
        '<html><body><article class="promo"><p>Subscribe.</p></article><article class="post"><h1>Title</h1><p>The story itself, at length.</p></article></body></html>',
      ),
    ).toEqual([['The story itself, at length.', 'body']]);
    expect(
      texts(
        '<html><body><div id="menu"><ul><li>Devon</li></ul></div><div id="main"><h1>Title</h1><p>Story.</p></div></body></html>',
      ),
    ).toEqual([['Story.', 'body']]);
  });

  it("reads the story's headline, not the site's name in a logo <h1>", () => {
    const html =
      '<html><head><title>Four more ICSs named - Healthcare Leader</title></head><body><header class="site-header"><h1 class="logo">Healthcare Leader</h1></header><div class="post"><h2>Four more ICSs named</h2><p>Story.</p></div></body></html>';
    expect(readArticle(html).headline).toBe('Four more ICSs named');
  });
  it("reads a wholly bold first paragraph as a standfirst, so the lead runs on to the story's first paragraph", () => {
    expect(
      blocksOf(
        page(
          '<p><strong>A handful of areas have been chosen to go further and faster.</strong></p><p>Eight areas will form the first wave of accountable care systems.</p><p>More text follows here in the story.</p>',
        ),
      ).slice(1),
    ).toEqual([
      ['standfirst', 'A handful of areas have been chosen to go further and faster.', 'body', true],
      ['paragraph', 'Eight areas will form the first wave of accountable care systems.', 'body', true],
      ['paragraph', 'More text follows here in the story.', 'body', false],
    ]);
    expect(
      blocksOf(
        page(
          '<p><strong>Devon</strong> is one of eight areas to form the first wave of ICSs.</p><p>More text follows here in the story.</p>',
        ),
      ).slice(1),
    ).toEqual([
      ['paragraph', 'Devon is one of eight areas to form the first wave of ICSs.', 'body', true],
      ['paragraph', 'More text follows here in the story.', 'body', false],
    ]);
  });
  it("reads a caption's own block elements (a map legend's groups) as separate blocks, never one run of text", () => {
    const legend =
      '<figure><img src="map.png" alt="Map"><figcaption><div class="legend__group"><span>New (May 2020):</span> <span>Sussex &middot; Devon</span></div><div class="legend__group"><span>Existing ICS:</span> <span>Dorset</span></div></figcaption></figure>';
    expect(blocksOf(page(legend)).slice(1)).toEqual([
      ['paragraph', 'New (May 2020): Sussex · Devon', 'body', false],
      ['paragraph', 'Existing ICS: Dorset', 'body', false],
    ]);
    expect(
      blocksOf(page('<figure><figcaption>The map: <b>Sussex</b> and Dorset</figcaption></figure>')).slice(1),
    ).toEqual([['caption', 'The map: Sussex and Dorset', 'body', false]]);
  });
});
