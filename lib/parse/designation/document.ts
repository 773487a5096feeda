import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import { collapseWhitespace } from '../text.ts';

/**
 * The article inside a page: its content root, the furniture inside it marked (not deleted, so `--explain` can
 * say why a name there did not count), quotations marked, and the headline and standfirst found around it.
 */

/** Where an article's own text usually lives, most specific first. */
const CONTENT_ROOTS = [
  '[itemprop="articleBody"]',
  '.entry-content',
  '[class*="story__body"], [class*="story-body"], [class*="article__body"], [class*="article-body"]',
  '[class*="post-content"], [class*="post-body"], [class*="post__content"], [class*="content-body"]',
  'main article',
  'article',
  'main, [role="main"]',
  '#content, #main, #main-content, .main-content',
  'body',
];

/** Where a content root never is: asides, menus, related stories, promotions (a card of another story). */
const NEVER_ROOT =
  'aside, nav, footer, [role="navigation"], [role="complementary"], [class*="related"], [class*="sidebar"], [class*="menu"], [id*="menu"], [class*="promo"], [class*="widget"]';

/** Elements that never carry article text. */
// (A <button> keeps its text: accordions put their section names in one.)
const NEVER_TEXT = 'script, style, noscript, template, img, svg, iframe, input, select, form';

/** Page furniture that can sit inside an article: each with the label `--explain` gives it. */
const FURNITURE: readonly (readonly [string, string])[] = [
  ['nav, [role="navigation"], [class*="breadcrumb"], [class*="on-this-page"], [class*="toc"]', 'navigation'],
  ['[class*="menu"], [id*="menu"], [class*="navbar"], [class*="navigation"]', 'navigation'],
  ['[class*="related"], [class*="read-more"], [class*="readmore"], [class*="most-read"]', 'related stories'],
  ['[class*="more-on"], [class*="you-may"], [class*="see-also"]', 'related stories'],
  ['[class*="job"], [class*="vacanc"], [class*="career"]', 'job advert'],
  ['[class*="advert"], [class*="ad-slot"], [class*="sponsor"], [class*="promo"]', 'advertisement'],
  ['[class*="newsletter"], [class*="subscribe"], [class*="signup"]', 'newsletter box'],
  ['[class*="cookie"], [class*="consent"]', 'cookie banner'],
  ['[class*="share"], [class*="social"], [class*="tags"]', 'sharing links'],
  ['[class*="byline"], [class*="author"], [class*="post-date"], [class*="meta"]', 'byline'],
  ['[class*="paywall"], [class*="register"]', 'registration wall'],
  ['[class*="sidebar"], [class*="widget"], [hidden], [aria-hidden="true"]', 'sidebar'],
  ['[style*="display:none"], [style*="display: none"]', 'hidden text'],
  // When no article element exists the root is the body: its banner and footer are not the article.
  [
    '[role="banner"], [role="contentinfo"], [class*="masthead"], [class*="site-header"], footer',
    'page header or footer',
  ],
];

/** Elements that always hold what someone said. */
const SPEECH_ELEMENTS = 'q, [class*="testimonial"]';
/** Elements styled as quotations, which also serve as highlight panels: a quotation only when they hold speech. */
const QUOTE_STYLED = 'blockquote, [class*="quote"]';
// Speech: quotation marks, a speech verb, or an attribution ("— Jane Smith", <cite>).
const SPEECH =
  /[“”„«»]|"[^"]+"|\b(?:said|says|say|told|tells|added|adds|explained|commented|according to)\b/i;
const ATTRIBUTION = 'cite, footer, figcaption, [class*="attribution"], [class*="author"]';

/** Attribute carrying the furniture label of an element inside the content root. */
export const FURNITURE_ATTRIBUTE = 'data-furniture';
/** Attribute marking a quotation inside the content root. */
export const QUOTE_ATTRIBUTE = 'data-quote';

/** A page read as an article. */
export interface ArticleDocument {
  $: cheerio.CheerioAPI;
  root: cheerio.Cheerio<Element>;
  headline: string;
  /** The headline element when it sits inside the content root (it is then not read again as a heading). */
  headlineElement: Element | null;
  /** Standfirst or introduction paragraphs found outside the content root. */
  standfirst: string[];
}

// What only the page's story holds: an element around it lays the page out ("content-sidebar-wrap"), whatever
// its class says.
const HOLDS_STORY = 'main, [role="main"], [itemprop="articleBody"]';

/**
 * Whether an element is, or sits inside, a place no article lives (the page's <html> and <body> aside). A
 * wrapper that holds the story's headline or main region is layout, not an aside, whatever its class.
 */
function outsideStory($: cheerio.CheerioAPI, element: Element, headline: Element | null): boolean {
  const aside = (candidate: Element) =>
    $(candidate).is(NEVER_ROOT) &&
    $(candidate).find(HOLDS_STORY).length === 0 &&
    !(headline && $(candidate).has(headline).length > 0);
  if (element.name !== 'body' && aside(element)) return true;
  return (
    $(element)
      .parentsUntil('body')
      .toArray()
      .filter((parent) => aside(parent as Element)).length > 0
  );
}

/** The content root: for the most specific kind of root the page has, the one holding the most text. */
function findRoot($: cheerio.CheerioAPI, headline: Element | null): cheerio.Cheerio<Element> {
  const length = (element: Element) => collapseWhitespace($(element).text()).length;
  for (const selector of CONTENT_ROOTS) {
    const found = ($(selector).toArray() as Element[])
      .filter((element) => length(element) > 0 && !outsideStory($, element, headline))
      .sort((a, b) => length(b) - length(a))[0];
    if (found) return $(found) as cheerio.Cheerio<Element>;
  }
  return $.root().children().first() as cheerio.Cheerio<Element>;
}

