import { introAgainst } from './announce.ts';
import { type ClauseView, clauseView, negativesFor, ownSentence } from './clause-view.ts';
import {
  adverbialSpans,
  mainClause,
  possessiveSpans,
  quotationSpans,
  sentenceSpans,
  subordinateSpans,
  withoutQuotations,
} from './clauses.ts';
import { introOf, LIST_SEPARATORS, type MentionsByBlock } from './context.ts';
import { countPhrases } from './counts.ts';
import {
  designationCues,
  earlierBeforeName,
  earlierDates,
  icsNouns,
  negativeCues,
  newAreaCues,
  runningTotalCues,
  waveReferences,
} from './cues.ts';
import type { Block, Mention, MentionDecision, MentionRole } from './model.ts';

/**
 * Decide, for each mention, whether this page designates the area it names, from the mention's context: its
 * container, the headings above it, the block that introduces its list, and the clause it sits in.
 */

export interface DecisionInput {
  blocks: readonly Block[];
  byBlock: MentionsByBlock;
  roles: ReadonlyMap<Mention, MentionRole>;
  announcedOn: string | null;
  /** Whether the page announces designations (in any of its sentences). */
  announces: boolean;
  /** Whether the headline or lead itself announces them (then a name in the lead shares the announcement). */
  leadAnnounces?: boolean;
}

type Verdict = Omit<MentionDecision, 'mention' | 'role'>;

const designated = (reason: string, cues: string[], context: string): Verdict => ({
  verdict: 'designated',
  reason,
  cues,
  context,
});
const notDesignated = (reason: string, cues: string[], context: string): Verdict => ({
  verdict: 'not_designated',
  reason,
  cues,
  context,
});

/** Names in a quotation, page furniture or brackets repeating the name before never count on their own. */
function containerVerdict(block: Block, mention: Mention): Verdict | null {
  if (block.container === 'quote') return notDesignated('in a quotation', [], block.text);
  if (block.container === 'furniture') return notDesignated('in page furniture', [block.text], block.text);
  if (mention.repeats !== null)
    return { ...designated('repeats the name before it', [], block.text), verdict: 'part_of_another' };
  const quote = quotationSpans(block.text).find(
    (span) => span.start <= mention.start && mention.start < span.end,
  );
  if (quote) return notDesignated('inside quotation marks', [], block.text.slice(quote.start, quote.end));
  return null;
}

/** Names under a heading about earlier systems or areas still to come ("Annex: …earlier rounds", "Still to come"). */
function headingVerdict(input: DecisionInput, block: Block): Verdict | null {
  for (const index of block.headings) {
    const heading = input.blocks[index] as Block;
    const against = introAgainst(heading.text, input.announcedOn);
    if (against.length > 0)
      return notDesignated('under a heading about other systems', against, heading.text);
  }
  return null;
}

/** The sentence of an introduction that points at the list: the one ending in a colon, or saying "below". */
function introducingSentence(text: string): string {
  const sentences = sentenceSpans(text).map((span) => withoutQuotations(span.text));
  const pointing =
    sentences.findLast((sentence) => /:\s*$/.test(sentence)) ??
    sentences.findLast((sentence) => /\b(?:below|following|as follows|listed|set out)\b/i.test(sentence));
  return pointing ?? sentences.at(-1) ?? text;
}

/**
 * Words an item says about its own name: other cells of its row ("Frimley | South East | June 2017"), or its
 * description, except clauses that describe another name ("– which takes in the … system named last year").
 */
function itemOwnAgainst(input: DecisionInput, block: Block, mention: Mention): string[] {
  const others = (input.byBlock.get(block.index) ?? []).filter((other) => other !== mention);
  if (block.kind === 'row') {
    const cells = block.text.split(' | ').filter((cell) => !cell.includes(mention.text));
    return cells.flatMap((cell) => introAgainst(cell, input.announcedOn));
  }
  // A paragraph entry speaks for its name in the sentence that names it, never in what someone is quoted saying.
  const sentence =
    block.kind === 'paragraph'
      ? sentenceSpans(block.text).find((span) => span.start <= mention.start && mention.start < span.end)
      : undefined;
  const text = withoutQuotations(block.text);
  const entry = sentence ? ' '.repeat(sentence.start) + text.slice(sentence.start, sentence.end) : text;
  const blanked =
    entry.slice(0, mention.start) + ' '.repeat(mention.end - mention.start) + entry.slice(mention.end);
  // Clauses about other names, the circumstances of the entry ("after its application was held back") and what
  // the name has ("whose predecessors were chosen in 2017").
  const foreign = [
    ...subordinateSpans(blanked).filter((span) =>
      others.some((other) => span.start <= other.start && other.start < span.end),
    ),
    ...adverbialSpans(blanked),
    ...possessiveSpans(blanked).filter((span) => !(span.start <= mention.start && mention.start < span.end)),
  ];
  let own = blanked;
  for (const span of foreign)
    own = own.slice(0, span.start) + ' '.repeat(span.end - span.start) + own.slice(span.end);
  // "existing", "pioneers" speak only for the names after them: "BOB: two pioneers and a newcomer" is not earlier.
  const earlier = earlierBeforeName(own).filter((cue) => cue.index < mention.start);
  return [...negativeCues(own), ...earlierDates(own, input.announcedOn), ...earlier.map((cue) => cue.word)];
}

