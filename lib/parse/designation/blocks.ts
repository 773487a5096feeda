import type { AnyNode, Element } from 'domhandler';
import { collapseWhitespace } from '../text.ts';
import { type ArticleDocument, FURNITURE_ATTRIBUTE, QUOTE_ATTRIBUTE } from './document.ts';
import type { Block, Container } from './model.ts';

/**
 * Segment an article into blocks in reading order: the headline, the standfirst, then every paragraph, list item,
 * table row (cells joined by " | "), caption and heading of the content root. Each block knows its container
 * (body, quotation, furniture), the list or table it belongs to and the headings above it.
 *
 * Pages are not always built from semantic markup: a line broken with <br> is a block of its own wherever it
 * stands, a table used for layout (an e-mail newsletter) is read as the containers its cells are, and a run of
 * lines that open with a bullet or a number ("&bull; Devon", "1. Devon", "- Devon") is a list.
 */

const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'big',
  'br',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'wbr',
]);
// Marks a <br> in collected text until the text is split into lines.
const LINE_BREAK = '\u2028';
const BLOCK_CHILD = /^(?:div|p|ul|ol|dl|table|section|figure|blockquote)$/;
const TEXT_BLOCKS = new Set(['p', 'dt', 'dd', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

type Draft = Omit<Block, 'index' | 'headings' | 'lead'>;

interface Walk {
  article: ArticleDocument;
  drafts: Draft[];
  groups: number;
}

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function containerOf(element: Element, inherited: Container): Container {
  if (inherited === 'furniture' || element.attribs[FURNITURE_ATTRIBUTE]) return 'furniture';
  if (inherited === 'quote' || element.attribs[QUOTE_ATTRIBUTE]) return 'quote';
  return 'body';
}

function hasBlockInside(element: Element): boolean {
  return element.children.some(
    (child) => isElement(child) && (!INLINE.has(child.name) || hasBlockInside(child)),
  );
}

function textOf(walk: Walk, element: Element, without?: string): string {
  const node = walk.article.$(element);
  const copy = without ? node.clone() : node;
  if (without) copy.find(without).remove();
  return collapseLines(copy.toArray().map(spacedText).join(''));
}

/** Whitespace collapsed, a run holding a line break or an element's edge kept as one new line. */
function collapseLines(text: string): string {
  return text
    .split(/[ \t\u00a0]*\n\s*/)
    .map((line) => collapseWhitespace(line))
    .filter(Boolean)
    .join('\n');
}

/**
 * An element's text as a reader sees it: a line break or the edge of a block element is a new line, so
 * "<strong>Devon</strong><br><span>Region: South West</span>" reads "Devon⏎Region: South West", neither
 * "DevonRegion" nor one proper noun "Devon Region"; inline markup inside a word or a name ("<b>Somer</b>set")
 * adds nothing. Source new lines are only whitespace.
 */
export function spacedText(node: AnyNode): string {
  if (node.type === 'text') return (node as unknown as { data: string }).data.replace(/[\r\n]/g, ' ');
  if (!isElement(node)) return '';
  if (node.name === 'br') return '\n';
  const inner = node.children.map(spacedText).join('');
  return INLINE.has(node.name) ? inner : `\n${inner}\n`;
}

/** An element's text with each <br> (and each new line of preformatted text) kept as a line break. */
function brokenText(walk: Walk, element: Element): string {
  const node = walk.article.$(element);
  if (element.name === 'pre') return node.text().replaceAll('\n', LINE_BREAK);
  if (node.find('br').length === 0) return node.text();
  const copy = node.clone();
  copy.find('br').replaceWith(LINE_BREAK);
  return copy.text();
}

function splitLines(text: string): string[] {
  return text
    .split(LINE_BREAK)
    .map((line) => collapseWhitespace(line))
    .filter(Boolean);
}

function linesOf(walk: Walk, element: Element): string[] {
  return splitLines(brokenText(walk, element));
}

function emit(walk: Walk, draft: Omit<Draft, 'level' | 'group'> & Partial<Draft>): void {
  if (draft.text.length === 0) return;
  walk.drafts.push({ level: null, group: null, ...draft });
}

function walkList(walk: Walk, list: Element, container: Container): void {
  const group = walk.groups++;
  for (const item of list.children.filter(isElement)) {
    if (item.name !== 'li') continue;
    const inner = containerOf(item, container);
    emit(walk, { kind: 'item', text: textOf(walk, item, 'ul, ol'), group, container: inner });
    for (const nested of walk.article.$(item).children('ul, ol').toArray()) walkList(walk, nested, inner);
  }
}

/**
 * A table row's cells as rows of text: one row, or, when a cell holds several lines broken with <br> ("Black
 * Country & West Birmingham<br>Coventry & Warwickshire"), one row per line, each with the row's other cells.
 */
function rowTexts(walk: Walk, row: Element): string[] {
  const $ = walk.article.$;
  const cells = $(row)
    .children('td, th')
    .toArray()
    .map((cell) => linesOf(walk, cell))
    .filter((lines) => lines.length > 0);
  const height = Math.max(1, ...cells.map((lines) => lines.length));
  return Array.from({ length: height }, (_, line) =>
    cells
      .map((lines) => (lines.length === height ? lines[line] : lines.join(' ')))
      .filter(Boolean)
      .join(' | '),
  );
}

/** The rows of a table itself, not of the tables nested in it. */
function ownRows(walk: Walk, table: Element): Element[] {
  const $ = walk.article.$;
  return $(table)
    .find('tr')
    .toArray()
    .filter((row) => $(row).closest('table').get(0) === table);
}

// A cell of a data table holds a value or a short description, never prose.
const CELL_WORDS = 40;

/**
 * Whether a table lays out the page rather than holding data: it says so (`role="presentation"`), holds another
 * table or block elements in its cells, or has a cell of running prose (an e-mail newsletter's story column).
 */
function isLayoutTable(walk: Walk, table: Element): boolean {
  const $ = walk.article.$;
  if ($(table).attr('role') === 'presentation' || $(table).find('table').length > 0) return true;
  const cells = ownRows(walk, table).flatMap((row) => $(row).children('td, th').toArray());
  return cells.some(
    (cell) =>
      $(cell).children('p, div, ul, ol, dl, h1, h2, h3, h4, h5, h6, blockquote').length > 0 ||
      collapseWhitespace($(cell).text()).split(' ').length > CELL_WORDS,
  );
}

function walkTable(walk: Walk, table: Element, container: Container): void {
  const $ = walk.article.$;
  if (isLayoutTable(walk, table)) {
    for (const row of ownRows(walk, table))
      for (const cell of $(row).children('td, th').toArray())
        walkChildren(walk, cell, containerOf(cell, containerOf(row, container)));
    return;
  }
  const group = walk.groups++;
  for (const caption of $(table).children('caption').toArray()) {
    emit(walk, { kind: 'caption', text: textOf(walk, caption), group, container });
  }
  for (const row of ownRows(walk, table)) {
    for (const text of rowTexts(walk, row))
      emit(walk, { kind: 'row', text, group, container: containerOf(row, container) });
  }
}

function walkElement(walk: Walk, element: Element, inherited: Container): void {
  const container = containerOf(element, inherited);
  const name = element.name;
  if (name === 'ul' || name === 'ol') walkList(walk, element, container);
  else if (name === 'table') walkTable(walk, element, container);
  else if (/^h[1-6]$/.test(name)) {
    if (element === walk.article.headlineElement) return;
    emit(walk, { kind: 'heading', text: textOf(walk, element), level: Number(name.slice(1)), container });
  } else if (!hasBlockInside(element) || (TEXT_BLOCKS.has(name) && !holdsBlocks(element))) {
    const kind = name === 'figcaption' ? 'caption' : boldOpening(walk, element) ? 'standfirst' : 'paragraph';
    // Lines broken with <br> are separate entries ("Devon<br>Kent and Medway"), never one run-on name.
    for (const line of linesOf(walk, element)) emit(walk, { kind, text: line, container });
  } else walkChildren(walk, element, container);
}

/**
 * The story's first paragraph set wholly in bold ("<p><strong>A handful of areas have been chosen …</strong></p>")
 * is a standfirst written into the text: the lead is it and the first paragraph of the story after it.
 */
function boldOpening(walk: Walk, element: Element): boolean {
  if (element.name !== 'p' || walk.drafts.some((draft) => draft.kind !== 'headline')) return false;
  const content = element.children.filter((child) => !(child.type === 'text' && child.data.trim() === ''));
  const only = content[0];
  return content.length === 1 && only !== undefined && isElement(only) && /^(?:strong|b)$/.test(only.name);
}

/**
 * A caption or definition that holds block elements of its own (a map's legend: a <div> per group, "Newly
 * recognised: A · B" then "Existing ICS: C · D") is read as those blocks, each its own, never as one run of text.
 */
function holdsBlocks(element: Element): boolean {
  return (
    !/^h[1-6]$/.test(element.name) &&
    element.children.some((child) => isElement(child) && BLOCK_CHILD.test(child.name))
  );
}

function walkChildren(walk: Walk, parent: Element, container: Container): void {
  let inline = '';
  const flush = () => {
    // Lines broken with <br> are separate blocks, as they are when a paragraph holds them.
    for (const line of splitLines(inline)) emit(walk, { kind: 'paragraph', text: line, container });
    inline = '';
  };
  for (const child of parent.children) {
    if (child.type === 'text') inline += child.data;
    else if (isElement(child) && child.name === 'br') inline += LINE_BREAK;
    else if (isElement(child) && INLINE.has(child.name) && !hasBlockInside(child)) {
      if (containerOf(child, container) === container) inline += ` ${brokenText(walk, child)} `;
    } else if (isElement(child)) {
      flush();
      walkElement(walk, child, container);
    }
  }
  flush();
}

// What opens a line written as a list entry: a bullet or dash, or a number ("1.", "(2)", "3)").
const BULLET = /^(?:[•·▪◦●■►▸*]|[-–—](?=\s)|\(?\d{1,2}[.)](?=\s))/u;
// A bare number opening a line ("1 Norfolk & Waveney") is an entry only in a run numbered 1, 2, 3 ….
const BARE_NUMBER = /^(\d{1,2})\s+\p{Lu}/u;

/** Whether drafts `run` are numbered 1, 2, 3 … by bare numbers. */
function numberedInOrder(run: readonly Draft[]): boolean {
  return run.every((draft, index) => Number(BARE_NUMBER.exec(draft.text)?.[1]) === index + 1);
}

/**
 * Runs of two or more consecutive paragraphs that each open with a bullet or a number are the entries of a list
 * written without list markup (an e-mail's "&bull; Devon" lines, a listicle's numbered rows): each becomes an item
 * of one new group.
 */
function pseudoLists(walk: Walk): void {
  const { drafts } = walk;
  const entry = (draft: Draft | undefined, container: Container, bare: boolean) =>
    draft?.kind === 'paragraph' &&
    draft.container === container &&
    (bare ? BARE_NUMBER : BULLET).test(draft.text);
  for (let start = 0; start < drafts.length; start++) {
    const first = drafts[start] as Draft;
    for (const bare of [false, true]) {
      let end = start;
      while (entry(drafts[end], first.container, bare)) end++;
      const run = drafts.slice(start, end);
      if (run.length < 2 || (bare && !numberedInOrder(run))) continue;
      const group = walk.groups++;
      for (const draft of run) Object.assign(draft, { kind: 'item', group });
      start = end - 1;
      break;
    }
  }
}

/** Number the drafts and give each the headings above it (body headings only: furniture has its own). */
function finish(drafts: Draft[]): Block[] {
  const stack: Block[] = [];
  return drafts.map((draft, index) => {
    const opensSection = draft.kind === 'heading' && draft.container !== 'furniture' && draft.level !== null;
    if (opensSection) while ((stack.at(-1)?.level ?? 0) >= (draft.level ?? 0)) stack.pop();
    const headings = [...stack].reverse().map((heading) => heading.index);
    const block: Block = { ...draft, index, headings, lead: false };
    if (opensSection) stack.push(block);
    return block;
  });
}

/** Whether a paragraph reads as the opening of a story: a sentence of some length, not a bar of links or notices. */
function readsAsLead(block: Block): boolean {
  return (
    block.kind === 'paragraph' &&
    block.container === 'body' &&
    block.text.split(' ').length >= 8 &&
    !block.text.includes('|') &&
    /[.!?:"”’)]$/.test(block.text)
  );
}

/** The first body paragraph that reads as a story's opening is, with the standfirst, the lead. */
function markLead(blocks: Block[]): Block[] {
  const first =
    blocks.find(readsAsLead) ??
    blocks.find(
      (block) =>
        block.kind === 'paragraph' && block.container === 'body' && block.text.split(' ').length >= 8,
    );
  return blocks.map((block) =>
    block.kind === 'standfirst' || block === first ? { ...block, lead: true } : block,
  );
}

/** Segment an article into blocks: block 0 is the headline, then the standfirst, then the content root. */
export function segmentBlocks(article: ArticleDocument): Block[] {
  const walk: Walk = { article, drafts: [], groups: 0 };
  walk.drafts.push({ kind: 'headline', text: article.headline, level: null, group: null, container: 'body' });
  for (const text of article.standfirst) emit(walk, { kind: 'standfirst', text, container: 'body' });
  const root = article.root.get(0);
  if (root) walkChildren(walk, root, containerOf(root, 'body'));
  pseudoLists(walk);
  return markLead(finish(walk.drafts));
}
