import { z } from 'zod';
import { Announcement } from '../records.ts';

/**
 * The records designation extraction passes between its steps, and its result. Types derive from the schemas.
 *
 * A page is read as blocks (sentence-bearing units in document order), the closed world of ICS names is searched
 * for mentions in each block, and every mention gets a decision with the words that drove it.
 */

/** Where a block sits: the article's own text, a quotation, or page furniture inside the article. */
export const Container = z.enum(['body', 'quote', 'furniture']);
export type Container = z.infer<typeof Container>;

/** A sentence-bearing unit of the article: a paragraph, list item, table row, heading, caption or the headline. */
export const Block = z.object({
  index: z.number().int().nonnegative(),
  /** `standfirst`: the summary printed under the headline, outside the article text. */
  kind: z.enum(['headline', 'standfirst', 'paragraph', 'item', 'row', 'heading', 'caption']),
  /** The text, whitespace collapsed; a table row's cells joined by " | ". */
  text: z.string(),
  /** Heading level (1-6) for headings, else null. */
  level: z.number().int().min(1).max(6).nullable(),
  /** The list or table the block belongs to (items and rows of one list share it), else null. */
  group: z.number().int().nullable(),
  container: Container,
  /** True for the standfirst and the first paragraph of the article: the lead. */
  lead: z.boolean(),
  /** Indexes of the headings above the block, nearest first, each of a higher level than the one before. */
  headings: z.array(z.number().int().nonnegative()),
});
export type Block = z.infer<typeof Block>;

/** A stretch of a block's text that is one of the names an ICS was published under. */
export const Mention = z.object({
  block: z.number().int().nonnegative(),
  /** Offsets into the block's text. */
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  /** The name as published. */
  text: z.string().min(1),
  key: z.string().min(1),
  /** Every ICS the name can denote (two or more: ambiguous, never guessed). */
  codes: z.array(z.string()).min(1),
  ics_code: z.string().nullable(),
  matched_variant: z.string(),
  partial: z.boolean(),
  /** The area the mention counts as (name-forms.ts). */
  area: z.string(),
  /** Set when the mention only repeats the one before it in brackets ("… (BNSSG)"). */
  repeats: z.number().int().nullable(),
});
export type Mention = z.infer<typeof Mention>;

/** How a mention relates to its block: the name a list item, row or heading is about, a description, or prose. */
export const MentionRole = z.enum(['item', 'described', 'inline']);
export type MentionRole = z.infer<typeof MentionRole>;

/** The decision on one mention, with the words that drove it. */
export const MentionDecision = z.object({
  mention: Mention,
  role: MentionRole,
  verdict: z.enum(['designated', 'not_designated', 'part_of_another']),
  /** Why, in a few words ("list introduced by a designating paragraph", "in a quotation"). */
  reason: z.string().min(1),
  /** The words of the page that drove the decision. */
  cues: z.array(z.string()),
  /** The sentence, item or introduction the decision was read from. */
  context: z.string(),
});
export type MentionDecision = z.infer<typeof MentionDecision>;

/** One area this page designates: its first designated mention and every mention of it. */
export const DesignatedArea = z.object({
  area: z.string(),
  ics_code: z.string().nullable(),
  name_as_published: z.string().min(1),
  matched_variant: z.string(),
  codes: z.array(z.string()).min(1),
  evidence: z.string().min(1),
  decided_by: z.string().min(1),
});
export type DesignatedArea = z.infer<typeof DesignatedArea>;

/** A number of areas the page says it designates, and what it was compared with. */
export const CountCheck = z.object({
  value: z.number().int().positive(),
  /**
   * `page`: headline, lead or the announcing sentence; `group`: a list, table or heading run; `sentence`: one
   * sentence's names; `text`: a number the text refers back with ("Leaders in these eight areas"), which names the
   * wave's size when it agrees but never fails a page.
   */
  scope: z.enum(['page', 'group', 'sentence', 'text']),
  evidence: z.string().min(1),
  found: z.number().int().nonnegative(),
  agrees: z.boolean(),
});
export type CountCheck = z.infer<typeof CountCheck>;

/** The sentence that announces designations, its cue words, and where it stands in the page. */
export const Announcing = z.object({
  sentence: z.string(),
  cues: z.array(z.string()),
  /**
   * `headline` and `lead` speak for the whole page (and fail it closed when no area is found), and so does `text`
   * (a paragraph) when it says how many areas it designates; `heading` and `entry` (a list entry, a teaser, a
   * caption) speak only for the names they give.
   */
  place: z.enum(['headline', 'lead', 'heading', 'text', 'entry']),
});
export type Announcing = z.infer<typeof Announcing>;

/**
 * The page's verdict: `designation` (an announcement with its areas), `none` (the page designates nothing),
 * or a fail-closed outcome: `count_mismatch` (a stated count differs from the areas found) or `layout_drift`
 * (the headline, the lead or an announcing paragraph that counts the areas announces designations but no area was
 * found, or the page has no publication date).
 */
export const ExtractionOutcome = z.enum(['designation', 'none', 'count_mismatch', 'layout_drift']);
export type ExtractionOutcome = z.infer<typeof ExtractionOutcome>;

/** Everything designation extraction found on one page. */
export const DesignationExtraction = z.object({
  url: z.string(),
  source_id: z.string(),
  outcome: ExtractionOutcome,
  /** One line saying what failed, for fail-closed outcomes. */
  problem: z.string().nullable(),
  headline: z.string(),
  /** The sentence that announces designations, with its cue words and place, if any. */
  announces: Announcing.nullable(),
  announced_on: z.iso.date().nullable(),
  /** Where the publication date was read from (`meta article:published_time`, `JSON-LD datePublished`, …). */
  announced_from: z.string().nullable(),
  /** When the designation takes effect, read even when the page fails closed (for `--explain` and evaluation). */
  effective_from: z.iso.date().nullable(),
  stated_count: z.number().int().positive().nullable(),
  counts: z.array(CountCheck),
  areas: z.array(DesignatedArea),
  decisions: z.array(MentionDecision),
  /** The record handed to normalise (null unless the outcome is `designation`). */
  announcement: Announcement.nullable(),
});
export type DesignationExtraction = z.infer<typeof DesignationExtraction>;
