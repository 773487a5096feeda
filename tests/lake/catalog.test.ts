import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from 'cheerio';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coverageChartSvg,
  escapeHtml,
  publishCatalog,
  regionPopulationChartSvg,
  safeExternalHref,
  undocumentedColumns,
} from '../../lib/lake/catalog.ts';
import { linesContaining, readVersionRowsContaining } from '../../lib/lake/catalog-read.ts';
import { datasetColumns } from '../../lib/lake/columns.ts';
import { isPartitioned } from '../../lib/lake/manifest.ts';
import { getText } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { changedParts } from '../../lib/lake/version-summaries.ts';
import { listVersions, readLatest, readVersionRows } from '../../lib/lake/versions.ts';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import {
  buildCatalogLake,
  buildIcsLake,
  catalogDatasetsWithIcs,
  catalogSources,
  HOSTILE,
} from '../fixtures/lake/catalog-lake.ts';
import { CountingLakeStore } from '../helpers/faulty-store.ts';

let folder: string;
let store: FolderLakeStore;
let html: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'lake-catalog-'));
  store = new FolderLakeStore(folder);
  await buildCatalogLake(store);
  await buildIcsLake(store);
  const result = await publishCatalog(store, {
    datasets: catalogDatasetsWithIcs,
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
    // The scraped ICS name is text in the table, in the chart descriptions nowhere as markup.
    expect($('#ics-table').text()).toContain(`NHS Alpha ${HOSTILE.script}`);
  });

  it('makes no external request: no src, no stylesheet link, a deny-all content security policy', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    const $ = load(html);
    expect(
      $('link')
        .toArray()
        .map((link) => $(link).attr('rel')),
    ).toEqual(['alternate', 'alternate']);
    expect(html).toContain(`default-src 'none'`);
  });

  it('announces the Atom and JSON feeds in its head and links to them in the page', () => {
    const $ = load(html);
    const alternates = $('head link[rel="alternate"]')
      .toArray()
      .map((link) => `${$(link).attr('type')} ${$(link).attr('href')}`);
    expect(alternates).toEqual([
      'application/atom+xml feed/atom.xml',
      'application/feed+json feed/feed.json',
    ]);
    const bodyLinks = $('#follow a')
      .toArray()
      .map((link) => $(link).attr('href'));
    expect(bodyLinks).toEqual(expect.arrayContaining(['feed/atom.xml', 'feed/feed.json', 'feed/index.json']));
  });

  it('lists the ICSs that exist on the lake date with region, status, dates and newest populations', () => {
    const $ = load(html);
    expect($('#ics h2').text()).toBe('The ICSs on 2021-04-02');
    const rows = $('#ics-table tbody tr')
      .toArray()
      .map((row) =>
        $(row)
          .find('td')
          .toArray()
          .map((cell) => $(cell).text()),
      );
    // QZZ was abolished before the date and A1B2C established after it; sorted by region, then name.
    expect(rows).toEqual([
      [
        'NHS Beta Integrated Care Board',
        'QF7',
        'East of England',
        'ICS',
        '2021-04-01',
        '—',
        '505,000 (2021-01-01)',
        'no estimate on this footprint',
      ],
      [
        `NHS Alpha ${HOSTILE.script}`,
        'QE1',
        'London',
        'ICS',
        '2020-04-01',
        '—',
        // The newest whole-population month, as published (not re-based, not the later single-sex row).
        '1,010,000 (2021-01-01)',
        '950,000 (2019-06-30)',
      ],
    ]);
    expect($('#ics-table tfoot td').first().text()).toBe('1,515,000');
  });

  it('gives every column of every dataset a type and a description in its data dictionary', () => {
    const $ = load(html);
    for (const definition of catalogDatasetsWithIcs) {
      const rows = $(`#dataset-${definition.name} details.dictionary tbody tr`).toArray();
      const columns = rows.map((row) => $(row).find('td code').first().text());
      expect(columns, definition.name).toEqual(datasetColumns(definition).map((column) => column.name));
      for (const row of rows) {
        const [, type, description] = $(row)
          .find('td')
          .toArray()
          .map((cell) => $(cell).text().trim());
        expect(type, `${definition.name} type`).not.toBe('');
        expect(description, `${definition.name} description`).not.toBe('');
      }
    }
    expect($('#dataset-ics details.dictionary').text()).toContain('date, may be empty');
    expect($('#dataset-ics details.dictionary').text()).toContain('one of stp, ics, icb, abolished');
  });

  it('links every committed version to its CSV, JSON, Parquet, datapackage and manifest, all of which exist', async () => {
    const $ = load(html);
    for (const definition of catalogDatasetsWithIcs) {
      const history = await listVersions(store, definition.name);
      expect(history.length, definition.name).toBeGreaterThan(0);
      for (const manifest of history) {
        const row = $(`#dataset-${definition.name} tr[data-version="${manifest.version}"]`);
        const hrefs = row
          .find('td.files a')
          .toArray()
          .map((link) => `${$(link).attr('data-format')} ${$(link).attr('href')}`);
        const base = `datasets/${definition.name}/v${manifest.version}`;
        // A partitioned dataset links the partitions each version changed, not every part it holds.
        const previous = history.find((candidate) => candidate.version === manifest.version - 1);
        const data = isPartitioned(manifest)
          ? changedParts(manifest, previous).map((file) => `${file.format} ${file.path}`)
          : [
              `csv ${base}/${definition.name}.csv`,
              `json ${base}/${definition.name}.json`,
              `parquet ${base}/${definition.name}.parquet`,
            ];
        expect(hrefs).toEqual([
          ...data,
          `datapackage ${base}/datapackage.json`,
          `manifest ${base}/manifest.json`,
        ]);
        if (isPartitioned(manifest)) {
          expect(data.length, `${base} changed parts`).toBeGreaterThan(0);
          expect(row.find('td.files').text()).toMatch(
            new RegExp(
              `^${new Set(manifest.files.map((file) => file.partition)).size} partitions; ${data.length / 3} changed:`,
            ),
          );
        }
        for (const href of hrefs)
          expect(existsSync(path.join(folder, href.split(' ')[1] ?? '')), href).toBe(true);
        expect(row.find('.citation').text()).toContain(
          `${definition.name} version ${manifest.version} (release ${manifest.release}, as of ${manifest.as_of.slice(0, 10)})`,
        );
        expect(row.find('.citation').text()).toContain(`${base}/`);
      }
    }
  });

  it('links the stable latest/ URLs of each dataset, which exist', () => {
    const $ = load(html);
    const stable = $('#dataset-ics_coverage a.stable')
      .toArray()
      .map((link) => $(link).attr('href') ?? '');
    expect(stable).toEqual([
      'datasets/ics_coverage/latest/ics_coverage.csv',
      'datasets/ics_coverage/latest/ics_coverage.json',
      'datasets/ics_coverage/latest/ics_coverage.parquet',
    ]);
    for (const href of stable) expect(existsSync(path.join(folder, href)), href).toBe(true);
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
      datasets: catalogDatasetsWithIcs,
      sources: catalogSources,
      asOf: '2026-11-22T14:00:00Z',
    });
    expect(again.written).toEqual([]);
    expect(counting.writes).toBe(0);
  });
});