/** A list item, row or name heading counts when the page announces designations and its introduction agrees. */
function itemVerdict(input: DecisionInput, block: Block, mention: Mention): Verdict {
  const own = itemOwnAgainst(input, block, mention);
  if (own.length > 0)
    return notDesignated('its own entry places it outside this announcement', own, block.text);
  const intro = introOf(block, input.blocks, input.byBlock);
  const introducing = intro ? introducingSentence(intro.text) : '';
  const totals = /:\s*$/.test(introducing) ? runningTotalCues(introducing) : [];
  const against = [...introAgainst(introducing, input.announcedOn), ...totals];
  if (against.length > 0)
    return notDesignated('listed under an introduction about other systems', against, introducing);
  if (!input.announces)
    return notDesignated('the page announces no designation', [], intro?.text ?? block.text);
  const cues = intro ? [...designationCues(intro.text), ...waveReferences(intro.text)] : [];
  const reason = intro
    ? 'listed under an introduction to the announced systems'
    : 'listed in an announcement';
  return designated(reason, cues, intro?.text ?? block.text);
}

/** Whether a sentence's main clause is a bare list of names ("Cambridgeshire and Peterborough, and Devon."). */
function isBareList(view: ClauseView, block: Block, mentions: readonly Mention[]): boolean {
  const start = block.text.indexOf(view.sentence);
  let rest = mainClause(view.sentence);
  for (const mention of mentions) {
    const at = mention.start - start;
    if (at >= 0 && at < rest.length)
      rest = rest.slice(0, at) + ' '.repeat(mention.end - mention.start) + rest.slice(mention.end - start);
  }
  const words = rest
    .replace(/^\s*(?:in|across|elsewhere in)\s+the\s+\w+\s*,/i, ' ')
    .replace(/\b(?:and|the|also|plus)\b|:/gi, ' ')
    .replace(LIST_SEPARATORS, ' ')
    .trim();
  return words.length === 0 || words.split(/\s+/).length <= 2;
}

/** Positive evidence in prose: a status word, a reference back to the wave, a bare list, or a designating section. */
function prosePositives(input: DecisionInput, block: Block, view: ClauseView): string[] {
  const own = ownSentence(view);
  const cues = [
    ...designationCues(own),
    ...waveReferences(own),
    ...countPhrases(own).map((count) => count.phrase),
    ...newAreaCues(own),
    ...ellipsisCues(input, block, view),
  ];
  if (isBareList(view, block, input.byBlock.get(block.index) ?? [])) cues.push('(a list of names)');
  for (const index of block.headings) {
    const heading = (input.blocks[index] as Block).text;
    cues.push(
      ...designationCues(heading),
      ...waveReferences(heading),
      ...(/\bnew\b/i.test(heading) ? ['new'] : []),
    );
  }
  if (block.lead && (input.leadAnnounces ?? input.announces)) cues.push('(the lead)');
  return cues;
}

// A clause that leaves out its predicate and takes the one before: "So too has BOB", "As has Devon", "Devon has
// too", "Likewise, Kent has." The auxiliary it keeps says which predicate it stands for.
const ELLIPSIS =
  /^\s*(?:(?:and\s+)?so(?:\s+too)?|as|likewise,?)\s+(has|have|is|are|was|were|will|did|does|do)\b|\b(has|have|is|are|was|were|will|did|does|do)\s+(?:too|also|likewise|as well)\s*[.!]?\s*$/i;
const AUXILIARY: Record<string, RegExp> = {
  has: /\b(?:has|have)\b/i,
  have: /\b(?:has|have)\b/i,
  is: /\b(?:is|are)\b/i,
  are: /\b(?:is|are)\b/i,
  was: /\b(?:was|were)\b/i,
  were: /\b(?:was|were)\b/i,
  will: /\bwill\b/i,
};

/** The article's own prose sentences before the one at `offset` of `block`, nearest first. */
function sentencesBefore(input: DecisionInput, block: Block, offset: number): string[] {
  const prose = input.blocks.filter(
    (other) =>
      other.index <= block.index &&
      other.container === 'body' &&
      (other.kind === 'paragraph' || other.kind === 'standfirst'),
  );
  return prose
    .flatMap((other) =>
      sentenceSpans(other.text)
        .filter((span) => other.index < block.index || span.end <= offset)
        .map((span) => withoutQuotations(span.text)),
    )
    .reverse();
}

/**
 * An elliptical clause ("So too has BOB", "Devon has too") says what the nearest sentence before it with the same
 * auxiliary says ("NENC has also been handed ICS status"): that sentence's status words, read in its main clause,
 * are its own; within three sentences back.
 */
