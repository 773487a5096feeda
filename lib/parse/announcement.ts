/**
 * Designation announcements (NHS England news items, trade-press stories) -> {@link Announcement}.
 *
 * Decisions, so that downstream code can rely on them:
 * - Areas come only from the article body (furniture, quotes, related stories and job adverts are dropped
 *   first) and only from designation wording: a list (`ul`/`ol`) introduced by a paragraph that promises
 *   one ("... are:", "the following ..."), or a sentence that designates inline (after a colon, between
 *   dashes, or as the subject of "will become / have been designated"). Sentences about existing, earlier or
 *   not-yet-designated systems ("already", "last year", "working towards") never yield areas.
 * - June 2017 "shadow accountable care systems" ARE treated as designations: they were renamed integrated
 *   care systems in 2018 and form NHS England's first wave; both the eight ACS areas and the two devolution
 *   areas (Greater Manchester, Surrey Heartlands) listed as joining them are extracted. A passing mention of
 *   Greater Manchester's devolution deal elsewhere is not.
 * - The July 2022 item (ICBs becoming statutory) is not a designation: it names no area being designated,
 *   so it parses to null; the statutory date belongs to the ICB lookups, not to this parser.
 * - `effective_from` comes from "from/on <date>" in designation wording; "immediately" means the
 *   announcement date; a month-only date ("from December 2020") means the first of that month, but never
 *   earlier than the announcement itself (so 8 December 2020 for NHS England's December 2020 release).
 */
import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import { SourceLayoutError } from '../core/errors.ts';
import { looksLikeMaintenancePage } from './listing.ts';
import { type AnnouncedArea, Announcement, type PublishedStatement } from './records.ts';
import {
  collapseWhitespace,
  NUMBER_PATTERN,
  parseNumber,
  parseTextDate,
  QUALIFIER_PATTERN,
  qualifierOf,
  splitSentences,
} from './text.ts';

/** Options for {@link parseAnnouncement}. */
export interface AnnouncementParseOptions {
  /** Catalogue source id for error messages; defaults from the URL's host (`trade-press` or `nhse-news`). */
  sourceId?: string;
  /**
   * Says whether a candidate name is a known ICS/STP name (supplied by the caller from the gazetteer). Used
   * only to decide where to split inline lists such as "A, B and C, D and E"; without it ambiguous inline
   * lists are kept as one unsplit name, which then fails resolution and is reported rather than guessed.
   */
  knownNames?: (name: string) => boolean;
}

// Wording that makes a sentence or list introduction a designation statement.
const DESIGNATION_VERB =
  /\b(?:(?:formally |officially )?designated|designation as|become|becoming|join|joins|joined|joining|named as|been named|confirmed as|approved as|will operate as|begin work as|start work as)\b/i;
const ICS_TERM = /\b(?:integrated care systems?|ICSs?|accountable care systems?)\b/i;
// Wording that says the places named are not the ones being designated now.
const NOT_THIS_WAVE =
  /\b(?:existing|already|previously|earlier|working towards|yet to|still to|aspiring|next wave|will follow|last year)\b/i;
