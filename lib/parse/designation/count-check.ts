import { mainClause, quotationSpans, type Span, sentenceSpans, within } from './clauses.ts';
import { introOf, type MentionsByBlock } from './context.ts';
import { countPhrases, memberOfCount, pageCount, waveCounts } from './counts.ts';
import { designationCues, negativeCues, newAreaCues } from './cues.ts';
import type { Block, CountCheck, MentionDecision } from './model.ts';

/**
 * Compare every number of areas the page states with the areas found in the same scope: the headline and lead
 * against all designated areas, a list's (or table's, or heading run's) introduction against the areas listed
 * under it, and a sentence such as "The remaining four are …" against the names in that sentence.
 */

/** A stretch of the page that states numbers of areas, and the designated areas it names. */
export interface Scope {
  evidence: string;
  values: number[];
  areas: Set<string>;
  /** The areas a list names, designated or not, when the scope is a list (its introduction may count them all). */
  listed?: number;
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

// Words after a count that add named areas to it: "Eight areas …, with Surrey Heartlands joining them".
const ADDING = /\b(?:with|plus|alongside|as well as|together with)\b/i;

/**
 * The designated areas a counted sentence adds to its count by name after an "adding" word ("Eight areas will
 * take on shared budgets, with Surrey Heartlands joining them": nine in all).
 */
function addedByName(
  block: Block,
  sentence: { start: number; end: number },
  countEnd: number,
  decisions: readonly MentionDecision[],
): number {
  const designated = areasOf(decisions);
  const names = decisions
    .filter(({ mention }) => mention.block === block.index)
    .map(({ mention }) => mention);
  // The words between the count and a name, other names blanked ("Luton with Milton Keynes" adds nothing).
  const between = (start: number) =>
    names.reduce(
      (text, other) =>
        other.start >= countEnd && other.end <= start
          ? text.slice(0, other.start - countEnd) +
            ' '.repeat(other.end - other.start) +
            text.slice(other.end - countEnd)
          : text,
      block.text.slice(countEnd, start),
    );
  // Inside brackets opened after the count, the names are the ones counted: "eight areas (A, B with C, D)".
  const bracketed = (gap: string) => gap.lastIndexOf('(') > gap.lastIndexOf(')');
  const added = decisions.filter(({ mention }) => {
    if (!designated.has(mention.area) || mention.block !== block.index) return false;
    if (mention.start < countEnd || mention.start >= sentence.end) return false;
    const gap = between(mention.start);
    return ADDING.test(gap) && !bracketed(gap);
  });
  return new Set(added.map((decision) => decision.mention.area)).size;
}

/**
 * Counts stated for the whole page, with the areas each adds by name: in the headline and lead, and in the
 * sentence that announces the designations wherever it stands ("Another four areas have now been designated").
 */
function pageScopes(
  blocks: readonly Block[],
  decisions: readonly MentionDecision[],
  announcing: string | null,
): { value: number; evidence: string }[] {
  return blocks
    .filter(
      (block) => block.kind === 'headline' || block.lead || (announcing && block.text.includes(announcing)),
    )
    .flatMap((block) => {
      const quotes = quotationSpans(block.text);
      return sentenceSpans(block.text)
        .filter((sentence) => !within(quotes, sentence.start))
        .filter((sentence) => block.kind === 'headline' || block.lead || sentence.text === announcing)
        .flatMap((sentence) => {
          const count = pageCount(sentence.text);
          if (!count) return [];
          const countEnd = sentence.start + count.index + count.phrase.length;
          const value = count.value + addedByName(block, sentence, countEnd, decisions);
          return [{ value, evidence: sentence.text }];
        });
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
  // A group none of whose entries is designated is about other systems: its numbers count those.
  const designating = [...groups.values()].filter(({ decisions: listed }) => areasOf(listed).size > 0);
  return designating.map(({ intro, decisions: listed, tables }) => {
    const totalRows = blocks.filter(
      (block) =>
        block.kind === 'row' &&
        tables.has(block.group ?? -1) &&
        (byBlock.get(block.index) ?? []).length === 0,
    );
    const texts = [...(intro ? openSentences(intro) : []), ...totalRows.map((row) => row.text)];
    const named = new Set(listed.map((decision) => decision.mention.area)).size;
    return { evidence: texts.join(' / '), values: waveValues(texts), areas: areasOf(listed), listed: named };
  });
}

/**
 * Sentences that count the names they list ("The remaining four are A, B, C and D"). A number counts the names
 * that follow it when any do ("… takes in Norfolk and Waveney and four partnerships in the South West: A; B; C;
 * D": four), else the names before it ("A, B and C are the three new systems").
 */
function sentenceScopes(blocks: readonly Block[], decisions: readonly MentionDecision[]): Scope[] {
  const inline = decisions.filter(
    (decision) =>
      decision.role === 'inline' &&
      decision.verdict === 'designated' &&
      !blocks[decision.mention.block]?.lead &&
      blocks[decision.mention.block]?.kind !== 'headline',
  );
  const sentences = new Map<
    string,
    { block: Block; sentence: Span & { text: string }; named: MentionDecision[] }
  >();
  for (const decision of inline) {
    const block = blocks[decision.mention.block] as Block;
    const sentence = sentenceSpans(block.text).find(
      (span) => span.start <= decision.mention.start && decision.mention.start < span.end,
    );
    if (!sentence || /\b(?:including|among them|such as)\b/i.test(sentence.text)) continue;
    const key = `${block.index}:${sentence.start}`;
    const entry = sentences.get(key) ?? { block, sentence, named: [] };
    entry.named.push(decision);
    sentences.set(key, entry);
  }
  return [...sentences.values()].flatMap(({ sentence, named }) =>
    countPhrases(sentence.text).map((count) => {
      const end = sentence.start + count.index + count.phrase.length;
      const after = named.filter((decision) => decision.mention.start >= end);
      return {
        evidence: sentence.text,
        values: [count.value],
        areas: areasOf(after.length > 0 ? after : named),
      };
    }),
  );
}

/** Count phrases of the kind that state a wave, in the open (unquoted, not negated) sentences of some texts. */
function waveValues(texts: readonly string[]): number[] {
  return texts.flatMap(waveCounts).map((count) => count.value);
}

/**
 * Sections holding designated names, with the counts stated before the first of them: in the section's heading
 * ("Integrated care: four South West systems confirmed") or the paragraphs opening it ("3.1 All 13 partnerships
 * met the criteria." above the list in 3.2).
 */
function sectionScopes(blocks: readonly Block[], decisions: readonly MentionDecision[]): Scope[] {
  const designated = decisions.filter((decision) => decision.verdict === 'designated');
  const headings = new Set(
    designated.flatMap((decision) => blocks[decision.mention.block]?.headings.slice(0, 1) ?? []),
  );
  return [...headings].map((index) => {
    const heading = blocks[index] as Block;
    const inSection = (block: Block) => block.headings.includes(index);
    const named = designated.filter((decision) => inSection(blocks[decision.mention.block] as Block));
    const first = Math.min(...named.map((decision) => decision.mention.block));
    const opening = blocks.filter(
      (block) =>
        block.index < first && inSection(block) && block.kind === 'paragraph' && block.container === 'body',
    );
    const texts = [heading.text, ...opening.flatMap(openSentences)];
    return { evidence: texts.join(' / '), values: waveValues(texts), areas: areasOf(named) };
  });
}

/**
 * "We are one of four areas confirmed today": the wave the page's own area belongs to, a count of the page only
 * when the page also names the others with it (a release naming only itself says where it stands, not who else).
 */
function memberScopes(blocks: readonly Block[], decisions: readonly MentionDecision[]): Scope[] {
  const areas = areasOf(decisions);
  if (areas.size < 2) return [];
  return blocks
    .filter(
      (block) => block.container === 'body' && (block.kind === 'paragraph' || block.kind === 'standfirst'),
    )
    .flatMap(openSentences)
    .filter((sentence) => negativeCues(mainClause(sentence)).length === 0)
    .flatMap((sentence) => {
      const member = memberOfCount(sentence);
      const status = designationCues(sentence).length > 0 || newAreaCues(sentence).length > 0;
      return member && status ? [{ evidence: sentence, values: [member.value], areas }] : [];
    });
}

/**
 * The checks of some scopes; a group's count may also be the page's ("The eleven new systems are:" above one
 * region), or count every entry of its list when the entries themselves say which are designated ("All 42 systems"
 * over a status table whose new rows are the wave).
 */
function checksOf(scopes: readonly Scope[], scope: 'group' | 'sentence', total: number): CountCheck[] {
  return scopes.flatMap(({ values, evidence, areas, listed }) =>
    values.map((value) => ({
      value,
      scope,
      evidence,
      found: areas.size,
      agrees:
        value === areas.size ||
        (scope === 'group' &&
          (value === total || (listed !== undefined && listed > areas.size && value === listed))),
    })),
  );
}

/**
 * Numbers the rest of the text gives the designated areas by referring back to them ("Leaders in these eight areas
 * will agree a shared budget"), outside the headline, the lead and the sentences that name them.
 */
function referenceValues(blocks: readonly Block[]): { value: number; evidence: string }[] {
  return blocks
    .filter((block) => block.container === 'body' && block.kind === 'paragraph' && !block.lead)
    .flatMap(openSentences)
    .flatMap((sentence) =>
      waveCounts(sentence)
        .filter((count) => /^(?:these|the)\s/i.test(count.phrase))
        .map((count) => ({ value: count.value, evidence: sentence })),
    );
}

/** The lists, tables, sections and sentences of a page that state numbers, each with the areas it names. */
export function countedScopes(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  decisions: readonly MentionDecision[],
): Scope[] {
  return [
    ...groupScopes(blocks, byBlock, decisions),
    ...sentenceScopes(blocks, decisions),
    ...sectionScopes(blocks, decisions),
  ];
}

/** Every stated count set against the areas found in its scope. */
export function countChecks(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  decisions: readonly MentionDecision[],
  unknown = 0,
  announcing: string | null = null,
): CountCheck[] {
  const total = areasOf(decisions).size + unknown;
  const scoped = [
    ...checksOf(groupScopes(blocks, byBlock, decisions), 'group', total),
    ...checksOf(sentenceScopes(blocks, decisions), 'sentence', total),
    ...checksOf(sectionScopes(blocks, decisions), 'group', total),
  ];
  // A page count may name one group of several ("Eight parts of England …" above a list of eight and a list of two).
  const groupTotals = new Set(
    scoped.filter((check) => check.value === check.found).map((check) => check.value),
  );
  const page = [
    ...pageScopes(blocks, decisions, announcing),
    ...memberScopes(blocks, decisions).flatMap(({ values, evidence }) =>
      values.map((value) => ({ value, evidence })),
    ),
  ].map(({ value, evidence }) => ({
    value,
    scope: 'page' as const,
    evidence,
    found: total,
    agrees: value === total || groupTotals.has(value),
  }));
  const stated = [...page, ...scoped].map((check) => check.evidence);
  const references = referenceValues(blocks).filter(
    ({ evidence }) => !stated.some((other) => other.includes(evidence)),
  );
  const text = references.map(({ value, evidence }) => ({
    value,
    scope: 'text' as const,
    evidence,
    found: total,
    agrees: value === total,
  }));
  return [...page, ...scoped, ...text];
}

/**
 * The number of areas the page says it designates: a count of the page (headline, lead, "one of four"), else a
 * count of one group, section or sentence that holds every designated area, else a number the text refers back
 * with that agrees.
 */
export function statedCount(counts: readonly CountCheck[]): number | null {
  const page = counts.find((check) => check.scope === 'page');
  if (page) return page.value;
  const total = Math.max(0, ...counts.map((check) => check.found));
  return counts.find((check) => check.agrees && check.found === total)?.value ?? null;
}
