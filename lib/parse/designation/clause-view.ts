import {
  clauseAt,
  coordinateRange,
  isPossessive,
  mainClause,
  possessiveSpans,
  type Span,
  sentenceSpans,
  subordinateSpans,
  withoutQuotations,
} from './clauses.ts';
import { designationCues, earlierBeforeName, earlierDates, icsNouns, negativeCues, pivots } from './cues.ts';
import type { Block, Mention } from './model.ts';

/**
 * A mention in running prose as its sentence speaks of it: the main clause, the subordinate clause holding it, a
 * clause describing the run of names it ends, and the pivots ("after", "join") whose object it is. What puts the
 * mention outside this announcement is read from that scope, never from clauses about other names.
 */

/** One mention's sentence, the scope its cues are read from, and where it stands. */
export interface ClauseView {
  sentence: string;
  /**
   * The main clause (within the mention's own coordinated clause), plus the subordinate clause holding the mention
   * and the one describing its run of names.
   */
  scope: string;
  /** The stretch of the sentence that speaks for the mention (coordinateRange). */
  range: Span;
  offset: number;
  /** The spans of the sentence's mentions (offsets into the sentence). */
  names: { start: number; end: number }[];
}

/** The view of one mention in its block's sentence. */
export function clauseView(block: Block, mention: Mention, mentions: readonly Mention[]): ClauseView {
  const sentence = sentenceSpans(block.text).find(
    (span) => span.start <= mention.start && mention.start < span.end,
  ) ?? { start: 0, end: block.text.length, text: block.text };
  const offset = mention.start - sentence.start;
  const text = withoutQuotations(sentence.text);
  const clause = clauseAt(text, offset);
  const names = mentions.map((other) => ({
    start: other.start - sentence.start,
    end: other.end - sentence.start,
  }));
  const range = coordinateRange(text, offset, names);
  const main = mainClause(text).slice(range.start, range.end);
  const own = [clause ? text.slice(clause.start, clause.end) : '', statusClause(text, offset, names)];
  return { sentence: text, scope: [main, ...own].filter(Boolean).join(' '), range, offset, names };
}

/**
 * The clause describing the run of names a mention belongs to, when it is about their status ("both of which
 * joined in 2018"), else '' (a clause about something else, "which already has a devolution agreement", does not
 * speak for their designation).
 */
function statusClause(
  sentence: string,
  offset: number,
  names: readonly { start: number; end: number }[],
): string {
  const attached = attachedClause(sentence, offset, names);
  const described =
    attached && !isPossessive(sentence, attached) ? sentence.slice(attached.start, attached.end) : '';
  const aboutStatus =
    designationCues(described).length > 0 ||
    icsNouns(described).length > 0 ||
    /\b(?:wave|cohort|round|status|programme)\b/i.test(described);
  return aboutStatus ? described : '';
}

/**
 * The sentence as it speaks of the mention: the "whose" clauses it is not inside blanked (offsets kept), so what
 * its antecedent's predecessors or partners did is not read as said of it.
 */
export function ownSentence(view: ClauseView): string {
  let own = view.sentence;
  for (const span of possessiveSpans(view.sentence)) {
    if (span.start <= view.offset && view.offset < span.end) continue;
    own = own.slice(0, span.start) + ' '.repeat(span.end - span.start) + own.slice(span.end);
  }
  return own;
}

/**
 * The subordinate clause that describes a run of names: it opens right after them ("Gloucestershire and West
 * Yorkshire and Harrogate, both of which joined in 2018, …"), with only other names and connectives between.
 */
