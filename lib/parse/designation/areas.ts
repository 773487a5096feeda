import { sentenceSpans } from './clauses.ts';
import type { Block, DesignatedArea, MentionDecision } from './model.ts';

/**
 * The areas a page designates: designated mentions grouped by the area they count as, each area named by its
 * first designated mention in the article text (the headline only when the text never names it).
 */

/** The sentence (for prose) or the whole item, row or heading a mention was decided in. */
export function evidenceOf(decision: MentionDecision, block: Block): string {
  if (decision.role !== 'inline') return block.text;
  const sentence = sentenceSpans(block.text).find(
    (span) => span.start <= decision.mention.start && decision.mention.start < span.end,
  );
  return sentence?.text ?? block.text;
}

/** "reason: cue, cue" for a decision. */
export function decidedBy(decision: MentionDecision): string {
  const cues = [...new Set(decision.cues)];
  return cues.length > 0 ? `${decision.reason}: ${cues.join(', ')}` : decision.reason;
}

/** Group designated mentions into areas, in order of first designation in the article text. */
export function designatedAreas(
  decisions: readonly MentionDecision[],
  blocks: readonly Block[],
): DesignatedArea[] {
  const designated = decisions.filter((decision) => decision.verdict === 'designated');
  const ordered = [
    ...designated.filter((decision) => blocks[decision.mention.block]?.kind !== 'headline'),
    ...designated.filter((decision) => blocks[decision.mention.block]?.kind === 'headline'),
  ];
  const areas = new Map<string, DesignatedArea>();
  for (const decision of ordered) {
    const { mention } = decision;
    if (areas.has(mention.area)) continue;
    areas.set(mention.area, {
      area: mention.area,
      ics_code: mention.ics_code,
      name_as_published: mention.text,
      matched_variant: mention.matched_variant,
      codes: mention.codes,
      evidence: evidenceOf(decision, blocks[mention.block] as Block),
      decided_by: decidedBy(decision),
    });
  }
  return [...areas.values()];
}
