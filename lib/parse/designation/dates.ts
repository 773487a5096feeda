import type * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import { collapseWhitespace, MONTH_PATTERN, monthNumber, parseTextDate } from '../text.ts';
import { spacedText } from './blocks.ts';

/**
 * Dates of an announcement: when the page was published (`announced_on`, from the page's own metadata) and when
 * the designation takes effect (`effective_from`, from the designating wording).
 */

/** A publication date and where it was read from. */
export interface PublishedDate {
  iso: string;
  from: string;
}

// Dates labelled as anything but publication: "Last updated", "Page updated", "modified", "reviewed".
const NOT_PUBLICATION = /\b(?:updated|modified|reviewed|revised|edited)\b/i;

/** "23/03/2021", "23.03.2021", "23-03-2021" (UK day/month/year) to ISO, or null. */
function numericDate(text: string): string | null {
  const match = /\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b/.exec(text);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[3]), Number(match[4])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date.toISOString().slice(0, 10)
    : null;
}

/** "December 8, 2020" (month first) to ISO, or null. */
function monthFirstDate(text: string): string | null {
  const match = new RegExp(`\\b(${MONTH_PATTERN})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`).exec(text);
  const parsed = match ? parseTextDate(`${match[2]} ${match[1]} ${match[3]}`) : null;
  return parsed?.precision === 'day' ? parsed.iso : null;
}

const SHORT_MONTHS: Record<string, string> = {
  Jan: 'January',
  Feb: 'February',
  Mar: 'March',
  Apr: 'April',
  Jun: 'June',
  Jul: 'July',
  Aug: 'August',
  Sep: 'September',
  Sept: 'September',
  Oct: 'October',
  Nov: 'November',
  Dec: 'December',
};

/**
 * A dated line in the words the date parsers read: "28 May, 2020" without the comma after the month, "8 Dec 2020"
 * and "Dec 8, 2020" with the month written out.
 */
function plainDate(text: string): string {
  return text
    .replace(/\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?(?=,?\s+\d)/g, (short) => {
      return SHORT_MONTHS[short.replace('.', '')] ?? short;
    })
    .replace(new RegExp(`(${MONTH_PATTERN}),(?=\\s*\\d{4})`, 'g'), '$1');
}

function dayDate(text: string | undefined): string | null {
  if (!text) return null;
  const plain = plainDate(text);
  const parsed = parseTextDate(plain);
  if (parsed?.precision === 'day') return parsed.iso;
  return numericDate(plain) ?? monthFirstDate(plain);
}

function jsonLdDates($: cheerio.CheerioAPI): string[] {
  const dates: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.datePublished === 'string') dates.push(record.datePublished);
      // A job advert (schema.org JobPosting) is published when it is posted.
      else if (typeof record.datePosted === 'string') dates.push(record.datePosted);
      if (record['@graph']) visit(record['@graph']);
    }
  };
  for (const script of $('script[type="application/ld+json"]').toArray()) {
    try {
      visit(JSON.parse($(script).text()));
    } catch {
      // A broken JSON-LD block is not a date source; the other sources still speak.
    }
  }
  return dates;
}

const OUTSIDE_ARTICLE = 'aside, nav, footer, [class*="related"], [class*="sidebar"], [class*="widget"]';
// A label saying a date is the publication date ("Published", "Posted", "Date", "Issued").
const PUBLICATION_LABEL = /\b(?:published|posted|date|issued)\b/i;

/** Whether an element sits in furniture between itself and the article (a page-wide `has-sidebar` class does not count). */
function outsideArticle($: cheerio.CheerioAPI, element: Element, article: cheerio.Cheerio<Element>): boolean {
  return $(element).parentsUntil(article).filter(OUTSIDE_ARTICLE).length > 0;
}

/** Dates labelled as publication in a term/value structure: `<dt>`/`<dd>`, or a table row's `<th>`/`<td>`. */
function labelledValues($: cheerio.CheerioAPI, article: cheerio.Cheerio<Element>) {
  const found: { text: string; from: string }[] = [];
  const labels = article.find('dt, th').toArray();
  for (const label of labels) {
    const text = collapseWhitespace($(label).text());
    if (!PUBLICATION_LABEL.test(text) || NOT_PUBLICATION.test(text) || /closing|deadline/i.test(text))
      continue;
    const value = label.name === 'dt' ? $(label).next('dd') : $(label).nextAll('td').first();
    found.push({ text: value.text(), from: `"${text}"` });
  }
  return found;
}

