import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { SourceLayoutError } from '../core/errors.ts';
import { IcsListing, type IcsListingEntry } from './records.ts';
import { collapseWhitespace, NUMBER_PATTERN, parseNumber } from './text.ts';

const SOURCE_ID = 'nhse-ics-list';

/** NHS England's seven regions (since April 2019), as they head the ICS groups on the listing page. */
export const NHS_REGION_HEADINGS = [
  'North West',
  'North East and Yorkshire',
  'South West',
  'South East',
  'Midlands',
  'East of England',
  'London',
] as const;

const MAINTENANCE = /\b(maintenance|temporarily unavailable|service unavailable|be back (?:soon|shortly))\b/i;

function normaliseHeading(text: string): string {
  return collapseWhitespace(text)
    .replace(/&/g, 'and')
    .replace(/\s*\(\d+\)\s*$/, '')
    .toLowerCase();
}

const REGION_BY_KEY = new Map(NHS_REGION_HEADINGS.map((region) => [region.toLowerCase(), region]));

/** True when a page is an error or maintenance page rather than content (often served with status 200). */
export function looksLikeMaintenancePage($: cheerio.CheerioAPI): boolean {
  const title = collapseWhitespace($('title').first().text());
  const heading = collapseWhitespace($('h1').first().text());
  return MAINTENANCE.test(title) || MAINTENANCE.test(heading);
}

/** The element holding a WordPress page's own content, without header, navigation, sidebar or footer. */
function contentRoot($: cheerio.CheerioAPI): cheerio.Cheerio<Element> {
  for (const selector of [
    'main#main-content article',
    'main article',
    'main#main-content',
    'main',
    '#content',
  ]) {
    const found = $(selector).first();
    if (found.length > 0) return found as cheerio.Cheerio<Element>;
  }
  return $('body') as cheerio.Cheerio<Element>;
}

/** Options for {@link parseIcsListing}. */
export interface ListingParseOptions {
  /**
   * Says whether a name is one of the bodies the gazetteer knows (every name form of every ICS and ICB). With it,
   * a table counts as the list of bodies only when most of its rows name one; without it, by its headers.
   */
  knownNames?: (name: string) => boolean;
}

// A column that names the bodies themselves (not "ICBs in the cluster").
const ENTITY_HEADER =
  /^(?:(?:nhs )?integrated care (?:boards?|systems?|partnerships?)|icbs?|icss?|name|organisation)$/i;
const REGION_HEADER = /\bregion\b/i;

/**
 * Parse NHS England's ICS listing page ("integrated care in your area" or its 2020-era predecessor), closed-world:
 * the bodies are the rows of a table of ICBs (name and region columns, as on the 2026 page) and the items of the
 * lists under the seven region headings (the earlier pages). Notes, clusters and the abolished ICBs never yield
 * entries. When the page states how many bodies there are, that many must be found: otherwise the page has
 * changed in a way this parser does not understand, and it fails rather than publish a partial list.
 */
export function parseIcsListing(html: string, url: string, options: ListingParseOptions = {}): IcsListing {
  const $ = cheerio.load(html);
  if (looksLikeMaintenancePage($)) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: expected the ICS listing page at ${url} but found a maintenance/error page titled "${collapseWhitespace($('title').text())}"`,
      SOURCE_ID,
      url,
    );
  }
  const root = contentRoot($);
  root.find('nav, aside, .breadcrumbs, .cookie-banner, script, style, form, .related-content').remove();
  const title = collapseWhitespace(root.find('h1').first().text() || $('h1').first().text());

  const headings = root.find('h2, h3, h4').toArray();
  const regionHeadings = headings.filter((heading) => REGION_BY_KEY.has(normaliseHeading($(heading).text())));
  const tableEntries = entriesFromTables($, root, url, options);
  if (regionHeadings.length === 0 && tableEntries.length === 0) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: expected region headings (${NHS_REGION_HEADINGS.join('; ')}) or a table of ICBs with a region column in the content of ${url} but found neither (headings: ${
        headings.map((heading) => `"${collapseWhitespace($(heading).text())}"`).join(', ') || 'none'
      })`,
      SOURCE_ID,
      url,
    );
  }
  const entries = [...tableEntries, ...entriesUnderRegionHeadings($, regionHeadings, url)];
  if (entries.length === 0) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: expected a list of ICSs under the region headings of ${url} but found no list items`,
      SOURCE_ID,
      url,
    );
  }

  const bodyText = collapseWhitespace(root.text());
  const totalMatch =
    new RegExp(
      `\\bthere (?:are|have been)(?: now)? (${NUMBER_PATTERN}) integrated care (?:systems|boards)\\b`,
      'i',
    ).exec(bodyText) ??
    new RegExp(`\\bthe (${NUMBER_PATTERN}) integrated care (?:systems|boards)\\b`, 'i').exec(bodyText);
  const statedTotal = totalMatch?.[1] ? parseNumber(totalMatch[1]) : null;
  const distinct = new Set(entries.map((entry) => entry.name_as_published.toLowerCase())).size;
  if (statedTotal !== null && distinct !== statedTotal) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: ${url} says there are ${statedTotal} integrated care systems or boards but ${distinct} were found in its lists and tables; not publishing a partial list`,
      SOURCE_ID,
      url,
    );
  }
  return IcsListing.parse({ url, title, stated_total: statedTotal, entries });
}

