import type { DesignationExtraction, MentionDecision } from './model.ts';

/**
 * `ics-lake parse --explain`: what the extractor decided about a page, one mention per line, with the words that
 * drove each decision, then the counts it checked and the outcome.
 */

const VERDICT: Record<MentionDecision['verdict'], string> = {
  designated: 'DESIGNATED',
  not_designated: 'not designated',
  part_of_another: 'same area',
};

function quoteShort(text: string, limit = 90): string {
  return `"${text.length > limit ? `${text.slice(0, limit - 1)}…` : text}"`;
}

function decisionLine(decision: MentionDecision): string {
  const { mention } = decision;
  const code = mention.ics_code ?? `ambiguous: ${mention.codes.join('/')}`;
  const cues = decision.cues.length > 0 ? ` [${[...new Set(decision.cues)].join(', ')}]` : '';
  return `  ${VERDICT[decision.verdict].padEnd(15)} ${mention.text} (${code}, ${decision.role}): ${decision.reason}${cues}\n${' '.repeat(18)}in ${quoteShort(decision.context)}`;
}

/** The explanation of one page as text lines. */
export function explainExtraction(extraction: DesignationExtraction): string {
  const lines = [
    `${extraction.source_id} ${extraction.url}`,
    `headline: ${quoteShort(extraction.headline)}`,
    `published: ${extraction.announced_on ?? 'not found'}${extraction.announced_from ? ` (from ${extraction.announced_from})` : ''}`,
    extraction.announces
      ? `announces designations (${extraction.announces.place}): ${quoteShort(extraction.announces.sentence)} [${extraction.announces.cues.join(', ')}]`
      : 'announces designations: no (no sentence of the article ties a status word to the ICS noun)',
    `mentions of known ICS names: ${extraction.decisions.length}`,
    ...extraction.decisions.map(decisionLine),
    ...extraction.counts.map(
      (check) =>
        `count (${check.scope}): says ${check.value}, found ${check.found} ${check.agrees ? 'agrees' : 'DIFFERS'} in ${quoteShort(check.evidence)}`,
    ),
    `effective from: ${extraction.effective_from ?? 'not stated'}`,
    `areas: ${extraction.areas.map((area) => `${area.name_as_published} (${area.ics_code ?? 'unresolved'})`).join(', ') || 'none'}`,
    `outcome: ${extraction.outcome}${extraction.problem ? `: ${extraction.problem}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