/** Visible dated lines of the article: `<time>`, "Published …", "Posted on …", "First published:", bylines. */
function visibleDates($: cheerio.CheerioAPI): { text: string; from: string }[] {
  const found: { text: string; from: string }[] = [];
  const container = $('main, article').first();
  const article = (container.length > 0 ? container : $('body')) as cheerio.Cheerio<Element>;
  for (const time of article.find('time').toArray()) {
    if (outsideArticle($, time, article)) continue;
    const label = collapseWhitespace($(time).parent().text());
    if (!NOT_PUBLICATION.test(label))
      found.push({ text: $(time).attr('datetime') ?? $(time).text(), from: '<time>' });
  }
  found.push(...labelledValues($, article));
  const dated = article.find(
    '[class*="date"], [class*="byline"], [class*="posted"], [class*="published"], [class*="meta"], [class*="timestamp"]',
  );
  for (const element of dated.toArray()) {
    // "<span>Tom Ashworth</span><span>01 Apr 2026</span>" reads "Tom Ashworth 01 Apr 2026".
    const text = collapseWhitespace(spacedText(element));
    if (outsideArticle($, element, article)) continue;
    // "Date published: 19 March, 2021 · Date last updated: 26 March, 2021": the part before the update label.
    const published = text.split(NOT_PUBLICATION)[0] ?? '';
    if (published.trim().length > 0) found.push({ text: published, from: 'byline' });
  }
  const labelled = new RegExp(
    `\\b(?:(?:First )?[Pp]ublished|Posted|Date|Issued)(?: on)?:?\\s+((?:\\d{1,2}\\s+${MONTH_PATTERN},?\\s+\\d{4})|\\d{1,2}/\\d{1,2}/\\d{4}|${MONTH_PATTERN}\\s+\\d{1,2},?\\s+\\d{4})`,
  );
  const match = labelled.exec(plainDate(collapseWhitespace(article.text())));
  if (match?.[1]) found.push({ text: match[1], from: `"${match[0]}"` });
  return found;
}

// Elements that end a line of text as a reader sees it.
const LINE_ELEMENTS =
  'p, div, td, th, tr, li, dt, dd, h1, h2, h3, h4, h5, h6, table, section, header, article, main, blockquote, figcaption';
// Where the dateline is looked for: this many lines after the headline (or from the top when no line is it).
const DATELINE_REACH = 6;

/** The page's visible lines, as a reader sees them: broken at <br> and block elements, furniture left out. */
function visibleLines($: cheerio.CheerioAPI): string[] {
  const copy = $('body').clone();
  copy.find(`script, style, noscript, template, ${OUTSIDE_ARTICLE}`).remove();
  copy.find('br').replaceWith('\n');
  copy.find(LINE_ELEMENTS).each((_, element) => {
    $(element).prepend('\n').append('\n');
  });
  return copy
    .text()
    .split('\n')
    .map((line) => collapseWhitespace(line))
    .filter(Boolean);
}

/** Whether a line is a date ("15 June 2017", "Friday 25 May 2018") or a dated byline, not an update or a deadline. */
function isDateline(line: string): boolean {
  const other = NOT_PUBLICATION.test(line) || /\b(?:clos\w*|deadline|expir\w*|until|event)\b/i.test(line);
  // A byline is a dateline too: "By Jo Bloggs, 8 December 2020".
  const words = line.split(' ').length;
  const short = words <= 5 || (words <= 10 && /^by\s/i.test(line));
  return short && dayDate(line) !== null && !other;
}

/**
 * The dateline: a line that is nothing but a date, just under the headline (a printer-friendly page, a release's
 * "19 March 2021"), or near the top of a page whose headline is not a line of it (an e-mail bulletin's header).
 */
