import { countPhrases } from './counts.ts';
import { isRegionLabel, linkedDesignation, newAreaCues, waveReferences } from './cues.ts';
import type { Block, Mention, MentionRole } from './model.ts';

/**
 * Where a mention stands in the page's structure: the name a list item, table row or heading is about, a name
 * in the description that follows it, or a name in running prose; and, for list items, rows and runs of name
 * headings, the block that introduces them.
 */

/** What separates the names of a list written in one line: commas, semicolons, bars, slashes, dots, bullets, dashes. */
export const LIST_SEPARATORS = /[\s,;.&()|/·•–—-]/g;

/** A block's mentions, by block index. */
export type MentionsByBlock = ReadonlyMap<number, readonly Mention[]>;

// What may stand before a list item's or heading's name: bullets, numbering, "The", "NHS".
const LEADING = /^[\s•*·\d.)–-]*(?:the\s+|nhs\s+)?$/i;
// What may follow a heading's name: nothing, brackets, or a separator opening a description ("Devon: 1.2m").
const HEADING_TAIL = /^\s*(?:\([^)]*\)\s*)*(?:$|[:–—-]\s|,\s)/;
// A paragraph is a name entry only when a colon or dash follows the name ("Devon – 1.2 million people").
const PARAGRAPH_TAIL = /^\s*(?:\([^)]*\)\s*)*(?:$|[:–—]\s|\s-\s)/;

/** Whether the text before a name is only a region label ("Midlands: Lincolnshire", "In London, …"). */
function labelledBefore(prefix: string): boolean {
  const label = prefix.replace(/[:,–—-]\s*$/, '').replace(/^\s*in\s+(?:the\s+)?/i, '');
  return /[:,–—-]\s*$/.test(prefix) && label.trim().length > 0 && isRegionLabel(label);
}

/** Whether a name opens a block, after at most bullets, numbering or a region label. */
function leadsBlock(block: Block, mention: Mention): boolean {
  const prefix = block.text.slice(0, mention.start);
  return LEADING.test(prefix) || labelledBefore(prefix);
}

function opensWithName(block: Block, mentions: readonly Mention[], tail: RegExp): boolean {
  const first = mentions[0];
  return first !== undefined && leadsBlock(block, first) && tail.test(block.text.slice(first.end));
}

const cache = new WeakMap<readonly Block[], Set<number>>();

/**
 * The blocks that are entries of a list written without list markup: headings that are names ("Suffolk & North
 * East Essex", "2. Somerset (BNSSG)"), paragraphs that open with a name and a colon or dash when there are at
 * least two of them ("Devon – 1.2 million people"), paragraphs of nothing but names, and runs of paragraphs that
 * each open with the name of the area they describe.
 */
export function nameBlocks(blocks: readonly Block[], byBlock: MentionsByBlock): Set<number> {
  const cached = cache.get(blocks);
  if (cached) return cached;
  const body = blocks.filter((block) => block.container === 'body');
  const mentionsOf = (block: Block) => byBlock.get(block.index) ?? [];
  const headings = body.filter(
    (block) => block.kind === 'heading' && opensWithName(block, mentionsOf(block), HEADING_TAIL),
  );
  const paragraphs = body.filter(
    (block) => block.kind === 'paragraph' && opensWithName(block, mentionsOf(block), PARAGRAPH_TAIL),
  );
  const lists = body.filter((block) => block.kind === 'paragraph' && onlyNames(block, mentionsOf(block)));
  const names = new Set(
    [
      ...headings,
      ...(paragraphs.length >= 2 ? paragraphs : []),
      ...lists,
      ...paragraphRuns(blocks, byBlock).flat(),
    ].map((block) => block.index),
  );
  cache.set(blocks, names);
  return names;
}

/**
 * Whether a paragraph is nothing but names, with commas, semicolons and "and" between them and at most a region
 * label before them ("North West London, North Central London and North East London.", "Midlands: Derbyshire;
 * Lincolnshire"): a list written without list markup.
 */
function onlyNames(block: Block, mentions: readonly Mention[]): boolean {
  if (mentions.length === 0) return false;
  let rest = block.text;
  for (const mention of mentions)
    rest = rest.slice(0, mention.start) + ' '.repeat(mention.end - mention.start) + rest.slice(mention.end);
  const label = /^[^,;]*?[:–—]\s/.exec(rest.slice(0, mentions[0]?.start ?? 0));
  if (label && !isRegionLabel(label[0])) return false;
  if (label) rest = rest.slice(label[0].length);
  return rest.replace(/\b(?:and|the)\b/gi, '').replace(LIST_SEPARATORS, '').length === 0;
}

// What may stand before the name that opens a paragraph about one area: "In", "The", "NHS".
const OPENING = /^\s*(?:in\s+)?(?:the\s+|nhs\s+)?$/i;

