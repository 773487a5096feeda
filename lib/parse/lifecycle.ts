import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import type { Gazetteer } from '../reference/gazetteer.ts';
import { type NameFormIndex, nameFormIndex } from '../reference/name-forms.ts';
import { findMentions } from './designation/mentions.ts';
import { type LifecycleClaim, LifecycleDocument, type LifecycleKind } from './records.ts';
import { collapseWhitespace, parseTextDate, splitSentences } from './text.ts';

/**
 * Lifecycle claims: sentences saying that ICBs were (or will be) established, abolished, merged or given a changed
 * boundary, from NHS England news and long-reads, ICB news pages, the trade press and the listing page.
 *
 * Closed world, through the same mention finder as designations (lib/parse/designation/mentions.ts over the
 * gazetteer's name forms, lib/reference/name-forms.ts): candidates are mentions of the bodies' own names, whole
 * footprints only; the sentence's wording then decides what it claims. Every name form is searched whatever the
 * page's date, because these sentences name boards before they exist ("will be called NHS West and North London
 * ICB"). Names are returned as printed; the normalise stage resolves them.
 */

export interface LifecycleParseOptions {
  /** The closed world of names to search. */
  gazetteer: Gazetteer;
}

const FURNITURE =
  'script, style, noscript, nav, aside, footer, form, .related, .related-news, .related-content, .nhse-related-news, .job-advert, .jobs, .job-board, .share, .nhse-share, .cookie-banner, .breadcrumbs, .newsletter-signup, .advert';
const CONTENT_ROOTS = [
  '[itemprop="articleBody"]',
  '.entry-content',
  'main article',
  'article',
  'main',
  'body',
];

// What a sentence says happened: the wording nearest the first body it names decides.
const ESTABLISHED =
  /\b(?:established|came into being|launch(?:es|ed)?|(?:was|were|been) (?:created|formed)|new (?:integrated care )?boards?\b|new ICBs?)\b/i;
const ABOLISHED = /\b(?:abolish(?:ed|es|ing)?|closes|closed|closure|ceased? to exist|dissolved|wound up)\b/i;
const BOUNDARY =
  /\b(?:boundary (?:has |was )?changed|boundary change|enlarged|also covers|continues with an enlarged|gains?|gained)\b/i;
const SUCCESSION =
  /\b(?:merg(?:e|ed|er|ers|es|ing)|bringing together|brings? together|replac(?:e|es|ed|ing)|takes? on the responsibilities|took over|successor|now part of|divided|split)\b/i;
const PLANNED =
  /\b(?:will|would|proposed?|proposes|expected|plans?|planned|planning|set to|due to|to take effect|intends?|could)\b/i;
// Clusters share leadership but leave bodies and boundaries as they are: they never yield a claim.
const CLUSTER =
  /\bclusters?\b|\bclustering\b|\bshared? (?:a )?(?:leadership|chair|chief executive)|\bsharing a\b/i;
/** A body named in a sentence: as printed, and where. */
export interface NameMention {
  name: string;
  start: number;
  end: number;
}

/** The whole-footprint bodies a sentence names, in order, each once (partial and ambiguous names are left out). */
export function mentionsIn(sentence: string, index: NameFormIndex): NameMention[] {
  const names: NameMention[] = [];
  for (const mention of findMentions(0, sentence, index)) {
    if (mention.ics_code === null || mention.partial || mention.repeats !== null) continue;
    if (names.some((known) => known.name === mention.text)) continue;
    names.push({ name: mention.text, start: mention.start, end: mention.end });
  }
  return names;
}

const CUES: readonly [LifecycleKind, RegExp][] = [
  ['established', ESTABLISHED],
  ['abolished', ABOLISHED],
  ['boundary_changed', BOUNDARY],
  ['succession', SUCCESSION],
];

/**
 * The kind of claim a sentence makes about the first body it names: the lifecycle wording nearest to that name
 * ("NHS Frimley ICB has been divided", "Twelve ICBs ... abolished ... while Frimley has been split"). A succession
 * needs two bodies.
 */
