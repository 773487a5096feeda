import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { effectiveDate, publishedDate } from '../../../lib/parse/designation/dates.ts';

const published = (head: string, body: string) =>
  publishedDate(cheerio.load(`<html><head>${head}</head><body>${body}</body></html>`));

describe('publishedDate', () => {
  it('prefers article:published_time, then JSON-LD datePublished', () => {
    const ld =
      '<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2018-05-24T11:00:00+01:00"}]}</script>';
    expect(
      published('<meta property="article:published_time" content="2021-03-19T10:00:00+00:00">', ''),
    ).toEqual({
      iso: '2021-03-19',
      from: 'meta article:published_time',
    });
    expect(published(ld, '<main><p class="post-updated">Last updated: 4 June 2018</p></main>')).toEqual({
      iso: '2018-05-24',
      from: 'JSON-LD datePublished',
    });
  });

  it('reads <time>, "Published", "Posted on dd/mm/yyyy", "First published:" and month-first bylines', () => {
    const visible = (body: string) => published('', `<main><article>${body}</article></main>`)?.iso;
    expect(
      visible(
        '<p class="post-date">Date: <time datetime="2020-12-08T09:30:00+00:00">8 December 2020</time></p>',
      ),
    ).toBe('2020-12-08');
    expect(visible('<p class="byline">Published 9 December 2020</p>')).toBe('2020-12-09');
    expect(visible('<span class="posted">Posted on 23/03/2021</span>')).toBe('2021-03-23');
    expect(
      visible(
        '<dl><dt>Document first published:</dt><dd>19 March 2021</dd><dt>Page updated:</dt><dd>6 April 2021</dd></dl>',
      ),
    ).toBe('2021-03-19');
    expect(visible('<p class="date">Published on December 8, 2020</p>')).toBe('2020-12-08');
    expect(visible('<span class="date">Date published: 28 May, 2020</span>')).toBe('2020-05-28');
    expect(
      visible('<p class="page-meta">Date published: 19 March, 2021 · Date last updated: 26 March, 2021</p>'),
    ).toBe('2021-03-19');
    expect(
      visible(
        '<table><tr><th>Closing date</th><td>9 May 2021</td></tr><tr><th>Posted</th><td>12 April 2021</td></tr></table>',
      ),
    ).toBe('2021-04-12');
  });

  it("reads a job advert's datePosted, and a <time> on a page whose body class names a sidebar", () => {
    const posting =
      '<script type="application/ld+json">{"@type":"JobPosting","datePosted":"2021-04-12","validThrough":"2021-05-09"}</script>';
    expect(published(posting, '')?.iso).toBe('2021-04-12');
    const html =
      '<html><body class="single has-sidebar"><main><article><p class="meta">By A · <time datetime="2021-02-03T10:15:00+00:00">3 February 2021</time></p></article></main></body></html>';
    expect(publishedDate(cheerio.load(html))?.iso).toBe('2021-02-03');
  });

  it('reads abbreviated months, dotted or dashed numeric dates and a bare dateline', () => {
    const visible = (body: string) => published('', `<main><article>${body}</article></main>`)?.iso;
    expect(visible('<p class="byline">By A · 8 Dec 2020</p>')).toBe('2020-12-08');
    expect(visible('<p class="date">Dec 8, 2020</p>')).toBe('2020-12-08');
    expect(visible('<span class="posted">Posted 08.12.2020</span>')).toBe('2020-12-08');
    expect(visible('<h1>Headline</h1><p>19 March 2021</p><p>Text.</p>')).toBe('2021-03-19');
    expect(visible('<p>Closes 9 May 2021</p>')).toBeUndefined();
  });

  it('takes a line that is nothing but a date under the headline, or near the top, as the dateline', () => {
    const dated = (body: string, headline: string) =>
      publishedDate(cheerio.load(`<html><body>${body}</body></html>`), headline);
    expect(
      dated(
        '<b>Eight areas named</b><br>15 June 2017<br><br>Text. <br>Printed on 03/11/2022',
        'Eight areas named',
      ),
    ).toEqual({ iso: '2017-06-15', from: 'dateline' });
    expect(
      dated(
        '<table><tr><td><font>Daily Bulletin</font></td><td><font>Friday 25 May 2018</font></td></tr></table><p>Story.</p>',
        'Healthcare Leader Daily Bulletin',
      )?.iso,
    ).toBe('2018-05-25');
    expect(
      dated('<h1>Title</h1><p>Text.</p><aside class="related"><p>21 May 2020</p></aside>', 'Title'),
    ).toBeNull();
  });

  it('never takes the date of a related item, and an updated date only when the page gives no other', () => {
    const related = '<aside class="related"><time datetime="2020-05-21">21 May 2020</time></aside>';
    const updated = '<p class="page-updated">Page updated: 12 January 2021</p>';
    expect(published('', `<main><article><p>Text.</p>${related}</article></main>`)).toBeNull();
    expect(published('', `<main><article>${updated}${related}</article></main>`)?.iso).toBe('2021-01-12');
    const both = `<main><article><p class="date">Published: 4 January 2021</p>${updated}${related}</article></main>`;
    expect(published('', both)?.iso).toBe('2021-01-04');
  });
});

