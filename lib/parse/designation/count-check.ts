import { mainClause, quotationSpans, sentenceSpans, within } from './clauses.ts';
import { introOf, type MentionsByBlock } from './context.ts';
import { countPhrases, pageCount } from './counts.ts';
import { negativeCues } from './cues.ts';
import type { Block, CountCheck, MentionDecision } from './model.ts';

/**
 * Compare every number of areas the page states with the areas found in the same scope: the headline and lead
 * against all designated areas, a list's (or table's, or heading run's) introduction against the areas listed
 * under it, and a sentence such as "The remaining four are …" against the names in that sentence.
 */

interface Scope {
  evidence: string;
  values: number[];
  areas: Set<string>;
}

function areasOf(decisions: readonly MentionDecision[]): Set<string> {
  return new Set(
    decisions
      .filter((decision) => decision.verdict === 'designated')
      .map((decision) => decision.mention.area),
  );
}

function openSentences(block: Block): string[] {
  const quotes = quotationSpans(block.text);
  return sentenceSpans(block.text)
    .filter((sentence) => !within(quotes, sentence.start))
    .map((sentence) => sentence.text);
}

/** Counts stated in the headline and lead, for the whole page. */
function pageScopes(blocks: readonly Block[]): { value: number; evidence: string }[] {
  return blocks
    .filter((block) => block.kind === 'headline' || block.lead)
    .flatMap(openSentences)
    .flatMap((sentence) => {
      const count = pageCount(sentence);
      return count ? [{ value: count.value, evidence: sentence }] : [];
    });
}

/** Listed areas grouped by the block that introduces them, with the counts that introduction (or a total row) states. */
function groupScopes(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  decisions: readonly MentionDecision[],
): Scope[] {
  const groups = new Map<
    number,
    { intro: Block | null; decisions: MentionDecision[]; tables: Set<number> }
  >();
  for (const decision of decisions.filter((candidate) => candidate.role === 'item')) {
    const block = blocks[decision.mention.block] as Block;
    const intro = introOf(block, blocks, byBlock);
    const key = intro?.index ?? -1;
    const group = groups.get(key) ?? { intro, decisions: [], tables: new Set<number>() };
    group.decisions.push(decision);
    if (block.kind === 'row' && block.group !== null) group.tables.add(block.group);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ intro, decisions: listed, tables }) => {
    const totalRows = blocks.filter(
      (block) =>
        block.kind === 'row' &&
        tables.has(block.group ?? -1) &&
        (byBlock.get(block.index) ?? []).length === 0,
    );
    const texts = [...(intro ? openSentences(intro) : []), ...totalRows.map((row) => row.text)];
    const values = texts
      .filter((text) => negativeCues(mainClause(text)).length === 0)
      .flatMap((text) => countPhrases(text).filter((count) => count.kind === 'wave'))
      .map((count) => count.value);
    return { evidence: texts.join(' / '), values, areas: areasOf(listed) };
  });
}

/** Sentences that count the names they list ("The remaining four are A, B, C and D"). */
function sentenceScopes(blocks: readonly Block[], decisions: readonly MentionDecision[]): Scope[] {
  const inline = decisions.filter(
    (decision) =>
      decision.role === 'inline' &&
      decision.verdict === 'designated' &&
      !blocks[decision.mention.block]?.lead,
  );
  const scopes = new Map<string, Scope>();
  for (const decision of inline) {
    const block = blocks[decision.mention.block] as Block;
    if (block.kind === 'headline') continue;
    const sentence = sentenceSpans(block.text).find(
      (span) => span.start <= decision.mention.start && decision.mention.start < span.end,
    );
    if (!sentence || /\b(?:including|among them|such as)\b/i.test(sentence.text)) continue;
    const key = `${block.index}:${sentence.start}`;
    const scope = scopes.get(key) ?? {
      evidence: sentence.text,
      values: countPhrases(sentence.text).map((count) => count.value),
      areas: new Set<string>(),
    };
    scope.areas.add(decision.mention.area);
    scopes.set(key, scope);
  }
  return [...scopes.values()];
}

/** Every stated count set against the areas found in its scope. */
export function countChecks(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  decisions: readonly MentionDecision[],
  unknown = 0,
): CountCheck[] {
  const scoped = [
    ...groupScopes(blocks, byBlock, decisions).flatMap((scope) =>
      scope.values.map((value) => ({
        value,
        scope: 'group' as const,
        evidence: scope.evidence,
        found: scope.areas.size,
      })),
    ),
    ...sentenceScopes(blocks, decisions).flatMap((scope) =>
      scope.values.map((value) => ({
        value,
        scope: 'sentence' as const,
        evidence: scope.evidence,
        found: scope.areas.size,
      })),
    ),
  ].map((check) => ({ ...check, agrees: check.value === check.found }));
  const total = areasOf(decisions).size + unknown;
  // A page count may name one group of several ("Eight parts of England …" above a list of eight and a list of two).
  const groupTotals = new Set(scoped.filter((check) => check.agrees).map((check) => check.value));
  const page = pageScopes(blocks).map(({ value, evidence }) => ({
    value,
    scope: 'page' as const,
    evidence,
    found: total,
    agrees: value === total || groupTotals.has(value),
  }));
  return [...page, ...scoped];
}