function kindOf(sentence: string, mentions: readonly NameMention[]): LifecycleKind | null {
  const subject = mentions[0];
  if (!subject) return null;
  let best: { kind: LifecycleKind; distance: number } | null = null;
  for (const [kind, cue] of CUES) {
    const pattern = new RegExp(cue.source, 'gi');
    for (let match = pattern.exec(sentence); match; match = pattern.exec(sentence)) {
      const start = match.index;
      const end = start + match[0].length;
      const distance =
        end <= subject.start ? subject.start - end : start >= subject.end ? start - subject.end : 0;
      if (best === null || distance < best.distance) best = { kind, distance };
    }
  }
  if (best === null) return null;
  return best.kind === 'succession' && mentions.length < 2 ? null : best.kind;
}

/** Whether most of an element's text is link text: a list of links is navigation, not a statement. */
function mostlyLinks($: cheerio.CheerioAPI, element: Element): boolean {
  const text = collapseWhitespace($(element).text()).length;
  const links = $(element)
    .find('a')
    .toArray()
    .reduce((sum, link) => sum + collapseWhitespace($(link).text()).length, 0);
  return text > 0 && links / text > 0.5;
}

/** The text blocks a page's claims are read from: headline, paragraphs, list items (with their intro), table rows. */
function blocksOf($: cheerio.CheerioAPI, root: cheerio.Cheerio<Element>): string[] {
  const blocks: string[] = [];
  for (const element of root.find('h1, h2, h3, p, li, tr').toArray()) {
    const $element = $(element);
    if (element.tagName !== 'tr' && mostlyLinks($, element)) continue;
    if (element.tagName === 'tr') {
      const cells = $element
        .children('td, th')
        .toArray()
        .map((cell) => collapseWhitespace($(cell).text()))
        .filter(Boolean);
      if ($element.children('td').length > 0) blocks.push(cells.join(' | '));
      continue;
    }
    if (element.tagName === 'p' && $element.closest('li, td').length > 0) continue;
    const text = collapseWhitespace($element.text());
    if (text.length === 0) continue;
    if (element.tagName === 'li') {
      const intro = collapseWhitespace($element.parent().prevAll('p').first().text());
      blocks.push(intro.length > 0 && /:\s*$/.test(intro) ? `${intro.replace(/:\s*$/, '')}: ${text}` : text);
      continue;
    }
    blocks.push(text);
  }
  return blocks;
}

function publishedOn($: cheerio.CheerioAPI): string | null {
  const candidates = [
    $('meta[property="article:published_time"]').attr('content'),
    $('time[datetime]').first().attr('datetime'),
    $('meta[name="date"]').attr('content'),
  ];
  for (const candidate of candidates) {
    const parsed = candidate ? parseTextDate(candidate) : null;
    if (parsed?.precision === 'day') return parsed.iso;
  }
  return null;
}

function claimsOf(block: string, index: NameFormIndex, published: string | null): LifecycleClaim[] {
  const claims: LifecycleClaim[] = [];
  for (const sentence of splitSentences(block)) {
    if (CLUSTER.test(sentence)) continue;
    const mentions = mentionsIn(sentence, index);
    if (mentions.length === 0) continue;
    const kind = kindOf(sentence, mentions);
    if (kind === null) continue;
    const date = parseTextDate(sentence);
    const effective =
      date?.precision === 'day' ? date.iso : /\btoday\b/i.test(sentence) && published ? published : null;
    claims.push({
      kind,
      tense: PLANNED.test(sentence) ? 'planned' : 'reported',
      names_as_published: mentions.map((mention) => mention.name),
      effective_from: effective,
      evidence: sentence,
    });
  }
  return claims;
}

/** Every lifecycle claim of one page. Never throws on a page that simply has none. */
export function parseLifecycleClaims(
  html: string,
  url: string,
  options: LifecycleParseOptions,
): LifecycleDocument {
  const $ = cheerio.load(html);
  const root = (CONTENT_ROOTS.map((selector) => $(selector).first()).find((found) => found.length > 0) ??
    $('body')) as cheerio.Cheerio<Element>;
  const title = collapseWhitespace($('h1').first().text() || $('title').first().text());
  root.find(FURNITURE).remove();
  const index = nameFormIndex(options.gazetteer, null);
  const published = publishedOn($);
  const seen = new Set<string>();
  const claims = blocksOf($, root)
    .flatMap((block) => claimsOf(block, index, published))
    .filter((claim) => {
      const key = `${claim.kind}|${claim.evidence}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return LifecycleDocument.parse({ url, title, published_on: published, claims });
}
