import { statusTopic } from './announce.ts';
import { mainClause } from './clauses.ts';
import { countedScopes } from './count-check.ts';
import { framingCues, linkedDesignation, negativeCues } from './cues.ts';
import { type DecisionInput, decideMentions } from './decide.ts';
import type { Announcing, Block, Mention, MentionDecision } from './model.ts';

/**
 * A stated number matched exactly by the known areas it counts is itself evidence of what a page designates:
 * "The four are:" over a list of four known systems, "the eight areas are A; B; …; H". Chance rarely lines a
 * number up with that many names from the closed world. It speaks only on a page about the systems' status (the
 * ICS noun with a word of status, in its headline, its lead or the counting text itself), never for a count of
 * people or posts ("The new chairs are:") nor for most of the map ("The 42 systems are:" lists every system, not
 * a wave), and it designates only the areas counted. A number the names do not match proves nothing here: a page
 * that announces in its own words still fails closed on it (count-check.ts).
 */

/**
 * Whether a text speaks of the systems' status (the ICS noun tied to a status word, a noun of status or a number of
 * areas: "four areas added to the integrated care system programme"), with nothing making it about people, boards
 * or money ("We asked the leaders of four integrated care systems for their priorities" is not).
 */
function aboutStatus(text: string): boolean {
  const status = linkedDesignation(text).length > 0 || statusTopic(text).length > 0;
  return status && framingCues(text).length === 0 && negativeCues(mainClause(text)).length === 0;
}

/**
 * Whether the page is about the systems' status by the time it gives the counted names: in its headline, in the
 * counting text itself, or in the text that leads up to the first counted name.
 */
function leadsUpAboutStatus(
  blocks: readonly Block[],
  decisions: readonly MentionDecision[],
  counted: ReadonlySet<string>,
  evidence: string,
): boolean {
  const first = Math.min(
    ...decisions
      .filter((decision) => decision.verdict === 'designated' && counted.has(decision.mention.area))
      .map((decision) => decision.mention.block),
  );
  const before = blocks.filter((block) => block.index < first && block.container === 'body');
  return [evidence, ...before.map((block) => block.text)].some(aboutStatus);
}

/** Designated decisions outside the counted areas, set back: only the count speaks for them. */
function onlyCounted(decisions: readonly MentionDecision[], counted: ReadonlySet<string>, evidence: string) {
  return decisions.map((decision) =>
    decision.verdict === 'designated' && !counted.has(decision.mention.area)
      ? {
          ...decision,
          verdict: 'not_designated' as const,
          reason: 'not among the areas the page counts',
          cues: [],
          context: evidence,
        }
      : decision,
  );
}

/**
 * On a page with no announcing words: the count matched by its names, read as the announcement, with the
 * decisions that designate exactly the areas it counts; else null.
 */
export function countMatchedAnnouncement(
  input: Omit<DecisionInput, 'announces' | 'leadAnnounces'>,
  mentions: readonly Mention[],
  systems: number,
): { announces: Announcing; decisions: MentionDecision[] } | null {
  const { blocks } = input;
  const headline = (blocks[0] as Block).text;
  if (framingCues(headline).length > 0) return null;
  // Read every name as if the page announced: what its own context does not rule out.
  const provisional = decideMentions({ ...input, announces: true, leadAnnounces: false }, mentions);
  const match = countedScopes(blocks, input.byBlock, provisional).find(
    ({ values, areas, evidence }) =>
      areas.size >= 2 &&
      areas.size * 2 <= systems &&
      values.includes(areas.size) &&
      framingCues(evidence).length === 0 &&
      leadsUpAboutStatus(blocks, provisional, areas, evidence),
  );
  if (!match) return null;
  const value = match.areas.size;
  return {
    announces: { sentence: match.evidence, cues: [`counts ${value}`, `names ${value}`], place: 'text' },
    decisions: onlyCounted(provisional, match.areas, match.evidence),
  };
}
