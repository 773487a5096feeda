import * as cheerio from 'cheerio';
import type { DiscoveryStep } from './catalogue.ts';

/** A link chosen by a discovery step. */
export interface DiscoveredLink {
  /** The absolute URL (resolved against the page, fragment removed). */
  url: string;
  /** The link text (or title attribute), whitespace collapsed. */
  text: string;
  /** The page the link was found on: the document's discovery parent. */
  parentUrl: string;
}

/**
 * Apply one discovery step to a page: resolve each selected link's href against the page URL (or its
 * `<base href>`), keep those matching the step's patterns, de-duplicate, and cap at `maxLinks` in document order.
 */
export function discoverLinks(html: string, pageUrl: string, step: DiscoveryStep): DiscoveredLink[] {
  const $ = cheerio.load(html);
  const hrefPattern = new RegExp(step.hrefPattern);
  const textPattern = step.textPattern === undefined ? undefined : new RegExp(step.textPattern, 'i');
  let base = pageUrl;
  const baseHref = $('base[href]').first().attr('href');
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // An unparseable <base> is ignored, as browsers do.
    }
  }
  const seen = new Set<string>();
  const links: DiscoveredLink[] = [];
  for (const element of $(step.selector).toArray()) {
    if (links.length >= step.maxLinks) break;
    const href = $(element).attr('href')?.trim();
    if (!href) continue;
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      continue;
    }
    url.hash = '';
    const absolute = url.href;
    if (!hrefPattern.test(absolute)) continue;
    const text = $(element).text().replace(/\s+/g, ' ').trim();
    const title = $(element).attr('title')?.replace(/\s+/g, ' ').trim() ?? '';
    if (textPattern && !textPattern.test(text) && !textPattern.test(title)) continue;
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    links.push({ url: absolute, text: text || title, parentUrl: pageUrl });
  }
  return links;
}
