import {
  mainClause,
  quotationSpans,
  sentenceSpans,
  subordinateSpans,
  within,
  withoutQuotations,
} from './clauses.ts';
import type { MentionsByBlock } from './context.ts';
import { waveCounts } from './counts.ts';
import {
  earlierBeforeName,
  earlierDates,
  framingCues,
  icsNounSpans,
  icsNouns,
  linkedDesignation,
  negativeCues,
  statusPhrases,
} from './cues.ts';
import type { Announcing, Block } from './model.ts';

/**
 * Whether a page announces designations at all, read from the whole article: the headline, the standfirst and
 * lead, any heading, the paragraph introducing a list, or any sentence of the text that ties a status word to the
 * ICS noun ("Eleven more areas to become integrated care systems", "we have today been confirmed as an integrated
 * care system", "have been designated as ICSs, NHS England announced"), with nothing putting it elsewhere (an
 * earlier wave, areas still to come, appointments, boards, funding, a heading about other systems).
 *
 * Where the sentence stands matters for failing closed: only a headline or lead that announces makes a page with
 * no area found `layout_drift`; a sentence deeper in the text announces only the names the page actually gives.
 */

/** Words in an introduction or heading that make what follows it other systems than the announced ones. */
export function introAgainst(text: string, announcedOn: string | null): string[] {
  return [
    ...negativeCues(mainClause(text)),
    ...earlierBeforeName(text).map((cue) => cue.word),
    ...earlierDates(mainClause(text), announcedOn),
  ];
}

/** Where an announcing sentence stands: the headline and lead speak for the page, the rest for their names. */
function placeOf(block: Block): Announcing['place'] {
  if (block.kind === 'headline') return 'headline';
  if (block.lead) return 'lead';
  if (block.kind === 'heading') return 'heading';
  return block.kind === 'paragraph' ? 'text' : 'entry';
}

const READ = new Set<Block['kind']>(['headline', 'standfirst', 'paragraph', 'heading', 'caption', 'item']);

/** The article's own blocks in the order a reader weighs them: headline and lead first, then the text in order. */
function announcingCandidates(blocks: readonly Block[]): Block[] {
  const own = blocks.filter((block) => block.container === 'body' && READ.has(block.kind));
  const first = own.filter((block) => block.kind === 'headline' || block.lead);
  return [...first, ...own.filter((block) => !first.includes(block))];
}

/** Whether a heading above the block puts its section outside this announcement ("Already on the programme"). */
function underHeadingAgainst(block: Block, blocks: readonly Block[], announcedOn: string | null): boolean {
  return block.headings.some((index) => introAgainst((blocks[index] as Block).text, announcedOn).length > 0);
}

/** A sentence's clauses: its main clause, then each subordinate clause alone (offsets kept, the rest blanked). */
function clausesOf(sentence: string): string[] {
  const blank = (text: string) => ' '.repeat(text.length);
  const subordinate = subordinateSpans(sentence).map(
    (span) =>
      blank(sentence.slice(0, span.start)) +
      sentence.slice(span.start, span.end) +
      blank(sentence.slice(span.end)),
  );
  return [mainClause(sentence), ...subordinate];
}

/** What a sentence is read against: the page's date, and whether its headline is about the systems at all. */
interface PageContext {
  announcedOn: string | null;
  /** The headline names the ICS noun ("what the final wave of ICSs means"). */
  aboutSystems: boolean;
  /** The headline is about something else: people, money, a review ("ICS status review: four areas …"). */
  framed: boolean;
}