describe('reading headline rows', () => {
  it('the pre-filtered read gives exactly the rows a full read and a filter give', async () => {
    const manifest = await readLatest(store, 'ics_population');
    if (manifest === undefined) throw new Error('no ics_population');
    const filtered = await readVersionRowsContaining(store, manifest, ['"sex":"ALL"', '"age_band":"ALL"']);
    const full = (await readVersionRows(store, 'ics_population', manifest.version)).filter(
      (row) => row.sex === 'ALL' && row.age_band === 'ALL',
    );
    expect(filtered).toEqual(full);
    expect(filtered.length).toBeLessThan(manifest.rows);
  });

  it('finds lines holding every needle, at the start, middle and end of the text', () => {
    const text = Buffer.from('{"a":1,"b":2},\n{"a":1,"b":3},\n{"a":2,"b":2}');
    expect(linesContaining(text, ['"a":1'])).toEqual(['{"a":1,"b":2},', '{"a":1,"b":3},']);
    expect(linesContaining(text, ['"b":2', '"a":2'])).toEqual(['{"a":2,"b":2}']);
    expect(linesContaining(text, ['"c"'])).toEqual([]);
  });

  it('refuses a JSON edition that does not match its manifest', async () => {
    const manifest = await readLatest(store, 'ics_population');
    if (manifest === undefined) throw new Error('no ics_population');
    const damaged = {
      ...manifest,
      files: manifest.files.map((file) => ({ ...file, sha256: '0'.repeat(64) })),
    };
    await expect(readVersionRowsContaining(store, damaged, ['"sex":"ALL"'])).rejects.toThrow(
      /ics_population\/parts\/[^ ]+\.json does not match its manifest/,
    );
  });
});

describe('column descriptions', () => {
  it('every column of every published dataset has one', () => {
    expect(Object.fromEntries(datasetDefinitions.map((d) => [d.name, undocumentedColumns(d)]))).toEqual(
      Object.fromEntries(datasetDefinitions.map((d) => [d.name, []])),
    );
  });

  it('a column with an empty description is caught', () => {
    const [ics] = datasetDefinitions;
    if (ics === undefined) throw new Error('no datasets');
    expect(undocumentedColumns({ ...ics, columns: { ...ics.columns, website: ' ' } })).toEqual(['website']);
  });
});