function attachedClause(
  sentence: string,
  offset: number,
  names: readonly { start: number; end: number }[],
): { start: number; end: number } | null {
  const after = subordinateSpans(sentence)
    .filter((span) => span.start > offset && !/^\s*\(/.test(sentence.slice(span.start)))
    .sort((a, b) => a.start - b.start)[0];
  if (!after) return null;
  let between = sentence.slice(offset, after.start);
  for (const name of names.filter((other) => other.start >= offset && other.end <= after.start))
    between = between.replace(sentence.slice(name.start, name.end), ' ');
  return /^[\s,&()]*(?:(?:and|or)\b[\s,&()]*)*$/i.test(between) ? after : null;
}

// The wave the sentence is about is this one: "in this latest group", "in the same round", "at the same time".
const SAME_WAVE =
  /\b(?:(?:in|of)\s+(?:this|the same|the latest|this latest|this new|today's)\s+(?:group|wave|round|cohort|batch|tranche)|at the same time)\b/i;

// A verb that makes the names after it the subject again: "Also joining the programme are Devon and Kent".
const COPULA = /\b(?:are|is|were|was|include|includes)\b/i;

/**
 * Pivots ("after", "than", "join", "follow") before a mention that still govern it: not inside a name ("Joined Up
 * Care Derbyshire") and with no copula between them that turns the names after it back into subjects.
 */
function governingPivots(view: ClauseView): string[] {
  // Clauses set off inside the object ("South East London, which became … in June 2019,") do not end it.
  const main = mainClause(view.sentence);
  // "We join South West London in this latest group": joined in the same wave, not after it.
  const sameWave = SAME_WAVE.test(view.sentence);
  return pivots(view.sentence)
    .filter((cue) => view.range.start <= cue.index && cue.index < view.offset)
    .filter((cue) => !(sameWave && /^(?:join|follow)/i.test(cue.word)))
    .filter((cue) => !view.names.some((name) => name.start <= cue.index && cue.index < name.end))
    .filter((cue) => {
      const between = main.slice(cue.index + cue.word.length, view.offset);
      // A pivot opening its clause ("Unlike Devon, Somerset has …", "After Dorset, …") ends its object at the comma.
      const fronted = /^[\s,;]*$/.test(main.slice(view.range.start, cue.index)) && between.includes(',');
      return (
        !fronted && !COPULA.test(between) && !leavesObject(between, cue.index + cue.word.length, view.names)
      );
    })
    .map((cue) => cue.word);
}

/**
 * Whether the text after a pivot has left its object before the mention: a comma followed by anything but
 * another name of the list ("joins them, alongside Cambridgeshire & Peterborough" leaves it; "join Dorset,
 * Gloucestershire and Frimley" does not).
 */
function leavesObject(
  between: string,
  from: number,
  names: readonly { start: number; end: number }[],
): boolean {
  for (const comma of between.matchAll(/,/g)) {
    const next = from + comma.index + 1;
    const rest = between.slice(comma.index + 1);
    const nameFollows = names.some(
      (name) =>
        name.start >= next && /^[\s]*(?:and\s+|or\s+)?(?:the\s+)?$/i.test(rest.slice(0, name.start - next)),
    );
    if (!nameFollows) return true;
  }
  return false;
}

/**
 * Whether a word before the mention ("existing", "pioneer") modifies it: not across a semicolon, and not from
 * inside a clause the mention is not in ("NENC, which takes in the existing Cumbria system; and BOB").
 */
function modifies(view: ClauseView, index: number): boolean {
  if (
    index >= view.offset ||
    index < view.range.start ||
    view.sentence.slice(index, view.offset).includes(';')
  )
    return false;
  const clause = clauseAt(view.sentence, index);
  return clause === null || (clause.start <= view.offset && view.offset < clause.end);
}

/** Words in a mention's own clause (or the main clause) that put it outside this announcement. */
export function negativesFor(view: ClauseView, announcedOn: string | null): string[] {
  const earlier = earlierBeforeName(view.sentence).filter((cue) => modifies(view, cue.index));
  return [
    ...negativeCues(view.scope),
    ...earlierDates(view.scope, announcedOn),
    ...earlier.map((cue) => cue.word),
    ...governingPivots(view),
  ];
}