function dateline($: cheerio.CheerioAPI, headline: string): { text: string; from: string }[] {
  const lines = visibleLines($);
  const at = headline ? lines.indexOf(headline) : -1;
  const near = at >= 0 ? lines.slice(at + 1, at + 1 + DATELINE_REACH) : lines.slice(0, 2 * DATELINE_REACH);
  const line = near.find(isDateline) ?? (at >= 0 ? lines.slice(0, at).findLast(isDateline) : undefined);
  if (line) return [{ text: line, from: 'dateline' }];
  // A release's opening words: "London, 26 November 2020: NHS England today …", "LEEDS, 4 May 2018 – …".
  const opening = near.map((text) => INLINE_DATELINE.exec(text)?.[1]).find(Boolean);
  return opening ? [{ text: opening, from: 'inline dateline' }] : [];
}

// A place, a date and a colon or dash opening a paragraph.
const INLINE_DATELINE = new RegExp(
  `^\\p{Lu}[\\p{L}' -]{1,30},\\s+((?:\\p{L}+day,?\\s+)?\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH_PATTERN}\\s+\\d{4})\\s*[:–—-]\\s`,
  'u',
);

/**
 * A date labelled only as an update ("Updated: 14/06/2021"), for a page that gives no other: it was published
 * that day or before, and a page first published with that label is dated by it.
 */
function updatedOnly($: cheerio.CheerioAPI): { text: string; from: string }[] {
  const updated = new RegExp(
    `\\b(?:Last )?[Uu]pdated(?: on)?:?\\s+((?:\\d{1,2}\\s+${MONTH_PATTERN},?\\s+\\d{4})|\\d{1,2}[/.]\\d{1,2}[/.]\\d{4}|${MONTH_PATTERN}\\s+\\d{1,2},?\\s+\\d{4})`,
  );
  const match = updated.exec(plainDate(visibleLines($).join('\n')));
  return match?.[1] ? [{ text: match[1], from: `"${match[0]}" (the only date)` }] : [];
}

const PUBLICATION_META = [
  'meta[property="og:published_time"]',
  'meta[property="og:article:published_time"]',
  'meta[name="pubdate"]',
  'meta[name="publish-date"]',
  'meta[name="publication_date"]',
  'meta[name="date"]',
  'meta[name="DC.date.issued"]',
  'meta[name="dcterms.issued"]',
  'meta[name="dcterms.created"]',
  // Dublin Core's plain date is the date of creation (its modified date has a name of its own).
  'meta[name="dcterms.date" i]',
  'meta[name="DC.date" i]',
  'meta[name="citation_publication_date"]',
].join(', ');

/**
 * The page's publication date from its own metadata, in order of trust: `article:published_time`, JSON-LD
 * `datePublished`, other publication meta tags, then the visible `<time>`, "Published"/"Posted on" lines and
 * bylines, the dateline (alone on its line or opening the first paragraph); an updated date only when the page
 * gives no other. The dates of related items are never taken.
 */
export function publishedDate($: cheerio.CheerioAPI, headline = ''): PublishedDate | null {
  const candidates: { text: string | undefined; from: string }[] = [
    {
      text: $('meta[property="article:published_time"]').attr('content'),
      from: 'meta article:published_time',
    },
    ...jsonLdDates($).map((text) => ({ text, from: 'JSON-LD datePublished' })),
    {
      text:
        $('[itemprop="datePublished"]').attr('content') ?? $('[itemprop="datePublished"]').attr('datetime'),
      from: 'itemprop datePublished',
    },
    { text: $(PUBLICATION_META).attr('content'), from: 'meta publication date' },
    ...visibleDates($),
    ...dateline($, headline),
    ...updatedOnly($),
  ];
  for (const candidate of candidates) {
    const iso = dayDate(candidate.text);
    if (iso) return { iso, from: candidate.from };
  }
  return null;
}

/** An effective date and how precisely the page stated it. */
export interface EffectiveDate {
  iso: string;
  precision: 'day' | 'month';
  /** The words it was read from. */
  words: string;
}