// Nouns of status that, beside the ICS noun, say what a sentence is about ("ICS status", "ICS designation"), and
// nouns of a group of systems that do so when the group is a new one or counted ("the latest wave of ICSs", "four
// areas added to the integrated care system programme"; not "the ICS programme enters its third year").
const STATUS_NOUN = /\b(?:status|designation)\b/gi;
const GROUP_NOUN = /\b(?:programme|wave|cohort|round|group)\b/gi;
const NEW_GROUP = /\b(?:new|newest|latest)\b/i;
// Words that introduce the name given to a thing: "what NHS England is calling", "so-called", "known as".
const NAMING =
  /\b(?:what (?:[\p{L}'’]+\s+){0,4}(?:is|are|has been|have been|was|were)\s+(?:calling|call(?:ed)?|dubbing|dubbed|terming|termed|branding|branded|describing as|described as)|so-called|known as|dubbed|termed)\s+/giu;
const AREA_NOUN = /\b(?:areas?|partnerships?|parts? of|footprints?|STPs)\b/i;

/**
 * The ICS noun (the thing itself, not a modifier nor inside a system's name) a few words from a noun of status, a
 * number of areas, or a new or counted group of systems: what a headline or lead is about, whatever its verb ("Four
 * areas have graduated to ICS status"); a number of systems alone is not ("Four ICSs declare critical incidents").
 */
export function statusTopic(text: string, names: readonly { start: number; end: number }[] = []): string[] {
  const first = icsNounSpans(text, names)[0];
  if (!first) return [];
  // "the first wave of what the organisation is calling 'accountable care systems'": the naming words stand
  // between the group and its noun, not between two things.
  const read = text.replace(NAMING, (words) => ' '.repeat(words.length));
  const wordAt = (offset: number) => read.slice(0, offset).split(/\s+/).length;
  const noun = wordAt(first.index);
  // A number of areas, not of systems: "four areas added to …", not "Four ICSs declare critical incidents".
  const counts = waveCounts(text)
    .filter((count) => AREA_NOUN.test(count.phrase))
    .map((count) => ({ index: count.index, word: count.phrase }));
  const groups = counts.length > 0 || NEW_GROUP.test(text) ? [...text.matchAll(GROUP_NOUN)] : [];
  const near = [
    ...[...text.matchAll(STATUS_NOUN), ...groups].map((match) => ({ index: match.index, word: match[0] })),
    ...counts,
  ].filter((cue) => Math.abs(wordAt(cue.index) - noun) <= 6);
  return near.length > 0 ? [first.word, ...near.map((cue) => cue.word)] : [];
}

/**
 * The cues of a clause that announces, and nothing in the same clause against it:
 * - a status word tied to the ICS noun it confers;
 * - on a page whose headline is about the systems, a phrase naming the status itself ("They take on their new
 *   status from 1 April");
 * - in the headline and lead of a page whose headline is not about something else, the ICS noun beside a noun of
 *   status or a number of areas, whatever the verb ({@link statusTopic}).
 * Each clause speaks for itself: "Devon, which became an ICS this April, …" is background (an earlier month in its
 * own clause), not an announcement.
 */
function announcingCues(
  sentence: string,
  names: readonly { start: number; end: number }[],
  page: PageContext,
  opening: boolean,
): string[] {
  for (const clause of clausesOf(sentence)) {
    const linked = linkedDesignation(clause, names);
    const phrased = linked.length > 0 || !page.aboutSystems ? linked : statusPhrases(clause);
    const topical = opening && !page.framed;
    const cues = phrased.length > 0 || !topical ? phrased : statusTopic(clause, names);
    if (cues.length === 0) continue;
    const against = [
      ...framingCues(clause),
      ...negativeCues(clause),
      ...earlierBeforeName(clause).map((cue) => cue.word),
      ...earlierDates(clause, page.announcedOn),
      // A status word in a subordinate clause is read with the main clause's framing ("…, which …").
      ...framingCues(mainClause(sentence)),
      ...negativeCues(mainClause(sentence)),
    ];
    if (against.length === 0) return cues;
  }
  return [];
}

/** The announcing sentence of one block, if it has one. */
function announcingSentence(
  block: Block,
  byBlock: MentionsByBlock,
  page: PageContext,
): { sentence: string; cues: string[] } | null {
  const opening = block.kind === 'headline' || block.lead;
  const quotes = quotationSpans(block.text);
  const names = byBlock.get(block.index) ?? [];
  for (const sentence of sentenceSpans(block.text)) {
    if (within(quotes, sentence.start)) continue;
    const inSentence = names.map((name) => ({
      start: name.start - sentence.start,
      end: name.end - sentence.start,
    }));
    const cues = announcingCues(withoutQuotations(sentence.text), inSentence, page, opening);
    if (cues.length > 0) return { sentence: sentence.text, cues: [...new Set(cues)] };
  }
  return null;
}

/**
 * The sentence that announces designations, and where it stands: the first in the headline or lead, else the
 * first in the article's text (a heading, a list's introduction, a digest item, a paragraph).
 */
export function findAnnouncement(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  announcedOn: string | null,
): Announcing | null {
  const headline = blocks.find((block) => block.kind === 'headline')?.text ?? '';
  const page = {
    announcedOn,
    aboutSystems: icsNouns(headline).length > 0,
    framed: framingCues(headline).length > 0,
  };
  for (const block of announcingCandidates(blocks)) {
    if (underHeadingAgainst(block, blocks, announcedOn)) continue;
    const found = announcingSentence(block, byBlock, page);
    if (found) return { ...found, place: placeOf(block) };
  }
  return null;
}