describe('effectiveDate', () => {
  it('reads the start of the new financial year as the next 1 April', () => {
    expect(
      effectiveDate('They will get the status at the start of the new financial year.', '2021-03-23'),
    ).toMatchObject({
      iso: '2021-04-01',
      precision: 'day',
    });
    expect(effectiveDate('They join from the next financial year.', '2020-12-08')?.iso).toBe('2021-04-01');
  });

  it('reads immediate effect, this month, next month, full dates and months', () => {
    expect(effectiveDate('join in shadow form with immediate effect', '2018-05-24')?.iso).toBe('2018-05-24');
    expect(effectiveDate('will become ICSs from 1 April 2021', '2020-12-08')).toMatchObject({
      iso: '2021-04-01',
      precision: 'day',
    });
    expect(effectiveDate('which go live next month', '2021-03-23')?.iso).toBe('2021-04-01');
    expect(effectiveDate('will formally take on ICS status from April', '2020-12-09')?.iso).toBe(
      '2021-04-01',
    );
    expect(effectiveDate('will become an ICS from 1 April', '2021-03-19')?.iso).toBe('2021-04-01');
    expect(effectiveDate('to become an integrated care system in April', '2021-03-19')?.iso).toBe(
      '2021-04-01',
    );
    expect(effectiveDate('will become an ICS from April 15', '2021-03-19')?.iso).toBe('2021-04-15');
    expect(effectiveDate('will become an ICS on April 1, 2021', '2021-03-19')?.iso).toBe('2021-04-01');
    expect(effectiveDate('will become ICSs from the start of April', '2020-12-09')).toMatchObject({
      iso: '2021-04-01',
      precision: 'month',
    });
  });

  it('reads a month-only date as the first of that month, even before the announcement itself', () => {
    expect(effectiveDate('designated from December 2020', '2020-12-08')).toMatchObject({
      iso: '2020-12-01',
      precision: 'month',
    });
    expect(effectiveDate('will operate as ICSs from this month', '2019-06-19')).toMatchObject({
      iso: '2019-06-01',
      precision: 'month',
    });
    expect(effectiveDate('join in shadow form immediately', '2018-05-24')).toMatchObject({
      iso: '2018-05-24',
      precision: 'day',
    });
  });

  it('reads "on" and "in" a date as effective only in future wording, not as the date of an event reported', () => {
    expect(
      effectiveDate('The eight areas named on 15 June as accountable care systems', '2017-06-20'),
    ).toBeNull();
    expect(effectiveDate('will become integrated care systems on 1 April', '2021-03-22')?.iso).toBe(
      '2021-04-01',
    );
  });

  it('does not read targets, past months or a bare "in April" outside future wording', () => {
    expect(effectiveDate('NHS England wants every area covered by April 2021', '2020-12-08')).toBeNull();
    expect(effectiveDate('Devon became an ICS in April', '2021-09-02')).toBeNull();
    expect(effectiveDate('a statutory footing from 2022', '2020-12-08')).toBeNull();
  });
});
