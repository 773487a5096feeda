import * as cheerio from 'cheerio';
import { sha256Hex } from '../lake/rows.ts';
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

/** Raise when discoverLinks could choose different links from the same page: links cached by older code are then found again. */
const DISCOVERY_VERSION = 1;

/**
 * What the links a step finds on a page depend on, besides the page's bytes: the step's rules, the URL the page was
 * served from (relative links resolve against it) and this module's version. Links cached under one key are the
 * links discoverLinks gives for the same bytes.
 */
export function discoveryKey(step: DiscoveryStep, pageUrl: string): string {
  const rules = [
    DISCOVERY_VERSION,
    pageUrl,
    step.selector,
    step.hrefPattern,
    step.textPattern ?? null,
    step.maxLinks,
  ];
  return sha256Hex(JSON.stringify(rules)).slice(0, 32);
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