// A paragraph that promises a list of the designated areas.
const LIST_PROMISE = /(?::\s*$|\bthe following\b|\bare as follows\b)/i;
const QUOTE_MARK = /[“”"]|^[‘']/;
const TOTAL_CUE =
  /\b(?:in all|in total|altogether|overall|there are now|now cover\w*|(?:is|are) now covered|all of England|every part of|whole of England|(?:brings?|bringing|takes?|taking) the (?:total|number))\b/i;
const WAVE_CUE =
  /\b(?:combined|between them|together|these (?:areas|systems)|the new (?:systems|ICSs|areas)|serving|serve)\b/i;
// A figure that leaves part of the wave out ("excluding Greater Manchester") describes neither wave nor total.
const PARTIAL_CUE = /\b(?:excluding|apart from|except|alone)\b/i;
const SYSTEM_NOUN_WORDS = 'integrated care systems|ICSs|accountable care systems';
const SYSTEM_NOUN = `(?:${SYSTEM_NOUN_WORDS})`;
const FURNITURE =
  'script, style, noscript, nav, aside, header, footer, form, figure, blockquote, q, .related, .related-news, .related-content, .related-stories, .job-advert, .jobs, .job-board, .ad-slot, .advert, .advertisement, .newsletter-signup, .cookie-banner, .share, .social-share, .tags, .byline';
const CONTENT_ROOTS = [
  '[itemprop="articleBody"]',
  '.entry-content',
  '.story__body',
  '.article-body',
  'main article',
  'article',
  'main',
];
const SUBJECT_REJECT =
  /\b(?:that|today|said|says|announced|confirmed|areas?|systems?|parts?|country|they|these|which|who|the|NHS)\b/i;

function sourceIdFor(url: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  return new URL(url).hostname === 'healthcareleadernews.com' ? 'trade-press' : 'nhse-news';
}

function readPublishedDate($: cheerio.CheerioAPI): string | null {
  const candidates: string[] = [];
  const meta = $('meta[property="article:published_time"]').attr('content');
  if (meta) candidates.push(meta);
  const time = $('main time[datetime], article time[datetime]').first().attr('datetime');
  if (time) candidates.push(time);
  for (const element of $('.published, .story__date, .posted-on, .entry-date, .date').toArray()) {
    candidates.push($(element).text());
  }
  const published = /Published:?\s+(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})/.exec(
    collapseWhitespace($('main').text() || $('body').text()),
  );
  if (published?.[1]) candidates.push(published[1]);
  for (const candidate of candidates) {
    const date = parseTextDate(candidate);
    if (date?.precision === 'day') return date.iso;
  }
  return null;
}

/** The stated number of areas in a designation sentence ("11 more parts", "four new ICSs"), if any. */
function statedAreaCount(sentence: string): { value: number; index: number } | null {
  const match = new RegExp(
    `\\b(${NUMBER_PATTERN})\\s+(?:(?:new|more|further|additional|final|remaining|shadow|other|local)\\s+)*(?:ICS\\s+)?(?:areas|systems|partnerships|${SYSTEM_NOUN_WORDS}|parts of (?:the country|England))\\b`,
    'i',
  ).exec(sentence);
  if (!match?.[1]) return null;
  const value = parseNumber(match[1]);
  return value === null ? null : { value, index: match.index };
}

function cleanName(text: string): string {
  return collapseWhitespace(text)
    .replace(/^(?:and|&)\s+/i, '')
    .replace(/[\s.;,:]+$/, '')
    .trim();
}

/** Every way to cut a token list into contiguous groups (bounded: lists are short). */
function* segmentations(tokens: string[], separators: string[]): Generator<string[]> {
  const cuts = tokens.length - 1;
  for (let mask = 0; mask < 1 << cuts; mask++) {
    const groups: string[] = [];
    let current = tokens[0] ?? '';
    for (let index = 0; index < cuts; index++) {
      if (mask & (1 << index)) {
        groups.push(current);
        current = tokens[index + 1] ?? '';
      } else {
        current += (separators[index] ?? ' ') + (tokens[index + 1] ?? '');
      }
    }
    groups.push(current);
    yield groups;
  }
}

/**
 * Split an inline list ("A, B and C") into names. Semicolons split unambiguously. Otherwise names may
 * themselves contain commas and "and", so a split is accepted only when every piece is a known name, or
 * when a plain split at every comma/"and" gives exactly the stated number of areas; else the list stays
 * whole (and is reported downstream as unresolved rather than guessed).
 */
export function splitInlineList(
  listText: string,
  expectedCount: number | null,
  knownNames?: (name: string) => boolean,
): string[] {
  const text = cleanName(listText);
  if (text.includes(';'))
    return text
      .split(/\s*;\s*/)
      .map(cleanName)
      .filter(Boolean);
  const parts = text.split(/(,\s+and\s+|,\s+|\s+and\s+|\s+&\s+)/);
  const tokens = parts.filter((_, index) => index % 2 === 0).map((token) => token.trim());
  const separators = parts.filter((_, index) => index % 2 === 1);
  if (knownNames && tokens.length <= 16) {
    let best: string[] | null = null;
    for (const groups of segmentations(tokens, separators)) {
      const names = groups.map(cleanName);
      if (!names.every((name) => knownNames(name))) continue;
      const better =
        best === null ||
        (expectedCount !== null && names.length === expectedCount && best.length !== expectedCount) ||
        ((expectedCount === null || (names.length === expectedCount) === (best.length === expectedCount)) &&
          names.length < best.length);
      if (better) best = names;
    }
    if (best) return best;
  }
  if (expectedCount !== null && tokens.length === expectedCount) return tokens.map(cleanName);
  return [text];
}

