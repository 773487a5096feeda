import type { MentionForm, NameFormIndex } from '../../reference/name-forms.ts';
import { normaliseName } from '../../reference/names.ts';
import { isRegionLabel } from './cues.ts';
import type { Mention } from './model.ts';

/**
 * Find every mention of a known ICS name in a block of text: the closed-world step. Each word starts a candidate
 * span; the longest span whose normalised key is a name form wins, unless it is glued to a neighbouring
 * capitalised word or compass point ("North Devon District Hospital", "South Gloucestershire Council"), which
 * makes it part of another proper noun. Only spaces glue: a new line (a line break, an element's edge) or a
 * label after the name ("Devon Region: South West") does not.
 */

interface Token {
  text: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+|&/gu;
// Punctuation that no ICS name spans: sentence ends, colons, semicolons, brackets, dashes, quotes, slashes.
const HARD_BREAK = /[;:.!?()[\]–—"“”‘’|/·•\n]|\s-\s/;
const CONNECTIVE = new Set(['and', '&', 'the', 'of', 'with']);
// Words that make a following place name a different place ("North Devon", "West Essex", "Greater Bristol").
const COMPASS = new Set(['north', 'south', 'east', 'west', 'mid', 'central', 'greater', 'inner', 'outer']);
const UPPER = /^\p{Lu}/u;

function tokenize(text: string): Token[] {
  return [...text.matchAll(WORD)].map((match) => ({
    text: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** Whether the text between two tokens keeps them in one name (spaces, commas, hyphens and "&" do). */
function joins(text: string, left: Token, right: Token): boolean {
  return !HARD_BREAK.test(text.slice(left.end, right.start));
}

/** Whether two tokens touch with nothing but spaces between them. */
function glued(text: string, left: Token, right: Token): boolean {
  return /^[ \u00a0]+$|^-$/.test(text.slice(left.end, right.start));
}

interface SpanMatch {
  first: number;
  last: number;
  forms: readonly MentionForm[];
}

/** Every span starting at token `first` whose key is a name form, longest first. */
function spansFrom(text: string, tokens: Token[], first: number, index: NameFormIndex): SpanMatch[] {
  const start = tokens[first];
  if (!start || CONNECTIVE.has(start.text.toLowerCase())) return [];
  const matches: SpanMatch[] = [];
  const limit = Math.min(tokens.length - 1, first + index.maxTokens * 2 + 6);
  for (let last = first; last <= limit; last++) {
    const end = tokens[last] as Token;
    if (last > first && !joins(text, tokens[last - 1] as Token, end)) break;
    if (CONNECTIVE.has(end.text.toLowerCase())) continue;
    const written = text.slice(start.start, end.end);
    // Commas join the parts of a name ("Humber, Coast and Vale"), not a run of regions ("in the South West,
    // London and the Midlands" is not South West London).
    if (written.includes(',') && written.split(',').every(isRegionLabel)) continue;
    const forms = index.formsFor(normaliseName(written).key);
    if (forms.length > 0) matches.push({ first, last, forms });
  }
  return matches.reverse();
}

/** Whether a span is written as a name: abbreviations in capitals, other names with a capital somewhere. */
function casingFits(text: string, tokens: Token[], span: SpanMatch): boolean {
  const written = text.slice((tokens[span.first] as Token).start, (tokens[span.last] as Token).end);
  const abbreviations = span.forms.filter((form) => form.abbreviation);
  if (abbreviations.length === span.forms.length) {
    const compact = written.replace(/\s+/g, '');
    return abbreviations.some((form) => form.name.replace(/\s+/g, '') === compact);
  }
  return tokens.slice(span.first, span.last + 1).some((token) => UPPER.test(token.text));
}

function endsCapitalised(tokens: Token[], span: SpanMatch): boolean {
  return UPPER.test((tokens[span.last] as Token).text);
}

/**
 * Whether a span is part of a longer proper noun: glued to a compass point, or (outside Title Case text, where
 * every word is capitalised anyway) to a capitalised word ("North Devon District Hospital", "Somerset Council").
 */
function partOfLongerName(text: string, tokens: Token[], span: SpanMatch, titleCase: boolean): boolean {
  const before = tokens[span.first - 1];
  const first = tokens[span.first] as Token;
  if (before && glued(text, before, first)) {
    const word = before.text.toLowerCase();
    if (COMPASS.has(word)) return true;
    const initial = span.first - 1 === 0 || !joins(text, tokens[span.first - 2] as Token, before);
    if (!titleCase && UPPER.test(before.text) && !initial && !CONNECTIVE.has(word)) return true;
  }
  const after = tokens[span.last + 1];
  const last = tokens[span.last] as Token;
  if (titleCase || !after || !glued(text, last, after)) return false;
  return UPPER.test(after.text) && !CONNECTIVE.has(after.text.toLowerCase()) && !opensLabel(text, after);
}

/** Whether a word is a label opening a field of its own ("Devon Region: South West", "Kent Population: 1.8m"). */
function opensLabel(text: string, word: Token): boolean {
  return /^[ \u00a0]*:/.test(text.slice(word.end));
}

/** Whether most words of a text are capitalised, as in a Title Case headline. */
function isTitleCase(tokens: Token[]): boolean {
  const words = tokens.filter((token) => /^\p{L}{4,}$/u.test(token.text));
  return words.length >= 3 && words.filter((token) => UPPER.test(token.text)).length / words.length >= 0.8;
}

/** The published text of a span, with a leading "The" when the name itself begins with one. */
function publishedSpan(text: string, tokens: Token[], span: SpanMatch): { start: number; end: number } {
  const first = tokens[span.first] as Token;
  const end = (tokens[span.last] as Token).end;
  const before = tokens[span.first - 1];
  const takesThe = span.forms.some((form) => /^the\s/i.test(form.name));
  if (before && before.text === 'The' && takesThe && glued(text, before, first)) {
    return { start: before.start, end };
  }
  return { start: first.start, end };
}

function toMention(block: number, text: string, tokens: Token[], span: SpanMatch): Mention {
  const { start, end } = publishedSpan(text, tokens, span);
  const codes = [...new Set(span.forms.map((form) => form.ics_code))].sort();
  const best = span.forms[0] as MentionForm;
  return {
    block,
    start,
    end,
    text: text.slice(start, end),
    key: best.key,
    codes,
    ics_code: codes.length === 1 ? best.ics_code : null,
    matched_variant: best.name,
    partial: span.forms.every((form) => form.partial),
    area: codes.length === 1 ? best.area : `ambiguous:${best.key}`,
    repeats: null,
  };
}

/** A mention in brackets right after a mention of the same ICS repeats it ("Hampshire and the Isle of Wight (HIOW)"). */
function markRepeats(text: string, mentions: Mention[]): Mention[] {
  return mentions.map((mention, position) => {
    const previous = mentions[position - 1];
    if (!previous || previous.ics_code === null || previous.ics_code !== mention.ics_code) return mention;
    const between = text.slice(previous.end, mention.start);
    return /^\s*\(\s*$/.test(between) ? { ...mention, repeats: position - 1 } : mention;
  });
}

/**
 * Every mention of a known ICS name in `text` (one block), in order. `heading` says the text is a headline or
 * heading, which may be written in Title Case.
 */
export function findMentions(block: number, text: string, index: NameFormIndex, heading = false): Mention[] {
  const tokens = tokenize(text);
  const titleCase = heading && isTitleCase(tokens);
  const mentions: Mention[] = [];
  for (let first = 0; first < tokens.length; first++) {
    const fitting = spansFrom(text, tokens, first, index).filter(
      (candidate) =>
        casingFits(text, tokens, candidate) && !partOfLongerName(text, tokens, candidate, titleCase),
    );
    // "the Bristol, North Somerset and South Gloucestershire partnership": the name ends at its last capital.
    const span = fitting.find((candidate) => endsCapitalised(tokens, candidate)) ?? fitting[0];
    if (!span) continue;
    mentions.push(toMention(block, text, tokens, span));
    first = span.last;
  }
  return markRepeats(text, mentions);
}
