import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SourceLayoutError } from '../../lib/core/errors.ts';
import { parseIcsListing } from '../../lib/parse/listing.ts';
import { IcsListing } from '../../lib/parse/records.ts';
import { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';

const SNAPSHOTS = new URL('../../snapshots/', import.meta.url);
const FIXTURES = new URL('../fixtures/announcements/', import.meta.url);
const IN_YOUR_AREA = 'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/';
const ICS_2020 = 'https://www.england.nhs.uk/integratedcare/integrated-care-systems/';

function listingResources(date: string): SnapshotResource[] {
  return SnapshotResource.array().parse(
    JSON.parse(readFileSync(new URL(`${date}/resources/nhse-ics-list.json`, SNAPSHOTS), 'utf8')),
  );
}

function listingPage(date: string): { url: string; html: string } {
  const page = listingResources(date).find((resource) => resource.file);
  if (!page?.file) throw new Error(`no listing page in snapshot ${date}`);
  return { url: page.url, html: readFileSync(new URL(`${date}/${page.file}`, SNAPSHOTS), 'utf8') };
}

const EXPECTED_COUNTS: [string, number][] = [
  ['2020-06-15', 18],
  ['2020-12-14', 29],
  ['2021-04-12', 42],
  ['2022-07-20', 42],
];

describe('parseIcsListing', () => {
  for (const [date, count] of EXPECTED_COUNTS) {
    it(`reads all ${count} ICSs with region, link and name from the ${date} listing page`, () => {
      const { url, html } = listingPage(date);
      const listing = parseIcsListing(html, url);
      const golden = JSON.parse(
        readFileSync(new URL(`listing-golden/${date}.golden.json`, FIXTURES), 'utf8'),
      );
      expect(listing).toEqual(golden);
      expect(listing.entries).toHaveLength(count);
      expect(listing.stated_total).toBe(count);
      expect(IcsListing.parse(listing)).toEqual(listing);
    });
  }

  it('groups the ICSs under the seven NHS England regions', () => {
    const { url, html } = listingPage('2021-04-12');
    const regions = [...new Set(parseIcsListing(html, url).entries.map((entry) => entry.region))];
    expect(regions).toEqual([
      'North West',
      'North East and Yorkshire',
      'South West',
      'South East',
      'Midlands',
      'East of England',
      'London',
    ]);
  });

  it('does not list the areas still working towards ICS status on the 2020 page', () => {
    const { url, html } = listingPage('2020-06-15');
    expect(html).toContain('Cheshire and Merseyside Health and Care Partnership');
    const names = parseIcsListing(html, url).entries.map((entry) => entry.name_as_published);
    expect(names).not.toContain('Cheshire and Merseyside Health and Care Partnership');
  });

  it('in 2020 answers the in-your-area address with a redirect to the integrated care systems page', () => {
    for (const date of ['2020-06-15', '2020-12-14']) {
      expect(listingResources(date)).toContainEqual(
        expect.objectContaining({ url: IN_YOUR_AREA, status: 302, location: ICS_2020 }),
      );
    }
    for (const date of ['2021-04-12', '2022-07-20']) expect(listingPage(date).url).toBe(IN_YOUR_AREA);
  });

  it('throws SourceLayoutError naming the source, the URL and the missing region headings when they are gone', () => {
    const { url, html } = listingPage('2021-04-12');
    const drifted = html.replace(/<h3>([^<]+)<\/h3>/g, '<p class="region">$1</p>');
    const attempt = () => parseIcsListing(drifted, url);
    expect(attempt).toThrow(SourceLayoutError);
    expect(attempt).toThrow(/nhse-ics-list: expected region headings/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ sourceId: 'nhse-ics-list', url });
    }
  });

  it('throws SourceLayoutError when the region headings have no list of ICSs under them', () => {
    const { url, html } = listingPage('2022-07-20');
    const drifted = html.replace(/<ul class="ics-list">[\s\S]*?<\/ul>/g, '<div class="ics-map-only"></div>');
    expect(() => parseIcsListing(drifted, url)).toThrow(/nhse-ics-list: expected a list of ICSs/);
  });

  it('throws SourceLayoutError on a maintenance page served with status 200', () => {
    const html = readFileSync(new URL('maintenance.html', FIXTURES), 'utf8');
    expect(() => parseIcsListing(html, IN_YOUR_AREA)).toThrow(/nhse-ics-list: .*maintenance/);
  });

  describe('the redesigned pages of 2025 and 2026 (closed world)', () => {
    const known = (name: string) => /Integrated Care Board$/.test(name);

    it('reads the 36 ICBs of the April 2026 table with their region column, not the cluster notes or the abolished list', () => {
      const { url, html } = listingPage('2026-04-20');
      for (const options of [{}, { knownNames: known }]) {
        const listing = parseIcsListing(html, url, options);
        expect(listing.stated_total).toBe(36);
        expect(listing.entries).toHaveLength(36);
        expect(new Set(listing.entries.map((entry) => entry.region)).size).toBe(7);
        const names = listing.entries.map((entry) => entry.name_as_published);
        expect(names).toContain('NHS Central East Integrated Care Board');
        expect(names.some((name) => /Frimley|Surrey Heartlands/.test(name))).toBe(false);
        expect(
          listing.entries.find((entry) => entry.name_as_published.includes('Black Country')),
        ).toMatchObject({
          region: 'Midlands',
          href: 'https://www.healthierfutures.org.uk/',
          evidence: expect.stringContaining('cluster'),
        });
      }
      const golden = JSON.parse(
        readFileSync(new URL('listing-golden/2026-04-20.golden.json', FIXTURES), 'utf8'),
      );
      expect(parseIcsListing(html, url)).toEqual(golden);
    });

    it('reads the 42 ICBs under region headings of the 2025 page and ignores its table of clusters', () => {
      const { url, html } = listingPage('2025-10-15');
      const listing = parseIcsListing(html, url, { knownNames: known });
      expect(listing.entries).toHaveLength(42);
      expect(
        listing.entries.every((entry) => entry.name_as_published.endsWith('Integrated Care Board')),
      ).toBe(true);
    });

    it('fails closed when a row goes missing from the table the page says holds 36 ICBs', () => {
      const { url, html } = listingPage('2026-04-20');
      const drifted = html.replace(
        /<tr class="nhsuk-table__row">\s*<td[^>]*><a href="https:\/\/www\.onedevon[\s\S]*?<\/tr>/,
        '',
      );
      expect(drifted).not.toBe(html);
      expect(() => parseIcsListing(drifted, url)).toThrow(SourceLayoutError);
      expect(() => parseIcsListing(drifted, url)).toThrow(/says there are 36 .* but 35 were found/);
    });

    it('fails closed on a region cell that is not one of the seven regions', () => {
      const { url, html } = listingPage('2026-04-20');
      const drifted = html.replace('>South West</td>', '>Wessex</td>');
      expect(() => parseIcsListing(drifted, url)).toThrow(/region "Wessex", which is not one of the seven/);
    });

    it('keeps a row whose name no lookup knows, for the normalise stage to report', () => {
      const { url, html } = listingPage('2026-04-20');
      const renamed = html.replace(
        '>NHS Essex Integrated Care Board<',
        '>NHS Greater Essex Integrated Care Board<',
      );
      const names = parseIcsListing(renamed, url, { knownNames: known }).entries.map(
        (e) => e.name_as_published,
      );
      expect(names).toContain('NHS Greater Essex Integrated Care Board');
    });
  });

  it('reports no stated total when the page does not state one', () => {
    const { url, html } = listingPage('2021-04-12');
    const withoutTotal = html.replace(
      'The 42 integrated care systems (ICSs) in England',
      'Integrated care systems',
    );
    expect(parseIcsListing(withoutTotal, url).stated_total).toBeNull();
  });
});