describe('charts', () => {
  const coverage = coverageChartSvg([
    { date: '2020-01-01', ics_count: 14, coverage_pct: 0 },
    { date: '2022-01-01', ics_count: 42, coverage_pct: 100 },
    { date: '2021-01-01', ics_count: 29, coverage_pct: 50 },
  ]);

  it('draws coverage as a step line through every dated point', () => {
    // x spans 64..616 over two years; y spans 244 (0%) to 28 (100%).
    expect(coverage).toContain('d="M64.0 244.0 H340.4 V136.0 H616.0 V28.0"');
    expect(coverage.match(/<circle/g)).toHaveLength(3);
    expect(coverageChartSvg([])).toContain('No coverage data yet');
  });

  it('labels each coverage point with its ICS count, titles both axes and describes the data', () => {
    const $ = load(coverage, { xmlMode: true });
    expect(
      $('text.point-label')
        .toArray()
        .map((label) => $(label).text()),
    ).toEqual(['14 ICSs', '29 ICSs', '42 ICSs']);
    expect(
      $('text.axis-title')
        .toArray()
        .map((title) => $(title).text()),
    ).toEqual(['Population covered (%)', 'Date the set of designated ICSs changed']);
    expect($('svg > title').text()).toBe("Share of England's population in designated ICSs over time");
    expect($('svg > desc').text()).toContain('2021-01-01: 29 ICSs, 50%');
  });

  it('draws one line per region from the re-based figures, with the values in its description', () => {
    const $ = load(html);
    const regions = $('#region-chart g.series')
      .toArray()
      .map((group) => `${$(group).attr('data-region')} ${$(group).find('circle').length}`);
    expect(regions).toEqual(['East of England 2', 'London 2']);
    expect($('#region-chart desc').text()).toContain(
      'London: 990,000 on 2020-05-01, 1,020,000 on 2021-01-01',
    );
    expect($('#population-by-region figcaption').text()).toContain("re-based onto today's ICB footprints");
    const svg = regionPopulationChartSvg(
      [{ region: 'X', points: [{ date: '2020-01-01', value: 2_500_000 }] }],
      'm',
    );
    // Ticks at round steps up to at least the largest value.
    expect(svg.match(/>\d+m</g)).toEqual(['>0m<', '>1m<', '>2m<', '>3m<']);
    expect(regionPopulationChartSvg([], 'm')).toContain('No population data yet');
  });
});

/** Screenshots of each width, kept for people to look at (git-ignored). */
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

describe('index.html in headless Chromium', () => {
  it.each([1280, 390])(
    'at %i px wide: no horizontal overflow, wide tables scroll in their own box, no script, no request but the page',
    async (width) => {
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
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const requested: string[] = [];
        page.on('request', (request) => requested.push(request.url()));
        const pageUrl = pathToFileURL(path.join(folder, 'index.html')).href;
        await page.goto(pageUrl, { waitUntil: 'load' });
        // Open every collapsed section: the data dictionaries and version tables must fit too.
        await page.evaluate(() => {
          for (const details of document.querySelectorAll('details')) details.open = true;
        });
        expect(requested).toEqual([pageUrl]);

        const overflow = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          viewport: window.innerWidth,
        }));
        expect(overflow.scrollWidth, `page width at ${width} px`).toBeLessThanOrEqual(overflow.viewport);
        // Every table sits in a scrolling box no wider than the page.
        const loose = await page
          .locator('table')
          .evaluateAll(
            (tables) =>
              tables.filter((table) => !table.parentElement?.classList.contains('table-scroll')).length,
          );
        expect(loose).toBe(0);
        const claimsBox = await page.locator('#claims').evaluate((table) => {
          const box = table.parentElement as HTMLElement;
          return { box: box.getBoundingClientRect().right, overflowX: getComputedStyle(box).overflowX };
        });
        expect(claimsBox.box).toBeLessThanOrEqual(width);
        expect(claimsBox.overflowX).toBe('auto');

        for (const id of ['coverage-chart', 'region-chart']) {
          const box = await page.locator(`svg#${id}`).boundingBox();
          expect(box?.width, id).toBeGreaterThan(300);
          expect((box?.x ?? 0) + (box?.width ?? 0), id).toBeLessThanOrEqual(width);
        }
        expect(await page.locator('svg#coverage-chart path.line').getAttribute('d')).toMatch(
          /^M[\d.]+ [\d.]+ H/,
        );
        expect(await page.locator('svg#coverage-chart circle').count()).toBe(3);

        const downloads = await page
          .locator('a.download')
          .evaluateAll((links) =>
            links.map((link) => `${link.getAttribute('data-format')} ${link.getAttribute('href')}`),
          );
        // Three per dataset, except ics_population (partitioned): three per partition its newest version changed.
        expect(downloads.filter((link) => !link.includes('/parts/'))).toHaveLength(12);
        expect(downloads.filter((link) => link.includes('/parts/')).length % 3).toBe(0);
        for (const link of downloads.filter((candidate) => candidate.includes('/parts/')))
          expect(link).toMatch(/^(csv|json|parquet) datasets\/ics_population\/parts\//);
        expect(await page.locator('#ics-table tbody tr').count()).toBe(2);
        expect(await page.locator('#claims tbody tr').count()).toBe(3);
        // Hostile text is shown as text; the javascript: source is not a link.
        expect(await page.locator('#claims').textContent()).toContain('<script>window.__pwned = 1</script>');
        const hrefs = await page
          .locator('a')
          .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
        expect(hrefs.filter((href) => /^\s*javascript:/i.test(href))).toEqual([]);
        expect(
          await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
        ).toBeUndefined();

        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `catalog-${width}.png`), fullPage: true });
      } finally {
        await browser.close();
      }
    },
  );
});
