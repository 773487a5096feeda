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

/** Parse NHS England's ICS listing page ("integrated care in your area" or its 2020-era predecessor). */
export function parseIcsListing(html: string, url: string): IcsListing {
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
  if (regionHeadings.length === 0) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: expected region headings (${NHS_REGION_HEADINGS.join('; ')}) in the content of ${url} but found none (headings: ${
        headings.map((heading) => `"${collapseWhitespace($(heading).text())}"`).join(', ') || 'none'
      })`,
      SOURCE_ID,
      url,
    );
  }

  const entries: IcsListingEntry[] = [];
  for (const heading of regionHeadings) {
    const region =
      REGION_BY_KEY.get(normaliseHeading($(heading).text())) ?? collapseWhitespace($(heading).text());
    // A region's ICSs are the list items between its heading and the next heading of any level.
    for (let node: AnyNode | null = heading.nextSibling; node; node = node.nextSibling) {
      if (node.type !== 'tag') continue;
      if (/^h[1-6]$/.test(node.tagName)) break;
      const items =
        node.tagName === 'ul' || node.tagName === 'ol' ? $(node).children('li') : $(node).find('li');
      for (const item of items.toArray()) {
        const link = $(item).find('a[href]').first();
        const name = collapseWhitespace(link.length > 0 ? link.text() : $(item).text());
        if (!name) continue;
        const rawHref = link.attr('href');
        entries.push({
          region,
          name_as_published: name,
          href: rawHref ? new URL(rawHref, url).toString() : null,
          evidence: collapseWhitespace($(item).text()),
        });
      }
    }
  }
  if (entries.length === 0) {
    throw new SourceLayoutError(
      `${SOURCE_ID}: expected a list of ICSs under the region headings of ${url} but found no list items`,
      SOURCE_ID,
      url,
    );
  }

  const bodyText = collapseWhitespace(root.text());
  const totalMatch =
    new RegExp(`\\bthere are now (${NUMBER_PATTERN}) integrated care systems\\b`, 'i').exec(bodyText) ??
    new RegExp(`\\bthe (${NUMBER_PATTERN}) integrated care (?:systems|boards)\\b`, 'i').exec(bodyText);
  const statedTotal = totalMatch?.[1] ? parseNumber(totalMatch[1]) : null;

  return IcsListing.parse({ url, title, stated_total: statedTotal, entries });
}