/** The part of a designation sentence that lists the areas, if the sentence lists them inline. */
function inlineListText(sentence: string): string | null {
  const trimTail = (text: string) =>
    text.replace(/,\s+(?:bringing|serving|covering|which|meaning|taking|with|together)\b.*$/i, '').trim();
  const colon = sentence.indexOf(': ');
  if (colon >= 0 && DESIGNATION_VERB.test(sentence.slice(0, colon)))
    return trimTail(sentence.slice(colon + 2));
  const dashed = /\s[–—-]\s(.+?)\s[–—-]\s/.exec(sentence);
  if (dashed?.[1]) return trimTail(dashed[1]);
  const subject =
    /^(?:(?:In|Across|Elsewhere in) (?:the )?[A-Z][\w ]*?,\s+|Elsewhere,\s+)?(.+?)\s+(?:will|have|has|are|were|is)\s+(?:(?:now|also|formally|officially|each|all)\s+)*(?:become|been\s+(?:formally\s+)?designated|be\s+(?:formally\s+)?designated|designated|join)\b/.exec(
      sentence,
    );
  const candidate = subject?.[1];
  if (!candidate || !/^[A-Z]/.test(candidate) || SUBJECT_REJECT.test(candidate)) return null;
  if (new RegExp(`^${NUMBER_PATTERN}\\b`, 'i').test(candidate)) return null;
  return trimTail(candidate);
}

function isDesignationSentence(sentence: string): boolean {
  return DESIGNATION_VERB.test(sentence) && ICS_TERM.test(sentence) && !NOT_THIS_WAVE.test(sentence);
}

interface SentenceFacts {
  sentence: string;
  /** Number of areas this sentence itself named (inline lists). */
  areaCount: number;
  designation: boolean;
}

function statementsOf(facts: SentenceFacts, totalAreas: number, runningTotal: RunningTotal | null) {
  const { sentence } = facts;
  const found: { index: number; statement: PublishedStatement }[] = [];
  const isTotal = TOTAL_CUE.test(sentence) || runningTotal?.evidence === sentence;
  const scope: PublishedStatement['scope'] = isTotal
    ? 'total'
    : PARTIAL_CUE.test(sentence)
      ? 'other'
      : facts.designation || WAVE_CUE.test(sentence)
        ? facts.areaCount > 0 && facts.areaCount < totalAreas
          ? 'other'
          : 'wave'
        : 'other';
  if (/\b(?:people|population|residents|patients|serv\w*|cover\w*)\b/i.test(sentence)) {
    const population = new RegExp(
      `(?:(${QUALIFIER_PATTERN})\\s+)?(£)?(${NUMBER_PATTERN})\\s+million\\b`,
      'gi',
    );
    for (let match = population.exec(sentence); match; match = population.exec(sentence)) {
      const value = parseNumber(match[3] ?? '');
      if (match[2] || value === null) continue;
      found.push({
        index: match.index,
        statement: {
          kind: 'population',
          value: Math.round(value * 1_000_000),
          qualifier: qualifierOf(match[1]),
          scope,
          evidence: sentence,
        },
      });
    }
    const percent = new RegExp(
      `(?:(${QUALIFIER_PATTERN})\\s+)?(\\d+(?:\\.\\d+)?)\\s*(?:per cent|percent|%)`,
      'gi',
    );
    for (let match = percent.exec(sentence); match; match = percent.exec(sentence)) {
      found.push({
        index: match.index,
        statement: {
          kind: 'percent',
          value: Number(match[2]),
          qualifier: qualifierOf(match[1]),
          scope,
          evidence: sentence,
        },
      });
    }
    const fraction = new RegExp(
      `(?:(${QUALIFIER_PATTERN})\\s+)?\\b(half|a third|a quarter|two thirds|one in (${NUMBER_PATTERN}))(?=\\s+(?:of\\b|people\\b|residents\\b))`,
      'gi',
    );
    for (let match = fraction.exec(sentence); match; match = fraction.exec(sentence)) {
      const phrase = (match[2] ?? '').toLowerCase();
      const oneIn = match[3] ? parseNumber(match[3]) : null;
      const value =
        phrase === 'half'
          ? 50
          : phrase === 'a third'
            ? 33.3
            : phrase === 'a quarter'
              ? 25
              : phrase === 'two thirds'
                ? 66.7
                : oneIn
                  ? Math.round(1000 / oneIn) / 10
                  : null;
      if (value === null) continue;
      found.push({
        index: match.index,
        statement: {
          kind: 'percent',
          value,
          qualifier: qualifierOf(match[1] ?? 'about'),
          scope,
          evidence: sentence,
        },
      });
    }
    const whole = /\b(?:all of England|every part of (?:England|the country)|the whole of England)\b/i.exec(
      sentence,
    );
    if (whole && ICS_TERM.test(sentence)) {
      found.push({
        index: whole.index,
        statement: { kind: 'percent', value: 100, qualifier: 'exactly', scope: 'total', evidence: sentence },
      });
    }
  }
  return found;
}