/** A region's ICSs are the list items between its heading and the next heading of any level. */
function entriesUnderRegionHeadings(
  $: cheerio.CheerioAPI,
  regionHeadings: readonly Element[],
  url: string,
): IcsListingEntry[] {
  const entries: IcsListingEntry[] = [];
  for (const heading of regionHeadings) {
    const region =
      REGION_BY_KEY.get(normaliseHeading($(heading).text())) ?? collapseWhitespace($(heading).text());
    for (let node: AnyNode | null = heading.nextSibling; node; node = node.nextSibling) {
      if (node.type !== 'tag') continue;
      if (/^h[1-6]$/.test(node.tagName)) break;
      if (node.tagName === 'table' || $(node).find('table').length > 0) continue;
      const items =
        node.tagName === 'ul' || node.tagName === 'ol' ? $(node).children('li') : $(node).find('li');
      for (const item of items.toArray()) {
        const link = $(item).find('a[href]').first();
        const name = collapseWhitespace(link.length > 0 ? link.text() : $(item).text());
        if (!name) continue;
        entries.push({
          region,
          name_as_published: name,
          href: hrefOf(link.attr('href'), url),
          evidence: collapseWhitespace($(item).text()),
        });
      }
    }
  }
  return entries;
}

/**
 * The rows of every table that lists the bodies: a column naming them (by its header, or - with known names - the
 * column most of whose cells are known bodies) and a region for each row (a region column, or the region heading
 * above the table). A region cell that is not one of the seven regions fails the page.
 */
function entriesFromTables(
  $: cheerio.CheerioAPI,
  root: cheerio.Cheerio<Element>,
  url: string,
  options: ListingParseOptions,
): IcsListingEntry[] {
  const entries: IcsListingEntry[] = [];
  for (const table of root.find('table').toArray()) {
    const headerCells = $(table).find('thead tr').first().find('th, td').toArray();
    const header = (
      headerCells.length > 0 ? headerCells : $(table).find('tr').first().find('th').toArray()
    ).map((cell) => collapseWhitespace($(cell).text()));
    const rows = $(table)
      .find('tr')
      .toArray()
      .filter((row) => $(row).children('td').length > 0);
    if (rows.length === 0) continue;
    const cellsOf = (row: Element) => $(row).children('td, th').toArray();
    const nameOf = (cell: Element | undefined): { name: string; href: string | null } => {
      if (!cell) return { name: '', href: null };
      const link = $(cell).find('a[href]').first();
      return {
        name: collapseWhitespace(link.length > 0 ? link.text() : $(cell).text()),
        href: hrefOf(link.attr('href'), url),
      };
    };
    let nameColumn = header.findIndex((text) => ENTITY_HEADER.test(text));
    const known = options.knownNames;
    if (known) {
      const knownShare = (column: number) =>
        rows.filter((row) => known(nameOf(cellsOf(row)[column]).name)).length / rows.length;
      if (nameColumn < 0) {
        const width = Math.max(...rows.map((row) => cellsOf(row).length));
        const best = Array.from({ length: width }, (_, column) => column).sort(
          (a, b) => knownShare(b) - knownShare(a) || a - b,
        )[0];
        if (best !== undefined) nameColumn = best;
      }
      if (nameColumn < 0 || knownShare(nameColumn) < 0.5) continue;
    }
    if (nameColumn < 0) continue;
    const regionColumn = header.findIndex((text) => REGION_HEADER.test(text));
    const headingRegion = regionAbove($, table);
    if (regionColumn < 0 && headingRegion === null) continue;
    rows.forEach((row, index) => {
      const cells = cellsOf(row);
      const { name, href } = nameOf(cells[nameColumn]);
      if (!name) return;
      let region = headingRegion;
      if (regionColumn >= 0) {
        const text = collapseWhitespace($(cells[regionColumn]).text());
        region = REGION_BY_KEY.get(normaliseHeading(text)) ?? null;
        if (region === null) {
          throw new SourceLayoutError(
            `${SOURCE_ID}: ${url}: row ${index + 1} of the ICB table names "${name}" with region "${text}", which is not one of the seven NHS England regions`,
            SOURCE_ID,
            url,
          );
        }
      }
      entries.push({
        region: region as string,
        name_as_published: name,
        href,
        evidence: cells
          .map((cell) => collapseWhitespace($(cell).text()))
          .filter(Boolean)
          .join(' | '),
      });
    });
  }
  return entries;
}

/** The region heading that the element sits under, or null. */
function regionAbove($: cheerio.CheerioAPI, element: Element): string | null {
  const headings = $(element).prevAll('h2, h3, h4').toArray();
  for (const heading of headings) {
    const region = REGION_BY_KEY.get(normaliseHeading($(heading).text()));
    if (region) return region;
    return null;
  }
  const container = $(element).parent().closest('div, section');
  return container.length > 0 && container[0] !== element
    ? regionAboveContainer($, container[0] as Element)
    : null;
}

function regionAboveContainer($: cheerio.CheerioAPI, element: Element): string | null {
  const heading = $(element).prevAll('h2, h3, h4').first();
  if (heading.length === 0) return null;
  return REGION_BY_KEY.get(normaliseHeading(heading.text())) ?? null;
}

function hrefOf(rawHref: string | undefined, url: string): string | null {
  if (!rawHref) return null;
  try {
    return new URL(rawHref, url).toString();
  } catch {
    return null;
  }
}