function ellipsisCues(input: DecisionInput, block: Block, view: ClauseView): string[] {
  const elided = ELLIPSIS.exec(mainClause(view.sentence));
  if (!elided) return [];
  const auxiliary = (elided[1] ?? elided[2] ?? '').toLowerCase();
  const start = block.text.indexOf(view.sentence);
  const pattern = AUXILIARY[auxiliary];
  const before = sentencesBefore(input, block, start < 0 ? 0 : start).slice(0, 3);
  const antecedent = before.find((sentence) => !pattern || pattern.test(mainClause(sentence)));
  if (!antecedent) return [];
  const main = mainClause(antecedent);
  if (negativeCues(main).length > 0) return [];
  const cues = designationCues(main);
  return cues.length > 0 ? [`(as before: ${cues.join(', ')})`] : [];
}

/**
 * A name in running prose. Where the page gives its designated areas as a list, table or headings, prose beside
 * it needs its own designating words ("… will become ICSs"); where the page is all prose, a sentence counts when
 * it designates, continues the announced list or is a bare list of names.
 */
function inlineVerdict(input: DecisionInput, block: Block, mention: Mention, listMode: boolean): Verdict {
  const view = clauseView(block, mention, input.byBlock.get(block.index) ?? []);
  const against = negativesFor(view, input.announcedOn);
  if (against.length > 0) return notDesignated('its clause is about other systems', against, view.sentence);
  if (!input.announces) return notDesignated('the page announces no designation', [], view.sentence);
  if (listMode) {
    const cues = designationCues(view.scope);
    const status = [...icsNouns(view.sentence), ...(view.sentence.match(/\bstatus\b|\bprogramme\b/i) ?? [])];
    if (cues.length > 0 && status.length > 0)
      return designated('its sentence designates', [...cues, ...status], view.sentence);
    return notDesignated(
      'commentary beside the listed systems, with no designating words',
      [],
      view.sentence,
    );
  }
  const cues = prosePositives(input, block, view);
  if (cues.length > 0) return designated('its sentence carries the announcement', cues, view.sentence);
  return notDesignated('nothing in its sentence designates it', [], view.sentence);
}

function decideOne(input: DecisionInput, mention: Mention, listMode: boolean): MentionDecision {
  const block = input.blocks[mention.block] as Block;
  const role = input.roles.get(mention) ?? 'inline';
  const verdict =
    containerVerdict(block, mention) ??
    headingVerdict(input, block) ??
    (role === 'described'
      ? notDesignated('describes the listed system it follows', [], block.text)
      : role === 'item'
        ? itemVerdict(input, block, mention)
        : inlineVerdict(input, block, mention, listMode));
  return { mention, role, ...verdict };
}

/**
 * Partial or ambiguous names ("Greater Nottingham and Rushcliffe", "the Cumbria system") of an ICS that a whole
 * name designates on the same page are part of that area, not further areas; an ambiguous name ("Cumbria") is
 * also the area of any designated name that resolves to one of its ICSs ("West, North and East Cumbria").
 */
function absorbParts(decisions: MentionDecision[]): MentionDecision[] {
  const designated = decisions
    .filter((decision) => decision.verdict === 'designated')
    .map((decision) => decision.mention);
  const whole = new Map(
    designated
      .filter((mention) => !mention.partial && mention.ics_code)
      .map((mention) => [mention.ics_code, mention]),
  );
  const resolved = new Map(
    designated.filter((mention) => mention.ics_code).map((mention) => [mention.ics_code, mention]),
  );
  return decisions.map((decision) => {
    const { mention } = decision;
    if (decision.verdict !== 'designated' || (!mention.partial && mention.ics_code)) return decision;
    const ambiguous = mention.ics_code === null;
    const container = mention.codes
      .map((code) => whole.get(code) ?? (ambiguous ? resolved.get(code) : undefined))
      .find((other) => other !== undefined && other !== mention);
    if (!container) return decision;
    return {
      ...decision,
      verdict: 'part_of_another',
      reason: `part of ${container.text}`,
      cues: [container.text],
    };
  });
}

/** Decide every mention: items and headings first, then prose (which depends on whether a list designated). */
export function decideMentions(input: DecisionInput, mentions: readonly Mention[]): MentionDecision[] {
  const structured = mentions.map((mention) => decideOne(input, mention, false));
  // Lists, tables and name headings make prose beside them commentary; paragraphs that are lists themselves
  // (names only, one area per paragraph) are prose, and leave the prose around them to be read as prose.
  const listMode = structured.some(
    (decision) =>
      decision.role === 'item' &&
      decision.verdict === 'designated' &&
      input.blocks[decision.mention.block]?.kind !== 'paragraph',
  );
  const decisions = mentions.map((mention, index) =>
    input.roles.get(mention) === 'inline'
      ? decideOne(input, mention, listMode)
      : (structured[index] as MentionDecision),
  );
  return absorbParts(decisions);
}
