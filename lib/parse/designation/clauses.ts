import { splitSentences } from '../text.ts';

/**
 * Sentences, quotations and clauses of a block, as offsets into its text. A cue in a sentence's main clause
 * speaks for the whole sentence; a cue inside a subordinate clause (brackets, a pair of dashes, ", which …")
 * speaks only for the names inside it: "Surrey Heartlands, which already has a devolution agreement" stays
 * designated, while "Greater Manchester, which …, is not part of the list" does not.
 */

export interface Span {
  start: number;
  end: number;
}

/** The sentences of a block with their offsets (the block text is already whitespace-collapsed). */
export function sentenceSpans(text: string): (Span & { text: string })[] {
  const spans: (Span & { text: string })[] = [];
  let from = 0;
  for (const sentence of splitSentences(text)) {
    const start = text.indexOf(sentence, from);
    if (start < 0) continue;
    spans.push({ start, end: start + sentence.length, text: sentence });
    from = start + sentence.length;
  }
  return spans;
}

const OPENING: Record<string, string> = { '“': '”', '"': '"', '‘': '’' };

/**
 * Quoted passages: “…” and "…", and ‘…’ when it holds at least five words (a single-quoted phrase such as
 * ‘accountable care systems’ is a term, not speech; an apostrophe inside a word never closes a quotation).
 */
export function quotationSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (let index = 0; index < text.length; index++) {
    const close = OPENING[text[index] ?? ''];
    if (!close) continue;
    let end = index + 1;
    while (end < text.length && !(text[end] === close && !/\p{L}/u.test(text[end + 1] ?? ''))) end++;
    const inner = text.slice(index + 1, end);
    if (close === '’' && inner.split(/\s+/).length < 5) continue;
    spans.push({ start: index, end: Math.min(end + 1, text.length) });
    index = end;
  }
  return spans;
}

/** The text with its quotations blanked out (offsets kept): what a quoted speaker says is not the page's claim. */
export function withoutQuotations(text: string): string {
  let blanked = text;
  for (const span of quotationSpans(text)) {
    blanked = blanked.slice(0, span.start) + ' '.repeat(span.end - span.start) + blanked.slice(span.end);
  }
  return blanked;
}

// Words that open a subordinate clause after a comma.
// A participle after a comma opens a clause too: ", bringing the total to 29", ", sharing learning with …".
const SUBORDINATE_OPENERS =
  /,\s+(?:which|who|whose|where|while|whereas|although|though|before|until|with|home to|\p{Ll}+ing|among them|formerly|now|part of|both|each|a footprint)\b/gu;

// An adverbial clause of time, cause or concession ("… is confirmed after its application was held back in
// December", "… despite concerns about its finances"): the circumstances, not the status of the names before it.
const ADVERBIAL =
  /(?<=\S)\s+(?:after|despite|because|although|though|whereas)\s+(?=(?:a|an|the|its|their|his|her|our|some|months|years|weeks|being|having)\b)/gi;

/** Adverbial clauses of a sentence ("after its application was held back in December"), to its next comma. */
export function adverbialSpans(sentence: string): Span[] {
  return [...sentence.matchAll(ADVERBIAL)].map((match) => {
    const stop = /[,;:]/.exec(sentence.slice(match.index + 1));
    return { start: match.index, end: stop ? match.index + 1 + stop.index : sentence.length };
  });
}

/**
 * Subordinate clauses of one sentence (offsets into the sentence): brackets, dash pairs, ", which …" clauses and
 * adverbial clauses ("after its application was held back").
 */
export function subordinateSpans(sentence: string): Span[] {
  const spans: Span[] = [];
  for (const match of sentence.matchAll(/\([^()]*\)/g)) {
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  const dashes = [...sentence.matchAll(/\s[–—]\s/g)].map((match) => match.index);
  for (let index = 0; index < dashes.length; index += 2) {
    const start = dashes[index] as number;
    spans.push({ start, end: dashes[index + 1] ?? sentence.length });
  }
  for (const match of sentence.matchAll(SUBORDINATE_OPENERS)) {
    const rest = sentence.slice(match.index + 1);
    const stop = /[,;:]/.exec(rest);
    spans.push({ start: match.index, end: stop ? match.index + 1 + stop.index : sentence.length });
  }
  return [...spans, ...adverbialSpans(sentence)];
}

/**
 * A "whose" clause speaks of something its antecedent has ("BOB, whose two predecessor systems were chosen in
 * 2017"), not of the antecedent: its dates, negatives and status words are background for its own names only.
 */
export function isPossessive(sentence: string, clause: Span): boolean {
  return /^[\s,]*whose\b/i.test(sentence.slice(clause.start, clause.end));
}

/** The "whose" clauses of a sentence. */
export function possessiveSpans(sentence: string): Span[] {
  return subordinateSpans(sentence).filter((span) => isPossessive(sentence, span));
}

/** The main clause of a sentence: the sentence with its subordinate clauses blanked out (offsets kept). */
export function mainClause(sentence: string): string {
  let main = sentence;
  for (const span of subordinateSpans(sentence)) {
    main = main.slice(0, span.start) + ' '.repeat(span.end - span.start) + main.slice(span.end);
  }
  return main;
}

/** The innermost subordinate clause holding an offset, or null when the offset is in the main clause. */
export function clauseAt(sentence: string, offset: number): Span | null {
  const holding = subordinateSpans(sentence).filter((span) => span.start <= offset && offset < span.end);
  return holding.sort((a, b) => a.end - a.start - (b.end - b.start))[0] ?? null;
}

/** Whether an offset lies inside any of the spans. */
export function within(spans: readonly Span[], offset: number): boolean {
  return spans.some((span) => span.start <= offset && offset < span.end);
}

// Where a sentence joins clauses of its own: "; " and ", but".
const COORDINATOR = /;\s*|,\s+(?=but\b)/g;

/**
 * The stretch of a sentence that speaks for the name at `offset`: its own coordinated clause when that clause says
 * something of its own in its main clause ("Somerset and Derbyshire were chosen; Devon missed out", "…, but
 * Somerset is in"), or, for an entry of a list run on with semicolons ("The eight areas are A; B; and C, serving
 * …"), the clause that opened the list through to the entry. `names` are the spans of the sentence's names, which say nothing of their own.
 */
export function coordinateRange(sentence: string, offset: number, names: readonly Span[]): Span {
  const bounds = [0, ...[...sentence.matchAll(COORDINATOR)].map((match) => match.index), sentence.length];
  const segments = bounds.slice(0, -1).map((start, index) => ({ start, end: bounds[index + 1] as number }));
  const main = mainClause(sentence);
  const saysSomething = (segment: Span) => {
    let text = main.slice(segment.start, segment.end);
    for (const name of names.filter((other) => other.start >= segment.start && other.end <= segment.end))
      text = text.replace(sentence.slice(name.start, name.end), ' ');
    return /\p{L}{2,}/u.test(text.replace(/\b(?:and|or|but|the|also|plus)\b/gi, ' '));
  };
  const at = segments.findIndex((segment) => segment.start <= offset && offset < segment.end);
  const own = segments[at];
  if (!own) return { start: 0, end: sentence.length };
  if (saysSomething(own)) return own;
  const opener = segments.slice(0, at).findLast(saysSomething);
  return { start: opener?.start ?? 0, end: own.end };
}
