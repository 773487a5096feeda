import type { MentionsByBlock } from './context.ts';
import type { Block, DesignatedArea, MentionDecision } from './model.ts';

/**
 * The closed world finds only names it knows. A list that designates known systems may carry one it does not (a
 * name no lookup or alias has yet): such an entry is reported as an unresolved area, never dropped, so normalise
 * quarantines the name and the count check still sees it.
 */

const CONNECTIVES = new Set(['and', 'the', 'of', 'with', '&']);
// The name part of an entry: up to a dash, colon, bracket or comma that opens its description.
const NAME_PART = /^[\s•*·\d.)–-]*([^–—:(,;]+?)\s*(?:$|[–—:(,;]|\s-\s)/;

/** The name an entry starts with, if it reads as a proper name: two to eight words, each capitalised or a connective. */
function entryName(text: string): string | null {
  const name = NAME_PART.exec(text)?.[1]?.trim();
  if (!name) return null;
  const words = name.split(/\s+/);
  if (words.length < 2 || words.length > 8) return null;
  const proper = words.every((word) => CONNECTIVES.has(word.toLowerCase()) || /^\p{Lu}/u.test(word));
  return proper && /^\p{Lu}/u.test(name) ? name : null;
}

/** Entries of lists that designate known systems whose own names the gazetteer does not hold. */
export function unknownListedNames(
  blocks: readonly Block[],
  byBlock: MentionsByBlock,
  decisions: readonly MentionDecision[],
): DesignatedArea[] {
  const designatingLists = new Set(
    decisions
      .filter((decision) => decision.role === 'item' && decision.verdict === 'designated')
      .map((decision) => blocks[decision.mention.block] as Block)
      .filter((block) => block.kind === 'item' && block.group !== null)
      .map((block) => block.group),
  );
  return blocks
    .filter((block) => block.kind === 'item' && designatingLists.has(block.group))
    .filter((block) => block.container === 'body' && (byBlock.get(block.index) ?? []).length === 0)
    .flatMap((block) => {
      const name = entryName(block.text);
      if (!name) return [];
      return [
        {
          area: `unresolved:${name.toLowerCase()}`,
          ics_code: null,
          name_as_published: name,
          matched_variant: name,
          codes: ['?'],
          evidence: block.text,
          decided_by: 'listed with the designated systems; the name is in no lookup or alias',
        },
      ];
    });
}
