import { mainClause, quotationSpans, sentenceSpans, within, withoutQuotations } from './clauses.ts';
import type { MentionsByBlock } from './context.ts';
import { earlierBeforeName, earlierDates, framingCues, linkedDesignation, negativeCues } from './cues.ts';
import type { Block } from './model.ts';

/**
 * Whether a page announces designations at all: the headline, the lead, a heading or a list's introduction ties a
 * status word to the ICS noun ("Eleven more areas to become integrated care systems"), with nothing putting it
 * elsewhere (an earlier wave, areas still to come, appointments, boards, funding).
 */

/** Words in an introduction or heading that make what follows it other systems than the announced ones. */
export function introAgainst(text: string, announcedOn: string | null): string[] {
  return [
    ...negativeCues(mainClause(text)),
    ...earlierBeforeName(text).map((cue) => cue.word),
    ...earlierDates(mainClause(text), announcedOn),
  ];
}

/** Whether a paragraph introduces the list or table after it ("The following are designated as ICSs:"). */
function introducesList(block: Block, blocks: readonly Block[]): boolean {
  const next = blocks[block.index + 1];
  return block.kind === 'paragraph' && /:\s*$/.test(block.text) && next !== undefined && next.group !== null;
}

/**
 * The sentence that announces designations: in the headline, the lead or a heading of the article (a news
 * round-up announces under its own heading), a status word with the ICS noun, and nothing against it.
 */
export function findAnnouncement(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  announcedOn: string | null,
): { sentence: string; cues: string[] } | null {
  const announcing = blocks.filter(
    (block) =>
      block.container === 'body' &&
      (block.kind === 'headline' || block.lead || block.kind === 'heading' || introducesList(block, blocks)),
  );
  for (const block of announcing) {
    const quotes = quotationSpans(block.text);
    const names = byBlock.get(block.index) ?? [];
    for (const sentence of sentenceSpans(block.text)) {
      if (within(quotes, sentence.start)) continue;
      const inSentence = names.map((name) => ({
        start: name.start - sentence.start,
        end: name.end - sentence.start,
      }));
      const text = withoutQuotations(sentence.text);
      const cues = linkedDesignation(text, inSentence);
      if (cues.length === 0) continue;
      const against = [...framingCues(text), ...introAgainst(text, announcedOn)];
      if (against.length === 0) return { sentence: sentence.text, cues: [...new Set(cues)] };
    }
  }
  return null;
}
