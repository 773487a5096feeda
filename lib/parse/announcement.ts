/**
 * Designation announcements (NHS England news items, long reads, trade-press stories, partnership releases) ->
 * {@link Announcement}, by closed-world extraction (lib/parse/designation/):
 *
 * - every mention of a known ICS name (the gazetteer's names, aliases, abbreviations and short forms) in the
 *   article is found first, and each is then decided from its context: the headline and lead, the block it sits
 *   in, the block that introduces its list, and its clause. Quotations, page furniture, earlier or other
 *   systems and areas still to come are not designations;
 * - the page fails closed: a stated count that differs from the areas found throws `count_mismatch`, and a
 *   headline, lead or counted announcing paragraph ("Another four areas have now been designated") with no area
 *   found throws `layout_drift`, each with the areas found;
 * - `announced_on` comes from the page's metadata, `effective_from` from the designating wording. A date named
 *   only by its month is the first day of that month ("from December 2020" on 8 December 2020 is 2020-12-01,
 *   "from this month" the first of the page's month), with `effective_precision` `month`; "immediately" is the
 *   announcement date.
 */
import * as cheerio from 'cheerio';
import { SourceLayoutError } from '../core/errors.ts';
import type { Gazetteer } from '../reference/gazetteer.ts';
import {
  type DesignationCheckError,
  DesignationCountError,
  DesignationLayoutError,
} from './designation/errors.ts';
import { extractDesignations } from './designation/extract.ts';
import type { DesignationExtraction } from './designation/model.ts';
import { looksLikeMaintenancePage } from './listing.ts';
import type { Announcement } from './records.ts';
import { collapseWhitespace } from './text.ts';

/** Options for {@link parseAnnouncement}. */
export interface AnnouncementParseOptions {
  /** Catalogue source id for error messages; defaults from the URL's host (`trade-press` or `nhse-news`). */
  sourceId?: string;
  /** The closed world of ICS names the page is searched for. */
  gazetteer: Gazetteer;
}

function sourceIdFor(url: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  return new URL(url).hostname === 'healthcareleadernews.com' ? 'trade-press' : 'nhse-news';
}

/** Refuse an error or maintenance page served with status 200 before reading it as an article. */
function refuseMaintenancePage(html: string, url: string, sourceId: string): void {
  const $ = cheerio.load(html);
  if (!looksLikeMaintenancePage($)) return;
  const title = collapseWhitespace($('title').text());
  throw new SourceLayoutError(
    `${sourceId}: expected a news article at ${url} but found a maintenance/error page titled "${title}"`,
    sourceId,
    url,
  );
}

/** The one-line error for a page that failed closed, or null when it did not. */
export function failedClosed(extraction: DesignationExtraction): DesignationCheckError | null {
  const { outcome, source_id: sourceId, url, areas } = extraction;
  const message = `${sourceId}: ${outcome} at ${url}: ${extraction.problem ?? outcome}`;
  if (outcome === 'count_mismatch') return new DesignationCountError(message, sourceId, url, areas);
  if (outcome === 'layout_drift') return new DesignationLayoutError(message, sourceId, url, areas);
  return null;
}

/** Read one page with the closed-world extractor (maintenance pages refused first). */
export function readAnnouncementPage(
  html: string,
  url: string,
  options: AnnouncementParseOptions,
): DesignationExtraction {
  const sourceId = sourceIdFor(url, options.sourceId);
  refuseMaintenancePage(html, url, sourceId);
  return extractDesignations(html, url, { sourceId, gazetteer: options.gazetteer });
}

/**
 * Parse one news item or story: the designation announcement it makes, or null when the page designates nothing.
 * Throws {@link DesignationCountError} or {@link DesignationLayoutError} when the page fails closed, and
 * {@link SourceLayoutError} on a maintenance page.
 */
export function parseAnnouncement(
  html: string,
  url: string,
  options: AnnouncementParseOptions,
): Announcement | null {
  const extraction = readAnnouncementPage(html, url, options);
  const failure = failedClosed(extraction);
  if (failure) throw failure;
  return extraction.announcement;
}