interface RunningTotal {
  value: number;
  evidence: string;
  index: number;
}

function runningTotalOf(sentence: string): RunningTotal | null {
  const patterns = [
    new RegExp(`\\bthere (?:are|will be) now (${NUMBER_PATTERN}) ${SYSTEM_NOUN}\\b`, 'i'),
    new RegExp(
      `\\b(?:brings?|bringing|takes?|taking) the (?:total|number)(?: of (?:integrated care systems|ICSs|systems)(?: in England)?)? to (${NUMBER_PATTERN})\\b`,
      'i',
    ),
    new RegExp(`\\b(?:making|a total of) (${NUMBER_PATTERN}) ${SYSTEM_NOUN}\\b`, 'i'),
    new RegExp(
      `\\b(${NUMBER_PATTERN}) ${SYSTEM_NOUN}(?: \\(ICSs\\))? (?:will be |are now |are |were )in place\\b`,
      'i',
    ),
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(sentence);
    const value = match?.[1] ? parseNumber(match[1]) : null;
    if (match && value !== null && value > 0) return { value, evidence: sentence, index: match.index };
  }
  return null;
}

function effectiveDateOf(sentence: string, announcedOn: string): string | null {
  if (/\b(?:immediately|with immediate effect)\b/i.test(sentence)) return announcedOn;
  const match =
    /\b(?:from|on|with effect from|as of|effective)\s+(?:the\s+)?(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{4})\b/.exec(
      sentence,
    );
  const date = match?.[1] ? parseTextDate(match[1]) : null;
  if (!date) return null;
  // "from December 2020" in an article of 8 December 2020 cannot mean before the announcement.
  if (date.precision === 'month' && date.iso < announcedOn) return announcedOn;
  return date.iso;
}

/**
 * Parse one news item or press story. Returns the designation announcement it makes, or null when the page
 * names no area being designated (ordinary news, consultations, the July 2022 statutory ICB item).
 */