/**
 * Whether the text just before a run of paragraphs announces a wave ("Together the three new systems serve …",
 * "NHS England has confirmed the final integrated care systems."): only then are the paragraphs after it entries.
 */
function introducesWave(blocks: readonly Block[], first: Block): boolean {
  const before = blocks
    .slice(0, first.index)
    .findLast((block) => block.container === 'body' && block.kind !== 'caption');
  if (!before || (before.kind !== 'paragraph' && before.kind !== 'heading' && before.kind !== 'standfirst'))
    return false;
  return (
    countPhrases(before.text).some((count) => count.kind === 'wave') ||
    newAreaCues(before.text).length > 0 ||
    waveReferences(before.text).length > 0 ||
    linkedDesignation(before.text).length > 0
  );
}

/**
 * Runs of consecutive paragraphs that each open with the name of a different area ("The Black Country and West
 * Birmingham brings together …", "In Coventry and Warwickshire, the partnership …"): one area per paragraph, a
 * list written as prose, whose entries are the names they open with.
 */
function paragraphRuns(blocks: readonly Block[], byBlock: MentionsByBlock): Block[][] {
  const runs: Block[][] = [];
  let run: Block[] = [];
  const close = () => {
    const areas = new Set(run.map((block) => byBlock.get(block.index)?.[0]?.area));
    if (run.length >= 2 && areas.size === run.length && introducesWave(blocks, run[0] as Block))
      runs.push(run);
    run = [];
  };
  for (const block of blocks) {
    const first = byBlock.get(block.index)?.[0];
    const opens =
      block.kind === 'paragraph' &&
      block.container === 'body' &&
      first !== undefined &&
      first.ics_code !== null &&
      OPENING.test(block.text.slice(0, first.start));
    if (opens) run.push(block);
    else close();
  }
  close();
  return runs;
}

/** Whether a block only labels a group of what follows (a region name, "Midlands:"). */
export function isLabel(block: Block): boolean {
  return (
    (block.kind === 'heading' || block.kind === 'paragraph') &&
    block.text.length > 0 &&
    isRegionLabel(block.text)
  );
}

/** Whether a mention fills its table cell ("Cheshire and Merseyside" in "Cheshire and Merseyside | North West"). */
function fillsCell(block: Block, mention: Mention): boolean {
  const start = block.text.lastIndexOf('|', mention.start - 1) + 1;
  const endBar = block.text.indexOf('|', mention.end);
  const end = endBar < 0 ? block.text.length : endBar;
  return (
    LEADING.test(block.text.slice(start, mention.start)) &&
    /^[\s()A-Z&]*$/.test(block.text.slice(mention.end, end))
  );
}

/** Item roles for an entry that opens with a name: that name, and names joined to it by commas or "and" only. */
function entryRoles(block: Block, mentions: readonly Mention[]): MentionRole[] {
  let joined = true;
  return mentions.map((mention, index) => {
    const previous = mentions[index - 1];
    const between = previous ? block.text.slice(previous.end, mention.start) : '';
    if (previous) joined &&= between.replace(/\band\b/gi, '').replace(LIST_SEPARATORS, '').length === 0;
    return index === 0 || joined ? 'item' : 'described';
  });
}

/**
 * The lists whose entries each name a different known area first: lists of areas, whatever their entries say
 * about them. An entry there is about the area it names first, even when it is a sentence ("Devon will become an
 * ICS from April.", "The two-county partnership in Herefordshire and Worcestershire gets the status too.").
 */
function areaLists(blocks: readonly Block[], byBlock: MentionsByBlock): Set<number> {
  const entries = new Map<number, (string | undefined)[]>();
  for (const block of blocks) {
    if (block.kind !== 'item' || block.group === null || block.container !== 'body') continue;
    const list = entries.get(block.group) ?? [];
    list.push(byBlock.get(block.index)?.[0]?.area);
    entries.set(block.group, list);
  }
  const ofAreas = (first: (string | undefined)[]) =>
    first.length >= 2 && first.every(Boolean) && new Set(first).size === first.length;
  return new Set([...entries].filter(([, first]) => ofAreas(first)).map(([group]) => group));
}

// Closed-class words that make what follows a name a clause: auxiliaries and modals.
const AUXILIARY =
  /^(?:is|are|was|were|will|would|has|have|had|can|could|should|may|might|must|shall|does|do|did)$/;

/**
 * Whether a list item that opens with a name is a sentence about it ("NENC will publish its first strategy",
 * "Devon covers 1.2 million people") rather than an entry naming it ("Devon – 1.2 million people"): the word after
 * its leading names is a verb (an auxiliary, or a lower-case word in -s or -ed). In a list of areas it is still
 * that area's entry.
 */
