import { NUMBER_PATTERN, parseNumber } from '../text.ts';
import { clauseAt, mainClause } from './clauses.ts';
import { negativeCues } from './cues.ts';

/**
 * Numbers of areas a page says it designates ("eleven further systems", "the final 13", "Two of the eight"), as
 * opposed to running totals ("there are now 29 ICSs", "taking the total to 42"), references back ("one of 11
 * systems", "not among the eight") and areas still to come ("13 systems are still to be designated").
 */

/** One number of areas written in a sentence. */
export interface CountPhrase {
  value: number;
  phrase: string;
  index: number;
  /**
   * `wave`: the areas announced ("four more areas"); `part`: the head of a partitive ("Two of the eight");
   * `remaining`: "the remaining four are …", which counts only the names of its own sentence.
   */
  kind: 'wave' | 'part' | 'remaining';
}

const DETERMINER = '(?:(the|these|those|all|another|a further|further)\\s+)?';
const ADJECTIVE = '(?:(first|final|last|remaining|other|next|newest|latest)\\s+)?';
// Words between the number and its noun: "four more", "eight Midlands", "four South West".
const TRAILING =
  '((?:\\s+(?:more|new|further|additional|final|last|remaining|other|shadow|newest|latest|newly designated|local|north|south|east|west|midlands|london|yorkshire|english))*)';
const NOUN =
  '(\\s+(?:ICS\\s+)?(?:areas?|systems?|partnerships?|parts? of (?:England|the country)|footprints?|STPs|sustainability and transformation partnerships|ICSs?|integrated care systems?|accountable care systems?|ACSs?)\\b)?';
const COUNT = new RegExp(`\\b${DETERMINER}${ADJECTIVE}(${NUMBER_PATTERN})\\b${TRAILING}${NOUN}`, 'gi');
// After a number with no noun, only these make it a count of areas: "The nine are", "all 13 take on".
const BARE_FOLLOWER = /^\s*(?:are|were|is|serve|take|have|will|include)\b|^\s*[,:]/i;
// "one of 11 systems", "among the eight", "to 18", "now 29": a number the sentence refers to, not its own count.
// "the leaders of four ICSs", "chairs of five systems": a number of people's systems, not of areas announced.
const REFERENCE = new RegExp(
  `\\b(?:(?:${NUMBER_PATTERN}|one|each|some|any|none|all|most|several|many|both|total|leaders|chairs|chief executives|directors|staff|members|boards|heads|people|residents|patients) of|among|to|now|be|than)\\s+$`,
  'i',
);
// "42 systems will cover the whole of England": a total, not a wave.
const COVERS_ENGLAND =
  /^[^,.;:]*\b(?:cover\w*|serv\w*)\b[^,.;:]*\b(?:whole of England|every part of|all of England)\b/i;
// "all of England will be covered by 42 ICSs", "completing coverage of England with 42 systems": the total again.
const COVERED_BY = /\b(?:covered|served) by\s+$|\bcoverage\b[^,.;:]*\bwith\s+$/i;
// "There are 18 systems", "there will be 42": how many exist, not how many are announced.
const THERE_ARE = /\bthere (?:are|were|will be)(?: now)?\s+$/i;

function kindOf(sentence: string, match: RegExpMatchArray): CountPhrase['kind'] | null {
  const [, determiner, adjective, , trailing, noun] = match;
  const before = sentence.slice(0, match.index);
  const after = sentence.slice((match.index ?? 0) + match[0].length);
  const adjectives = `${adjective ?? ''} ${trailing ?? ''}`.toLowerCase();
  if (REFERENCE.test(before) || /\bother\b/.test(adjectives) || COVERS_ENGLAND.test(after)) return null;
  if (COVERED_BY.test(before) || THERE_ARE.test(before)) return null;
  // "Four: Hertfordshire & West Essex, …": a number opening the sentence and its list.
  if (noun === undefined && /^\s*$/.test(before) && /^\s*:/.test(after)) return 'wave';
  if (/^\s*of\s+(?:the|those|them|these)\b/i.test(after)) return 'part';
  if (noun === undefined && !(determiner && BARE_FOLLOWER.test(after))) return null;
  return /\bremaining\b/.test(adjectives) ? 'remaining' : 'wave';
}

/** Every number of areas in a sentence that could be a count of the areas it (or its page) designates. */
export function countPhrases(sentence: string): CountPhrase[] {
  const found: CountPhrase[] = [];
  for (const match of sentence.matchAll(COUNT)) {
    const value = parseNumber(match[3] ?? '');
    if (value === null || value < 2 || value > 60 || !Number.isInteger(value)) continue;
    const kind = kindOf(sentence, match);
    if (kind) found.push({ value, phrase: match[0].trim(), index: match.index, kind });
  }
  return found;
}

// "We are one of four areas confirmed", "named as one of 13 new systems": the page's own area is one of a wave.
const MEMBER_OF = new RegExp(
  `\\b(?:are|is|be|being|been|was|were|as|named|confirmed|chosen|selected|designated)\\s+one of (?:the )?(${NUMBER_PATTERN})${TRAILING}${NOUN}`,
  'i',
);

/** The size of the wave a sentence says its own area belongs to ("We are one of four areas confirmed"), or null. */
export function memberOfCount(sentence: string): { value: number; phrase: string } | null {
  const match = MEMBER_OF.exec(sentence);
  if (!match?.[3]) return null;
  const value = parseNumber(match[1] ?? '');
  return value !== null && value >= 2 ? { value, phrase: match[0] } : null;
}

/**
 * The numbers of a sentence that state a wave, each read in its own clause: none when the main clause is about
 * other areas, and not one inside a clause about areas still to come ("…, leaving 13 areas still to be designated").
 */
export function waveCounts(sentence: string): CountPhrase[] {
  if (negativeCues(mainClause(sentence)).length > 0) return [];
  return countPhrases(sentence).filter((count) => {
    const clause = clauseAt(sentence, count.index);
    return (
      count.kind === 'wave' &&
      (!clause || negativeCues(sentence.slice(clause.start, clause.end)).length === 0)
    );
  });
}

/** The count a headline or lead sentence states for the whole page, unless its clause is about other areas. */
export function pageCount(sentence: string): CountPhrase | null {
  return waveCounts(sentence)[0] ?? null;
}
