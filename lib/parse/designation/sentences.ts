import { mainClause, sentenceSpans } from './clauses.ts';
import { introOf, type MentionsByBlock } from './context.ts';
import { countPhrases } from './counts.ts';
import { designationCues, icsNouns, negativeCues } from './cues.ts';
import { type EffectiveDate, effectiveDate } from './dates.ts';
import type { Block, MentionDecision } from './model.ts';
import type { SentenceFacts } from './statements.ts';

/**
 * The article's sentences as the statements and the effective date read them: which designate, how many
 * designated areas each names, and where a designation says when it takes effect.
 */

/** Whether a sentence designates: a status word with the ICS noun, and nothing putting it elsewhere. */
export function isDesignating(sentence: string): boolean {
  return (
    designationCues(sentence).length > 0 &&
    icsNouns(sentence).length > 0 &&
    negativeCues(mainClause(sentence)).length === 0
  );
}

const QUOTED = /[“”"]|^[‘']/;

/** The sentences of the article's own paragraphs (no standfirst, lists or quoted speech), with their facts. */
export function articleFacts(
  blocks: readonly Block[],
  decisions: readonly MentionDecision[],
): SentenceFacts[] {
  const designated = decisions.filter((decision) => decision.verdict === 'designated');
  return blocks
    .filter((block) => block.kind === 'paragraph' && block.container === 'body' && !QUOTED.test(block.text))
    .flatMap((block) =>
      sentenceSpans(block.text).map((sentence) => {
        const named = designated.filter(
          (decision) =>
            decision.mention.block === block.index &&
            decision.mention.start >= sentence.start &&
            decision.mention.start < sentence.end,
        );
        return {
          sentence: sentence.text,
          designation: isDesignating(sentence.text),
          areaCount: new Set(named.map((decision) => decision.mention.area)).size,
        };
      }),
    );
}

/** The number of areas the first designating sentence states ("11 more parts of England will be designated"). */
export function waveCountOf(
  facts: readonly SentenceFacts[],
): { value: number; evidence: string; index: number } | null {
  for (const { sentence, designation } of facts) {
    if (!designation) continue;
    const count = countPhrases(sentence).find((phrase) => phrase.kind === 'wave');
    if (count) return { value: count.value, evidence: sentence, index: count.index };
  }
  return null;
}

/** Sentences that may say when the designation takes effect, most telling first. */
function designatingSentences(
  blocks: readonly Block[],
  decisions: readonly MentionDecision[],
  byBlock: MentionsByBlock,
): string[] {
  const sentencesOf = (block: Block | null | undefined) =>
    block ? sentenceSpans(block.text).map((span) => span.text) : [];
  const designated = decisions.filter((decision) => decision.verdict === 'designated');
  const lead = blocks.filter((block) => block.lead).flatMap(sentencesOf);
  const intros = designated
    .filter((decision) => decision.role === 'item')
    .flatMap((decision) => sentencesOf(introOf(blocks[decision.mention.block] as Block, blocks, byBlock)));
  const named = designated.flatMap((decision) => sentencesOf(blocks[decision.mention.block]));
  const body = blocks
    .filter((block) => block.container === 'body' && block.kind !== 'headline')
    .flatMap(sentencesOf);
  const headline = sentencesOf(blocks[0]);
  const open = (sentence: string) => negativeCues(mainClause(sentence)).length === 0;
  const designating = [...lead, ...intros, ...named, ...body, ...headline].filter(
    (sentence) => designationCues(sentence).length > 0 && open(sentence),
  );
  // Then the sentences around the announcement that speak of the status without a status verb ("They will begin
  // operating in shadow form from this month", "They hold their new status from April"): the lead, the list's
  // introduction, the named areas' own sentences, then the text that leads up to the first designated name.
  const first = Math.min(...designated.map((decision) => decision.mention.block));
  const opening = blocks
    .filter((block) => block.container === 'body' && block.kind === 'paragraph' && block.index < first)
    .flatMap(sentencesOf);
  const around = [...lead, ...intros, ...named, ...opening].filter(
    (sentence) => (STATUS_TALK.test(sentence) || icsNouns(sentence).length > 0) && open(sentence),
  );
  return [...designating, ...around];
}

const STATUS_TALK =
  /\b(?:status|shadow form|operat\w*|go(?:es)? live|tak(?:e|es) effect|come(?:s)? into effect|begin|start)\b/i;

/** When the designation takes effect: from the first designating sentence that says so, else one beside it. */
export function announcementDates(
  blocks: readonly Block[],
  decisions: readonly MentionDecision[],
  byBlock: MentionsByBlock,
  announcedOn: string,
): (EffectiveDate & { evidence: string }) | null {
  for (const sentence of designatingSentences(blocks, decisions, byBlock)) {
    const date = effectiveDate(sentence, announcedOn);
    if (date) return { ...date, evidence: sentence };
  }
  return null;
}