export function parseAnnouncement(
  html: string,
  url: string,
  options: AnnouncementParseOptions = {},
): Announcement | null {
  const sourceId = sourceIdFor(url, options.sourceId);
  const $ = cheerio.load(html);
  if (looksLikeMaintenancePage($)) {
    throw new SourceLayoutError(
      `${sourceId}: expected a news article at ${url} but found a maintenance/error page titled "${collapseWhitespace($('title').text())}"`,
      sourceId,
      url,
    );
  }
  const title = collapseWhitespace(
    $('main h1, article h1').first().text() || $('h1').first().text() || $('title').first().text(),
  );
  const publishedOn = readPublishedDate($);

  let root: cheerio.Cheerio<Element> | null = null;
  for (const selector of CONTENT_ROOTS) {
    const found = $(selector).first();
    if (found.length > 0) {
      root = found as cheerio.Cheerio<Element>;
      break;
    }
  }
  if (!root) return null;
  root.find(FURNITURE).remove();

  const blocks = root
    .find('p, ul, ol, table')
    .toArray()
    .filter((block) => $(block).parentsUntil(root).filter('p, ul, ol, table, li').length === 0);

  const areas: AnnouncedArea[] = [];
  const sentenceFacts: SentenceFacts[] = [];
  let waveCount: { value: number; evidence: string } | null = null;

  for (const block of blocks) {
    if (block.tagName !== 'p') continue;
    const text = collapseWhitespace($(block).text());
    if (!text || QUOTE_MARK.test(text)) continue;
    const promisesList =
      LIST_PROMISE.test(text) &&
      ICS_TERM.test(text) &&
      (DESIGNATION_VERB.test(text) || /\bnew\b/i.test(text)) &&
      !NOT_THIS_WAVE.test(text);
    for (const sentence of splitSentences(text)) {
      const designation = isDesignationSentence(sentence) || (promisesList && ICS_TERM.test(sentence));
      const facts: SentenceFacts = { sentence, areaCount: 0, designation };
      sentenceFacts.push(facts);
      if (!designation) continue;
      const count = statedAreaCount(sentence);
      if (count && !waveCount) waveCount = { value: count.value, evidence: sentence };
      if (promisesList) continue;
      const listText = inlineListText(sentence);
      if (!listText) continue;
      const expected = count?.value ?? waveCount?.value ?? null;
      const names = splitInlineList(listText, expected, options.knownNames);
      facts.areaCount = names.length;
      for (const name of names) areas.push({ name_as_published: name, evidence: sentence });
    }
    if (!promisesList) continue;
    const next = $(block).nextAll().first();
    const nextTag = next.prop('tagName')?.toLowerCase();
    if (nextTag !== 'ul' && nextTag !== 'ol') {
      throw new SourceLayoutError(
        `${sourceId}: the article at ${url} says "${text}" but the next element is ${
          nextTag ? `<${nextTag}>` : 'missing'
        }, not the expected <ul>/<ol> list of areas`,
        sourceId,
        url,
      );
    }
    for (const item of next.children('li').toArray()) {
      const emphasised = $(item).children('a, strong, b').first();
      const evidence = collapseWhitespace($(item).text());
      const name = cleanName(
        emphasised.length > 0 ? emphasised.text() : (evidence.split(/\s+[–—]\s+|:\s/)[0] ?? evidence),
      );
      if (name) areas.push({ name_as_published: name, evidence });
    }
  }

  const seen = new Set<string>();
  const uniqueAreas = areas.filter((area) => {
    const key = area.name_as_published.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (uniqueAreas.length === 0) return null;
  if (!publishedOn) {
    throw new SourceLayoutError(
      `${sourceId}: the announcement at ${url} names ${uniqueAreas.length} areas but no publication date was found (expected <time datetime>, article:published_time or "Published <date>")`,
      sourceId,
      url,
    );
  }

  let effectiveFrom: string | null = null;
  let effectiveEvidence: string | null = null;
  let runningTotal: RunningTotal | null = null;
  for (const facts of sentenceFacts) {
    if (!effectiveFrom && (facts.designation || ICS_TERM.test(facts.sentence))) {
      effectiveFrom = effectiveDateOf(facts.sentence, publishedOn);
      if (effectiveFrom) effectiveEvidence = facts.sentence;
    }
    if (!runningTotal) runningTotal = runningTotalOf(facts.sentence);
  }

  const statements: PublishedStatement[] = [];
  const statementKeys = new Set<string>();
  for (const facts of sentenceFacts) {
    const found = statementsOf(facts, uniqueAreas.length, runningTotal);
    if (waveCount?.evidence === facts.sentence) {
      const index = statedAreaCount(facts.sentence)?.index ?? 0;
      found.push({
        index,
        statement: {
          kind: 'count',
          value: waveCount.value,
          qualifier: 'exactly',
          scope: 'wave',
          evidence: facts.sentence,
        },
      });
    }
    if (runningTotal?.evidence === facts.sentence) {
      found.push({
        index: runningTotal.index,
        statement: {
          kind: 'count',
          value: runningTotal.value,
          qualifier: 'exactly',
          scope: 'total',
          evidence: facts.sentence,
        },
      });
    }
    found.sort((a, b) => a.index - b.index);
    for (const { statement } of found) {
      const key = `${statement.kind}|${statement.value}|${statement.qualifier}|${statement.scope}`;
      if (statementKeys.has(key)) continue;
      statementKeys.add(key);
      statements.push(statement);
    }
  }

  return Announcement.parse({
    url,
    title,
    announced_on: publishedOn,
    effective_from: effectiveFrom,
    effective_evidence: effectiveEvidence,
    areas: uniqueAreas,
    running_total: runningTotal?.value ?? null,
    running_total_evidence: runningTotal?.evidence ?? null,
    statements,
  });
}
