/**
 * Text helpers shared by the HTML parsers: whitespace, dates, numbers written in words or digits, and
 * sentence splitting. Pure functions; no DOM.
 */

import { SourceDataError } from '../core/errors.ts';

/** Collapse runs of whitespace (including non-breaking spaces) to one space and trim. */
export function collapseWhitespace(text: string): string {
  return text
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/\s+([,.;:])/g, '$1')
    .trim();
}

/** The month names, lower case, January first. */
export const MONTHS: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** The month number (1–12) of a full month name in any case, or 0 when it is not one. */
export function monthNumber(name: string): number {
  return MONTHS.indexOf(name.toLowerCase()) + 1;
}

/** Month-name alternation for regular expressions (full names, capitalised or not). */
export const MONTH_PATTERN = `(?:${MONTHS.map((month) => month[0]?.toUpperCase() + month.slice(1)).join('|')})`;

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return date.toISOString().slice(0, 10);
}

/** A date found in text; `precision` is `month` when the text named only a month and year. */
export interface TextDate {
  iso: string;
  precision: 'day' | 'month';
  /** The words the date was read from. */
  matched: string;
}

/**
 * Read a date written as "8 December 2020", "1st April 2021", "December 2020", "2020-12-08" or a full ISO
 * timestamp. Month-only dates resolve to the first of the month with precision `month`.
 */
export function parseTextDate(text: string): TextDate | null {
  const iso = /\b(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b/.exec(text);
  if (iso) {
    const value = isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (value) return { iso: value, precision: 'day', matched: iso[0] };
  }
  const dayMonthYear = new RegExp(
    `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTH_PATTERN})\\s+(\\d{4})\\b`,
    'i',
  ).exec(text);
  if (dayMonthYear) {
    const month = monthNumber(String(dayMonthYear[2]));
    const value = isoDate(Number(dayMonthYear[3]), month, Number(dayMonthYear[1]));
    // An impossible day ("31 February") is an unknown date, not a month-only one.
    return value ? { iso: value, precision: 'day', matched: dayMonthYear[0] } : null;
  }
  const monthYear = new RegExp(`\\b(${MONTH_PATTERN})\\s+(\\d{4})\\b`, 'i').exec(text);
  if (monthYear) {
    const month = monthNumber(String(monthYear[1]));
    const value = isoDate(Number(monthYear[2]), month, 1);
    if (value) return { iso: value, precision: 'month', matched: monthYear[0] };
  }
  return null;
}

const SMALL_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** Alternation matching a number in digits ("14", "14.5", "1,200") or words ("eleven", "forty-two"). */
export const NUMBER_PATTERN = `(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|(?:${Object.keys(TENS).join('|')})(?:[- ](?:${Object.keys(
  SMALL_NUMBERS,
)
  .slice(0, 9)
  .join('|')}))?|${Object.keys(SMALL_NUMBERS).join('|')})`;

/** Turn "14.5", "1,200", "eleven" or "forty-two" into a number; null when the text is not a number. */
export function parseNumber(text: string): number | null {
  const cleaned = text.trim().toLowerCase();
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$/.test(cleaned))
    return Number(cleaned.replace(/,/g, ''));
  const small = SMALL_NUMBERS[cleaned];
  if (small !== undefined) return small;
  const compound = /^([a-z]+)(?:[- ]([a-z]+))?$/.exec(cleaned);
  if (!compound) return null;
  const tens = TENS[compound[1] ?? ''];
  if (tens === undefined) return null;
  if (!compound[2]) return tens;
  const unit = SMALL_NUMBERS[compound[2]];
  return unit !== undefined && unit < 10 ? tens + unit : null;
}

/** How a number is qualified in the text, read from the words just before it. */
export type Qualifier = 'exactly' | 'about' | 'more_than' | 'less_than' | 'up_to';

/** Alternation of qualifier phrases recognised before a number. */
export const QUALIFIER_PATTERN =
  '(?:more than|over|just over|above|in excess of|at least|around|about|approximately|roughly|some|nearly|almost|just under|fewer than|less than|under|up to)';

/** Map a qualifier phrase (or none) to its category. */
export function qualifierOf(phrase: string | undefined): Qualifier {
  const words = (phrase ?? '').trim().toLowerCase();
  if (words === '') return 'exactly';
  if (/^(more than|over|just over|above|in excess of|at least)$/.test(words)) return 'more_than';
  if (/^(around|about|approximately|roughly|some)$/.test(words)) return 'about';
  if (/^(nearly|almost|just under|fewer than|less than|under)$/.test(words)) return 'less_than';
  if (words === 'up to') return 'up_to';
  return 'exactly';
}

// Abbreviations after which a full stop does not end a sentence.
const NON_TERMINAL = /\b(?:Sir|Dr|Mr|Mrs|Ms|Prof|St|No|e\.g|i\.e|etc|vs)\.$/;

/** Split prose into sentences, keeping each sentence verbatim (whitespace collapsed). */
export function splitSentences(text: string): string[] {
  const collapsed = collapseWhitespace(text);
  const sentences: string[] = [];
  let start = 0;
  const boundary = /[.!?]["”’)]?\s+(?=["“‘(]?[A-Z0-9])/g;
  for (let match = boundary.exec(collapsed); match; match = boundary.exec(collapsed)) {
    const candidateEnd = match.index + match[0].trimEnd().length;
    const candidate = collapsed.slice(start, candidateEnd);
    if (NON_TERMINAL.test(candidate)) continue;
    sentences.push(candidate.trim());
    start = match.index + match[0].length;
  }
  const rest = collapsed.slice(start).trim();
  if (rest) sentences.push(rest);
  return sentences;
}

/**
 * Decode a document as UTF-8, refusing invalid bytes with a typed data error that names the source and URL, so
 * the document is quarantined as bad data rather than crashing its parser.
 */
export function decodeUtf8(bytes: Uint8Array, where: { sourceId: string; url: string }): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SourceDataError(
      `${where.sourceId}: expected UTF-8 text at ${where.url} but found bytes that are not valid UTF-8`,
      where.sourceId,
      where.url,
    );
  }
}