function firstOfMonth(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/** The next occurrence of a month (and day) from the announcement's month on ("from 1 April" in March 2021). */
function nextOccurrence(announcedOn: string, month: number, day: number): string {
  const year = Number(announcedOn.slice(0, 4)) + (month < Number(announcedOn.slice(5, 7)) ? 1 : 0);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const FROM = '(?:from|as of|with effect from|effective(?: from)?|taking effect from|starting)';
// "on 1 April", "in April": a date of effect only in future wording ("will become ICSs on 1 April"); in a report
// ("were named on 15 June") it dates the event reported.
const AT = '(?:on|in)';
const FUTURE_WORDING = /\b(?:will|to become|to be|to join|to operate)\b/i;

/** "with immediate effect", "from this month", "next month": dates relative to the announcement. */
function relativeDate(sentence: string, announcedOn: string): EffectiveDate | null {
  const immediate = /\b(?:with immediate effect|immediately|with effect from today|from today)\b/i.exec(
    sentence,
  );
  if (immediate) return { iso: announcedOn, precision: 'day', words: immediate[0] };
  const year = Number(announcedOn.slice(0, 4));
  const month = Number(announcedOn.slice(5, 7));
  const thisMonth = new RegExp(`\\b${FROM}\\s+this month\\b`, 'i').exec(sentence);
  if (thisMonth) return { iso: firstOfMonth(year, month), precision: 'month', words: thisMonth[0] };
  // The NHS financial year starts on 1 April: "from the new financial year", "at the start of next financial year".
  const financialYear =
    /\b(?:from|at the (?:start|beginning) of|in) (?:the )?(?:new|next|coming) financial year\b/i.exec(
      sentence,
    );
  if (financialYear)
    return { iso: nextOccurrence(announcedOn, 4, 1), precision: 'day', words: financialYear[0] };
  const nextMonth = /\b(?:from |go(?:es)? live |live )?next month\b/i.exec(sentence);
  if (!nextMonth) return null;
  return {
    iso: firstOfMonth(month === 12 ? year + 1 : year, (month % 12) + 1),
    precision: 'month',
    words: nextMonth[0],
  };
}

/** "from 1 April 2021", "from December 2020", "from 1 April", "from April" after the given preposition. */
// "from the start of April", "from the beginning of April 2021": the month, from its first day.
const START_OF = '(?:the\\s+)?(?:(?:start|beginning) of\\s+)?';

function namedDate(sentence: string, preposition: string, announcedOn: string): EffectiveDate | null {
  const full = new RegExp(
    `\\b${preposition}\\s+${START_OF}(\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH_PATTERN}\\s+\\d{4}|${MONTH_PATTERN}\\s+\\d{4})\\b`,
  ).exec(sentence);
  const parsed = full?.[1] ? parseTextDate(full[1]) : null;
  if (full && parsed) return { iso: parsed.iso, precision: parsed.precision, words: full[0] };
  const noYear = new RegExp(
    `\\b${preposition}\\s+${START_OF}(?:(\\d{1,2})(?:st|nd|rd|th)?\\s+)?(${MONTH_PATTERN})\\b(?!\\s+\\d{4})`,
  ).exec(sentence);
  if (!noYear?.[2]) return null;
  const named = monthNumber(noYear[2]) || 1;
  const iso = nextOccurrence(announcedOn, named, noYear[1] ? Number(noYear[1]) : 1);
  return { iso, precision: noYear[1] ? 'day' : 'month', words: noYear[0] };
}

/** "from April 1", "on April 1, 2021": month-first dates, as some releases write them. */
function monthFirstEffective(
  sentence: string,
  preposition: string,
  announcedOn: string,
): EffectiveDate | null {
  const match = new RegExp(
    `\\b${preposition}\\s+(${MONTH_PATTERN})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4}))?`,
  ).exec(sentence);
  if (!match?.[1]) return null;
  const month = monthNumber(match[1]) || 1;
  const day = Number(match[2]);
  const iso = match[3]
    ? `${match[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
    : nextOccurrence(announcedOn, month, day);
  return { iso, precision: 'day', words: match[0] };
}

/**
 * The effective date in one designating sentence: "with immediate effect" (the announcement date), "from this
 * month" and "next month" (the first of that month), "from 1 April 2021", "from April" (the next April), "from
 * December 2020"; "on" and "in" a date only in future wording. A date named only by its month is the first day of
 * that month, with precision `month`, even when that day lies before the announcement: "from December 2020" in
 * an article of 8 December 2020 is 1 December 2020, as readers of the page take it.
 */
export function effectiveDate(sentence: string, announcedOn: string): EffectiveDate | null {
  const dated = (preposition: string) =>
    monthFirstEffective(sentence, preposition, announcedOn) ?? namedDate(sentence, preposition, announcedOn);
  return (
    relativeDate(sentence, announcedOn) ?? dated(FROM) ?? (FUTURE_WORDING.test(sentence) ? dated(AT) : null)
  );
}
