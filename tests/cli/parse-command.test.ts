import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { documentUrlFor } from '../../lib/parse/dispatch.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SNAPSHOTS = path.join(ROOT, 'snapshots');
const FIXTURES = path.join(ROOT, 'tests/fixtures/e2e/parse');
const DEC_2020 = path.join(SNAPSHOTS, '2020-12-14/files');
const JUL_2022 = path.join(SNAPSHOTS, '2022-07-20/files');
const DEC_2020_ARTICLE =
  'www.england.nhs.uk/2020/12/nhs-chief-confirms-11-new-integrated-care-systems-serving-14-million-people/index.html';

// The eleven systems NHS England designated on 8 December 2020, as ODS codes (sorted).
const DECEMBER_2020_WAVE = ['QHL', 'QJ2', 'QMF', 'QMJ', 'QMM', 'QOX', 'QRL', 'QRV', 'QSL', 'QT6', 'QUY'];

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'ics-lake-parse-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function parse(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const text = (chunk: string | Uint8Array) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += text(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += text(chunk);
    return true;
  });
  try {
    const code = await main(['parse', ...argv]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the printed JSON is checked field by field below.
async function parseJson(...argv: string[]): Promise<any> {
  const result = await parse(...argv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('ics-lake parse: announcements', () => {
  it("resolves each of NHS England's 11 December 2020 designations to its ICS code, with the live URL", async () => {
    const output = await parseJson('--source', 'nhse-news', path.join(DEC_2020, DEC_2020_ARTICLE));
    const url =
      'https://www.england.nhs.uk/2020/12/nhs-chief-confirms-11-new-integrated-care-systems-serving-14-million-people/';
    expect(output.records.map((record: { ics_code: string }) => record.ics_code).sort()).toEqual(
      DECEMBER_2020_WAVE,
    );
    for (const record of output.records) {
      expect(record).toMatchObject({
        announced_on: '2020-12-08',
        // "from December 2020": the first day of the month it names.
        effective_from: '2020-12-01',
        source_url: url,
        resolution: { status: 'resolved' },
      });
      expect(record.name_as_published.length).toBeGreaterThan(0);
      expect(record.evidence).toContain(record.name_as_published);
    }
    expect(output.announcement).toMatchObject({ url, running_total: 29, announced_on: '2020-12-08' });
    expect(output.announcement.statements).toContainEqual(
      expect.objectContaining({ kind: 'percent', value: 60, qualifier: 'more_than', scope: 'total' }),
    );
  });

  it('reads the trade-press story of the same wave with its own effective date, 1 April 2021', async () => {
    const output = await parseJson(
      '--source',
      'trade-press',
      path.join(
        DEC_2020,
        'healthcareleadernews.com/news/nhs-england-confirms-11-new-integrated-care-systems/index.html',
      ),
    );
    expect(output.records.map((record: { ics_code: string }) => record.ics_code).sort()).toEqual(
      DECEMBER_2020_WAVE,
    );
    for (const record of output.records) {
      expect(record).toMatchObject({ announced_on: '2020-12-08', effective_from: '2021-04-01' });
    }
  });

  it('keeps an area that resolves to no ICS, with ics_code null and the reason, and uses --url', async () => {
    const url = 'https://www.england.nhs.uk/2021/03/two-more-areas/';
    const output = await parseJson(
      '--source',
      'nhse-news',
      '--url',
      url,
      path.join(FIXTURES, 'unresolved-area-announcement.html'),
    );
    expect(output.records).toEqual([
      expect.objectContaining({
        ics_code: 'QJK',
        name_as_published: 'Devon',
        announced_on: '2021-03-19',
        effective_from: '2021-04-01',
        source_url: url,
      }),
      expect.objectContaining({
        ics_code: null,
        name_as_published: 'Atlantis and the Sunken Isles',
        resolution: expect.objectContaining({
          status: 'unresolved',
          reason: expect.stringContaining('atlantis sunken isles'),
        }),
      }),
    ]);
  });

  it('gives zero records, not an error, for a page that designates nothing (the July 2022 statutory ICB item)', async () => {
    const output = await parseJson(
      '--source',
      'nhse-news',
      path.join(
        JUL_2022,
        'www.england.nhs.uk/2022/07/integrated-care-boards-take-on-statutory-responsibilities/index.html',
      ),
    );
    expect(output).toEqual({ records: [] });
  });

  it('exits 1 with one stderr line naming the source and what was expected for a maintenance page', async () => {
    const file = path.join(scratch, 'maintenance.html');
    await writeFile(
      file,
      '<html><head><title>Site maintenance</title></head><body><h1>We will be back soon</h1></body></html>',
    );
    const result = await parse('--source', 'trade-press', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^ics-lake parse: trade-press: expected a news article at file:\/\/.*maintenance/,
    );
  });
});

describe('ics-lake parse: designation pages that fail closed, --explain and the byte cap', () => {
  const DESIGNATIONS = path.join(ROOT, 'tests/fixtures/designations');

  it('exits 1 with one line naming the count mismatch and the areas found', async () => {
    const result = await parse(
      '--source',
      'nhse-news',
      path.join(DESIGNATIONS, 'cm01-nhse-2020-12-truncated-list.html'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(
      /^ics-lake parse: nhse-news: count_mismatch at file:.*: the page says 11 areas .* but 8 were found \(Norfolk and Waveney, .*North East London\)$/,
    );
  });

  it('exits 1 with one line on layout drift: the lead announces designations but no area is in the text', async () => {
    const result = await parse(
      '--source',
      'nhse-news',
      path.join(DESIGNATIONS, 'ld01-nhse-2020-05-map-only.html'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ics-lake parse: nhse-news: layout_drift at .*no area was found/);
  });

  it('--explain prints each mention with its decision and the words that drove it', async () => {
    const result = await parse(
      '--source',
      'nhse-news',
      '--explain',
      path.join(DESIGNATIONS, 'nl01-nhse-2020-12-eleven.html'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /DESIGNATED\s+Norfolk and Waveney \(QMM, item\): listed under an introduction/,
    );
    expect(result.stdout).toMatch(
      /not designated\s+South East London \(QKK, inline\): its clause is about other systems \[June 2019/,
    );
    expect(result.stdout).toMatch(/not designated\s+Gloucestershire \(QR1, inline\): in a quotation/);
    expect(result.stdout).toMatch(/^outcome: designation$/m);
  });

  it('--explain still explains a page that fails closed, then exits 1 with the one-line reason', async () => {
    const result = await parse(
      '--source',
      'trade-press',
      '--explain',
      path.join(DESIGNATIONS, 'cm02-tp-2021-03-paywall.html'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^count \(page\): says 13, found 7 DIFFERS/m);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('trade-press: count_mismatch');
  });

  it('refuses --explain for a source that is not an announcement source', async () => {
    const result = await parse(
      '--source',
      'nhse-ics-list',
      '--explain',
      path.join(DESIGNATIONS, 'nl01-nhse-2020-12-eleven.html'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ics-lake parse: nhse-ics-list: --explain reads announcement pages only/);
  });

  it("refuses a file over its source's byte cap before reading it, in one line naming the file, the cap and the source", async () => {
    const file = path.join(scratch, 'huge.html');
    const cap = catalogue.find((entry) => entry.id === 'nhse-news')?.maxBytes ?? 0;
    await truncate(file, cap + 1).catch(async () => {
      await writeFile(file, '');
      await truncate(file, cap + 1);
    });
    const result = await parse('--source', 'nhse-news', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe(
      `ics-lake parse: nhse-news: ${file} is ${cap + 1} bytes, over the ${cap}-byte cap for source nhse-news (catalogue maxBytes)\n`,
    );
  });

  it('documents the byte caps, the fail-closed outcomes and --explain in --help', async () => {
    const result = await parse('--help');
    expect(result.stdout).toContain("larger than its source's byte cap");
    expect(result.stdout).toMatch(/nhse-news\s+5 MiB/);
    expect(result.stdout).toContain('count_mismatch');
    expect(result.stdout).toContain('--explain');
  });
});

describe('ics-lake parse: listing, lookups, population and GP files', () => {
  it('lists the 29 ICSs of December 2020 under their regions, every one resolved', async () => {
    const output = await parseJson(
      '--source',
      'nhse-ics-list',
      path.join(DEC_2020, 'www.england.nhs.uk/integratedcare/integrated-care-systems/index.html'),
    );
    expect(output.listing).toEqual({
      url: 'https://www.england.nhs.uk/integratedcare/integrated-care-systems/',
      title: 'Integrated care systems',
      stated_total: 29,
    });
    expect(output.records).toHaveLength(29);
    expect(new Set(output.records.map((record: { ics_code: string }) => record.ics_code)).size).toBe(29);
    expect(new Set(output.records.map((record: { region: string }) => record.region)).size).toBe(7);
    expect(output.records.filter((record: { ics_code: string | null }) => record.ics_code === null)).toEqual(
      [],
    );
  });

  it('exits 1 naming the missing region headings when the listing layout has drifted', async () => {
    const file = path.join(scratch, 'listing-drifted.html');
    await writeFile(
      file,
      '<html><body><main><h1>Integrated care</h1><h2>Our partners</h2></main></body></html>',
    );
    const result = await parse('--source', 'nhse-ics-list', file);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nhse-ics-list: expected region headings');
  });

  it('prints a lookup CSV as its rows with the vintage', async () => {
    const output = await parseJson(
      '--source',
      'ons-code-lookups',
      path.join(
        JUL_2022,
        'hub.arcgis.com/api/v3/datasets/4137a666fbd5bbe34fb977def5bb7962_0/downloads/data-format-csv.csv',
      ),
    );
    expect(output.lookup).toEqual({ kind: 'lookup', vintage: 'CCG20' });
    expect(output.records[0]).toEqual({
      vintage: 'CCG20',
      sub_icb_code: '07L',
      sub_icb_ons_code: 'E38000004',
      sub_icb_name: 'NHS Barking and Dagenham CCG',
      icb_code: 'QMF',
      icb_ons_code: 'E54000029',
      icb_name: 'East London Health and Care Partnership',
      region_code: 'Y56',
      region_ons_code: 'E40000003',
      region_name: 'London',
    });
  });

  it('exits 1 naming the missing column of a drifted lookup', async () => {
    const result = await parse(
      '--source',
      'ons-code-lookups',
      path.join(FIXTURES, 'lookup-missing-icb-code.csv'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ics-lake parse: ons-code-lookups: .*expected column STP20CDH/);
  });

  it('prints ONS population rows with their mid-year reference date', async () => {
    const output = await parseJson(
      '--source',
      'ons-population',
      path.join(
        JUL_2022,
        'www.ons.gov.uk/file/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates/mid2019ccg2020/ccg2020mid2019populationestimates.csv',
      ),
    );
    expect(output.records.length).toBeGreaterThan(100);
    expect(output.records[0]).toMatchObject({ reference_date: '2019-06-30' });
    expect(output.records.every((row: { all_ages: number }) => row.all_ages > 0)).toBe(true);
  });

  it('prints the per-sub-ICB aggregate of a zipped GP registrations file', async () => {
    const output = await parseJson(
      '--source',
      'nhsd-gp-registrations',
      path.join(JUL_2022, 'files.digital.nhs.uk/41/C8F934/gp-reg-pat-prac-all.zip'),
    );
    expect(output.archive_entry).toBe('gp-reg-pat-prac-all.csv');
    expect(output.aggregate.extract_date).toBe('2022-07-01');
    const summed = output.aggregate.totals.reduce(
      (sum: number, total: { patients: number }) => sum + total.patients,
      0,
    );
    expect(output.aggregate.total_patients).toBe(summed);
    // England had a little over 62 million registered patients in July 2022.
    expect(output.aggregate.total_patients).toBeGreaterThan(60_000_000);
    expect(output.aggregate.total_patients).toBeLessThan(64_000_000);
  });
});

describe('ics-lake parse: help and URLs', () => {
  it('lists every catalogue source id in --help', async () => {
    const result = await parse('--help');
    expect(result.code).toBe(0);
    for (const entry of catalogue) expect(result.stdout).toContain(entry.id);
  });

  it('falls back to a file:// URL for a file outside any snapshot', async () => {
    const file = path.join(scratch, 'page.html');
    await writeFile(file, '<html></html>');
    expect(await documentUrlFor(file)).toBe(pathToFileURL(file).toString());
  });
});