function isSentence(block: Block, mentions: readonly Mention[]): boolean {
  const roles = entryRoles(block, mentions);
  const lastEntry = mentions[roles.lastIndexOf('item')] ?? mentions[0];
  if (!lastEntry) return false;
  const next = /^\s+(\p{Ll}+)\b/u.exec(block.text.slice(lastEntry.end))?.[1];
  return next !== undefined && (AUXILIARY.test(next) || /(?:[^s]s|ed)$/.test(next));
}

/** Roles of the mentions of one block (item names, described names, or prose). */
function rolesInBlock(
  block: Block,
  mentions: readonly Mention[],
  isName: boolean,
  underName: boolean,
  ofAreaList: boolean,
): MentionRole[] {
  if (isName && block.kind === 'heading')
    return mentions.map((_, index) => (index === 0 ? 'item' : 'described'));
  if (isName) return entryRoles(block, mentions);
  if (underName) return mentions.map(() => 'described');
  if (block.kind === 'row') {
    const named = mentions.findIndex((mention) => fillsCell(block, mention));
    return mentions.map((_, index) => (named < 0 ? 'inline' : index === named ? 'item' : 'described'));
  }
  const entry = mentions[0] && leadsBlock(block, mentions[0]) && !isSentence(block, mentions);
  if (block.kind === 'item' && mentions[0] && (ofAreaList || entry)) return entryRoles(block, mentions);
  return mentions.map(() => 'inline');
}

/** Whether the nearest heading above a block is a name heading: the block then describes that area. */
function underNameHeading(block: Block, names: ReadonlySet<number>): boolean {
  const nearest = block.headings[0];
  return nearest !== undefined && names.has(nearest) && block.kind !== 'heading';
}

/** Every mention's role, keyed by the mention. */
export function mentionRoles(blocks: readonly Block[], byBlock: MentionsByBlock): Map<Mention, MentionRole> {
  const names = nameBlocks(blocks, byBlock);
  const lists = areaLists(blocks, byBlock);
  const roles = new Map<Mention, MentionRole>();
  for (const block of blocks) {
    const mentions = byBlock.get(block.index) ?? [];
    const isName = names.has(block.index);
    const under = !isName && underNameHeading(block, names);
    const blockRoles = rolesInBlock(block, mentions, isName, under, lists.has(block.group ?? -1));
    mentions.forEach((mention, index) => {
      roles.set(mention, blockRoles[index] ?? 'inline');
    });
  }
  return roles;
}

/** Whether a block belongs to the same structure as `first`: any list or table, or the run of name entries. */
function sameStructure(block: Block, first: Block, names: ReadonlySet<number>): boolean {
  if (first.group !== null) return block.group !== null;
  return names.has(block.index) || underNameHeading(block, names);
}

/** The first name entry under the same headings as `block`: where its run of entries begins. */
function firstOfRun(block: Block, blocks: readonly Block[], names: ReadonlySet<number>): Block {
  const sameHeadings = (other: Block) => other.headings.join() === block.headings.join();
  return (
    blocks.find((other) => names.has(other.index) && other.kind === block.kind && sameHeadings(other)) ??
    block
  );
}

/**
 * The block that introduces a list item, table row or name entry: walking back from it over its own list (or
 * run of name entries), other lists and region labels, the first paragraph or heading found. A table's caption
 * introduces its rows. Returns null when nothing does (the headline and lead then speak).
 */
export function introOf(block: Block, blocks: readonly Block[], byBlock: MentionsByBlock): Block | null {
  if (block.kind === 'row') {
    const caption = blocks.find((other) => other.kind === 'caption' && other.group === block.group);
    if (caption) return caption;
  }
  const names = nameBlocks(blocks, byBlock);
  // A run of name entries (with their descriptions between them) is introduced before its first entry.
  const start = names.has(block.index) ? firstOfRun(block, blocks, names) : block;
  for (let index = start.index - 1; index > 0; index--) {
    const candidate = blocks[index] as Block;
    if (candidate.container !== 'body' || candidate.kind === 'caption') continue;
    if (candidate.group !== null && candidate.group === start.group) continue;
    if (sameStructure(candidate, start, names) || isLabel(candidate)) continue;
    if (inSiblingRegion(candidate, start, blocks)) continue;
    return candidate;
  }
  return null;
}

/**
 * Whether a block belongs to another region's section than `start` ("London: … six million people." above the
 * South West's names): the text introducing a run of region sections stands before the first of them.
 */
function inSiblingRegion(candidate: Block, start: Block, blocks: readonly Block[]): boolean {
  const nearest = candidate.headings[0];
  return nearest !== undefined && nearest !== start.headings[0] && isLabel(blocks[nearest] as Block);
}
