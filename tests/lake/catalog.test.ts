import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'cheerio';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageChartSvg, escapeHtml, publishCatalog, safeExternalHref } from '../../lib/lake/catalog.ts';
import { getText } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { buildCatalogLake, catalogDatasets, catalogSources, HOSTILE } from '../fixtures/lake/catalog-lake.ts';
import { CountingLakeStore } from '../helpers/faulty-store.ts';

let folder: string;
let store: FolderLakeStore;
let html: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'lake-catalog-'));
  store = new FolderLakeStore(folder);
  await buildCatalogLake(store);
  const result = await publishCatalog(store, {
    datasets: catalogDatasets,
    sources: catalogSources,
    asOf: '2021-04-02',
  });
  expect(result.written).toEqual(['datapackage.json', 'index.html']);
  html = (await getText(store, 'index.html')) ?? '';
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('escaping helpers', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it.each([
    ['javascript:alert(1)', undefined],
    ['  JaVaScRiPt:alert(1)', undefined],
    ['java\nscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['vbscript:msgbox(1)', undefined],
    ['/relative/path', undefined],
    ['https://www.england.nhs.uk/a?b=1&c=2', 'https://www.england.nhs.uk/a?b=1&c=2'],
    ['http://digital.nhs.uk/x', 'http://digital.nhs.uk/x'],
  ])('turns %j into the href %j', (url, href) => {
    expect(safeExternalHref(url)).toBe(href);
  });
});

describe('index.html', () => {
  it('contains no hostile markup, quote-breaks or javascript: URLs from source-derived text', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toContain(HOSTILE.quoteBreak);
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).toContain('&quot; onmouseover=&quot;');
    const $ = load(html);
    const handlerAttributes = $('*')
      .toArray()
      .flatMap((element) =>
        Object.keys((element as { attribs?: Record<string, string> }).attribs ?? {}).filter((name) =>
          name.startsWith('on'),
        ),
      );
    expect(handlerAttributes).toEqual([]);
    expect($('script')).toHaveLength(0);
    expect(html.match(/link withheld/g)).toHaveLength(2);
  });

  it('makes no external request: no src, no external stylesheet, a deny-all content security policy', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('shows each dataset with its current version, row count and download links in every format', () => {
    for (const href of [
      'datasets/ics_coverage/v3/ics_coverage.csv',
      'datasets/ics_coverage/v3/ics_coverage.json',
      'datasets/ics_coverage/v3/ics_coverage.parquet',
      'datasets/published_claims/v2/published_claims.parquet',
      'datasets/regions/v1/regions.csv',
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).toMatch(/Current version <strong>v3<\/strong>.*<strong>3<\/strong> rows/);
  });

  it('writes nothing when no dataset changed, even on a later run clock', async () => {
    const counting = new CountingLakeStore(store);
    // A later run clock alone is not a change: the page is dated by the newest version's as_of.
    const again = await publishCatalog(counting, {
      datasets: catalogDatasets,
      sources: catalogSources,
      asOf: '2026-11-22T14:00:00Z',
    });
    expect(again.written).toEqual([]);
    expect(counting.writes).toBe(0);
  });

  it('draws the coverage chart as a step line through every dated point', () => {
    const svg = coverageChartSvg([
      { date: '2020-01-01', coverage_pct: 0 },
      { date: '2022-01-01', coverage_pct: 100 },
      { date: '2021-01-01', coverage_pct: 50 },
    ]);
    // x spans 48..624 over two years; y spans 224 (0%) to 16 (100%).
    expect(svg).toContain('d="M48.0 224.0 H336.4 V120.0 H624.0 V16.0"');
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(coverageChartSvg([])).toContain('No coverage data yet');
  });
});

describe('index.html in headless Chromium', () => {
  it('renders the chart and download links, runs no script and requests nothing but the page', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      const pageUrl = pathToFileURL(path.join(folder, 'index.html')).href;
      await page.goto(pageUrl, { waitUntil: 'load' });
      expect(requested).toEqual([pageUrl]);

      const chart = page.locator('svg#coverage-chart');
      expect(await chart.count()).toBe(1);
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(await chart.locator('path.line').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ H/);
      expect(await chart.locator('circle').count()).toBe(3);

      const downloads = await page
        .locator('a.download')
        .evaluateAll((links) =>
          links.map((link) => `${link.getAttribute('data-format')} ${link.getAttribute('href')}`),
        );
      expect(downloads).toHaveLength(9);
      expect(new Set(downloads.map((entry) => entry.split(' ')[0]))).toEqual(
        new Set(['csv', 'json', 'parquet']),
      );

      const claimRows = page.locator('#claims tbody tr');
      expect(await claimRows.count()).toBe(3);
      // Hostile text is shown as text; the javascript: source is not a link.
      expect(await page.locator('#claims').textContent()).toContain('<script>window.__pwned = 1</script>');
      const hrefs = await page
        .locator('a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
      expect(hrefs.filter((href) => /^\s*javascript:/i.test(href))).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      await page.screenshot({ path: path.join(tmpdir(), 'ics-lake-catalog.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