/** Whether at least half of an element's text is the text of its links. */
function isMostlyLinks(element: cheerio.Cheerio<Element>): boolean {
  const text = collapseWhitespace(element.text()).length;
  const linked = element
    .find('a')
    .toArray()
    .reduce((sum, link) => sum + collapseWhitespace(element.find(link).text()).length, 0);
  return text === 0 || linked * 2 >= text;
}

/**
 * Whether a quotation-styled element holds speech (quotation marks, a speech verb, an attribution line or
 * element), rather than being a panel that highlights the article's own text (a list of the new systems).
 */
function holdsSpeech(element: cheerio.Cheerio<Element>): boolean {
  if (SPEECH.test(element.text()) || element.find(ATTRIBUTION).length > 0) return true;
  const lines = element
    .find('p, div, span, br')
    .toArray()
    .map((line) => element.find(line).text());
  return lines.some((line) => /^\s*[—–―-]\s*\p{Lu}/u.test(line));
}

/** Whether a short text reads as a proper name only: every word capitalised but connectives ("Humber, Coast and Vale"). */
function isNameOnly(text: string): boolean {
  const words = text.split(/[\s,]+/).filter(Boolean);
  return (
    words.length <= 8 &&
    words.every((word) => /^(?:and|the|of|with|&)$/i.test(word) || /^[\p{Lu}\d]/u.test(word))
  );
}

function markContainers(root: cheerio.Cheerio<Element>): void {
  root.find(NEVER_TEXT).remove();
  // Footnote markers ("Devon<sup>1</sup>") are not part of the words they follow.
  root.find('sup').each((_, element) => {
    if (/^[\s\d*†‡,[\]()]*$/.test(root.find(element).text())) root.find(element).remove();
  });
  for (const [selector, label] of FURNITURE) {
    root.find(selector).each((_, element) => {
      if (!element.attribs[FURNITURE_ATTRIBUTE]) element.attribs[FURNITURE_ATTRIBUTE] = label;
    });
  }
  // An aside inside the article is furniture when it is mostly links (related stories, "more on"); a box of
  // plain text (a fact box, "Key facts: the first wave") is part of the story.
  root.find('aside').each((_, element) => {
    if (isMostlyLinks(root.find(element))) element.attribs[FURNITURE_ATTRIBUTE] ??= 'sidebar';
  });
  root.find(SPEECH_ELEMENTS).each((_, element) => {
    element.attribs[QUOTE_ATTRIBUTE] = 'true';
  });
  root.find(QUOTE_STYLED).each((_, element) => {
    if (holdsSpeech(root.find(element))) element.attribs[QUOTE_ATTRIBUTE] = 'true';
  });
  // A heading that is wholly a link is a teaser for another page (news indexes, "more on" cards), unless it is only
  // a name (a card linking to each new system's own page).
  root.find('h1, h2, h3, h4, h5, h6').each((_, element) => {
    const heading = root.find(element);
    const link = heading.children('a');
    const text = collapseWhitespace(heading.text());
    if (link.length === 1 && collapseWhitespace(link.text()) === text && !isNameOnly(text)) {
      element.attribs[FURNITURE_ATTRIBUTE] ??= 'link to another story';
    }
  });
}

// Where a site puts its own name in an <h1>: the masthead, the logo.
const MASTHEAD =
  'header.site-header, [role="banner"], [class*="logo"], [class*="masthead"], [class*="site-title"], [class*="site-branding"]';

function readHeadline($: cheerio.CheerioAPI): { text: string; element: Element | null } {
  const story = (selector: string) =>
    ($(selector).toArray() as Element[]).find(
      (h1) => $(h1).closest(MASTHEAD).length === 0 && collapseWhitespace($(h1).text()).length > 0,
    );
  const h1 = story('main h1, article h1') ?? story('h1') ?? null;
  if (h1) return { text: collapseWhitespace($(h1).text()), element: h1 };
  const og = $('meta[property="og:title"]').attr('content');
  const title = og ?? $('title').first().text();
  // "NHS England » Title", "Title | NHS England", "Title - Healthcare Leader"
  const cleaned = collapseWhitespace(title)
    .replace(/^[^»]*»\s*/, '')
    .replace(/\s+[|–-]\s+[^|–-]+$/, '');
  return { text: cleaned, element: null };
}

const STANDFIRST =
  '[class*="standfirst"], [class*="intro"], [class*="dek"], [class*="summary"], [class*="lede"], [class~="lead"], [class*="lead-text"], [class*="__lead"]';

/** Read a page as an article: content root with furniture and quotations marked, headline and standfirst. */
export function readArticle(html: string): ArticleDocument {
  const $ = cheerio.load(html);
  const headline = readHeadline($);
  const root = findRoot($, headline.element);
  // A standfirst sits beside the content root, within the same article (never in a sidebar or menu).
  const article = root.parents('article, main').first();
  const standfirst = article
    .find(STANDFIRST)
    .toArray()
    .filter(
      (element) => root.has(element).length === 0 && $(element).has(root.get(0) as Element).length === 0,
    )
    .filter((element) => $(element).parents('aside, nav, header.site-header, footer').length === 0)
    .filter((element) => $(element).find(STANDFIRST).length === 0)
    .map((element) => collapseWhitespace($(element).text()))
    .filter((text) => text.split(' ').length >= 5);
  markContainers(root);
  const headlineElement = headline.element && root.has(headline.element).length > 0 ? headline.element : null;
  return { $, root, headline: headline.text, headlineElement, standfirst };
}
