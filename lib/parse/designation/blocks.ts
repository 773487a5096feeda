import type { AnyNode, Element } from 'domhandler';
import { collapseWhitespace } from '../text.ts';
import { type ArticleDocument, FURNITURE_ATTRIBUTE, QUOTE_ATTRIBUTE } from './document.ts';
import type { Block, Container } from './model.ts';

/**
 * Segment an article into blocks in reading order: the headline, the standfirst, then every paragraph, list item,
 * table row (cells joined by " | "), caption and heading of the content root. Each block knows its container
 * (body, quotation, furniture), the list or table it belongs to and the headings above it.
 */

const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'br',
  'cite',
  'code',
  'em',
  'i',
  'mark',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
]);
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
  return collapseWhitespace(copy.text());
}

function linesOf(walk: Walk, element: Element): string[] {
  const node = walk.article.$(element);
  if (node.find('br').length === 0) return [textOf(walk, element)];
  const copy = node.clone();
  copy.find('br').replaceWith('\u2028');
  return copy
    .text()
    .split('\u2028')
    .map((line) => collapseWhitespace(line))
    .filter(Boolean);
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

function walkTable(walk: Walk, table: Element, container: Container): void {
  const group = walk.groups++;
  const $ = walk.article.$;
  for (const caption of $(table).find('caption').toArray()) {
    emit(walk, { kind: 'caption', text: textOf(walk, caption), group, container });
  }
  for (const row of $(table).find('tr').toArray()) {
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
  } else if (TEXT_BLOCKS.has(name) || !hasBlockInside(element)) {
    const kind = name === 'figcaption' ? 'caption' : 'paragraph';
    // Lines broken with <br> are separate entries ("Devon<br>Kent and Medway"), never one run-on name.
    for (const line of linesOf(walk, element)) emit(walk, { kind, text: line, container });
  } else walkChildren(walk, element, container);
}

function walkChildren(walk: Walk, parent: Element, container: Container): void {
  let inline = '';
  const flush = () => {
    emit(walk, { kind: 'paragraph', text: collapseWhitespace(inline), container });
    inline = '';
  };
  for (const child of parent.children) {
    if (child.type === 'text') inline += child.data;
    else if (isElement(child) && INLINE.has(child.name) && !hasBlockInside(child)) {
      if (containerOf(child, container) === container) inline += ` ${walk.article.$(child).text()} `;
    } else if (isElement(child)) {
      flush();
      walkElement(walk, child, container);
    }
  }
  flush();
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

/** The first body paragraph of some length opens the article: with the standfirst, it is the lead. */
function markLead(blocks: Block[]): Block[] {
  const first = blocks.find(
    (block) => block.kind === 'paragraph' && block.container === 'body' && block.text.split(' ').length >= 8,
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
  return markLead(finish(walk.drafts));
}
