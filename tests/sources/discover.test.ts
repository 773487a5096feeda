import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceById } from '../../lib/sources/catalogue.ts';
import { discoverLinks } from '../../lib/sources/discover.ts';
import { MINI_SNAPSHOTS, testSource } from './snapshot-fixture.ts';

const newsStep = sourceById('nhse-news').discovery[0];
const newsHtml = readFileSync(path.join(MINI_SNAPSHOTS, '2020-12-14/files/news.html'), 'utf8');

describe('discoverLinks', () => {
  it('follows only the announcement links of the news index, de-duplicated, with their parent', () => {
    if (!newsStep) throw new Error('nhse-news has no discovery step');
    const links = discoverLinks(newsHtml, 'https://www.england.nhs.uk/news/', newsStep);
    expect(links.map((link) => link.url)).toEqual([
      'https://www.england.nhs.uk/2020/12/eleven-new-integrated-care-systems/',
      'https://www.england.nhs.uk/2020/04/four-more-areas-become-integrated-care-systems/',
      'https://www.england.nhs.uk/2020/05/dorset-and-suffolk-named-ics/',
      'https://www.england.nhs.uk/2020/05/accountable-care-update/',
    ]);
    expect(links.every((link) => link.parentUrl === 'https://www.england.nhs.uk/news/')).toBe(true);
  });

  it('matches the text pattern against the title attribute when the text does not match', () => {
    if (!newsStep) throw new Error('nhse-news has no discovery step');
    const links = discoverLinks(newsHtml, 'https://www.england.nhs.uk/news/', newsStep);
    expect(links.find((link) => link.url.endsWith('/accountable-care-update/'))?.text).toBe('Update');
  });

  it('resolves relative hrefs against the page URL (or <base>) and drops fragments', () => {
    const step = {
      description: 'dated pages',
      selector: 'a',
      hrefPattern: '^https://www\\.england\\.nhs\\.uk/20',
      maxLinks: 10,
      yields: 'document' as const,
    };
    // From /news/, "2021/03/b/" resolves under /news/ and so does not match the pattern.
    const html = '<a href="../2021/03/a/#top">A</a><a href="2021/03/b/">B</a>';
    expect(discoverLinks(html, 'https://www.england.nhs.uk/news/', step).map((link) => link.url)).toEqual([
      'https://www.england.nhs.uk/2021/03/a/',
    ]);
    const withBase = '<base href="https://www.england.nhs.uk/"><a href="2021/03/b/">B</a>';
    expect(discoverLinks(withBase, 'https://www.england.nhs.uk/news/', step).map((link) => link.url)).toEqual(
      ['https://www.england.nhs.uk/2021/03/b/'],
    );
  });

  it('caps the number of links at maxLinks, in document order', () => {
    const step = testSource({
      discovery: [
        { description: 'x', selector: 'a', hrefPattern: '^https://', maxLinks: 2, yields: 'document' },
      ],
    }).discovery[0];
    if (!step) throw new Error('no step');
    const html =
      '<a href="https://a.example/1">1</a><a href="https://a.example/2">2</a><a href="https://a.example/3">3</a>';
    expect(discoverLinks(html, 'https://a.example/', step).map((link) => link.url)).toEqual([
      'https://a.example/1',
      'https://a.example/2',
    ]);
  });

  it('selects the latest GP registrations edition and only the totals and single-age attachments', () => {
    const [latest, attachments] = sourceById('nhsd-gp-registrations').discovery;
    if (!latest || !attachments) throw new Error('expected two discovery steps');
    const series = readFileSync(path.join(MINI_SNAPSHOTS, '2020-12-14/files/gp-series.html'), 'utf8');
    const seriesUrl =
      'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice';
    expect(discoverLinks(series, seriesUrl, latest).map((link) => link.url)).toEqual([
      `${seriesUrl}/december-2020`,
    ]);
    const edition = readFileSync(path.join(MINI_SNAPSHOTS, '2020-12-14/files/gp-december-2020.html'), 'utf8');
    expect(discoverLinks(edition, `${seriesUrl}/december-2020`, attachments).map((link) => link.url)).toEqual(
      [
        'https://files.digital.nhs.uk/EF/56GH78/gp-reg-pat-prac-all.csv',
        'https://files.digital.nhs.uk/EF/56GH78/gp-reg-pat-prac-sing-age-regions.zip',
      ],
    );
  });
});
