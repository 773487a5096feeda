import type { Gazetteer } from '../../reference/gazetteer.ts';
import { nameFormIndex } from '../../reference/name-forms.ts';
import { Announcement } from '../records.ts';
import { findAnnouncement } from './announce.ts';
import { designatedAreas } from './areas.ts';
import { segmentBlocks } from './blocks.ts';
import { type MentionsByBlock, mentionRoles } from './context.ts';
import { countChecks, statedCount } from './count-check.ts';
import { countMatchedAnnouncement } from './count-match.ts';
import { pageCount } from './counts.ts';
import { type EffectiveDate, type PublishedDate, publishedDate } from './dates.ts';
import { decideMentions } from './decide.ts';
import { readArticle } from './document.ts';
import { findMentions } from './mentions.ts';
import type {
  Announcing,
  Block,
  CountCheck,
  DesignatedArea,
  DesignationExtraction,
  Mention,
  MentionDecision,
} from './model.ts';
import { announcementDates, articleFacts, waveCountOf } from './sentences.ts';
import { articleStatements } from './statements.ts';
import { unknownListedNames } from './unknown-names.ts';

/**
 * Designation extraction, end to end: read the article, find every mention of a known ICS name, decide each from
 * its context, group the designated ones into areas, cross-check the counts the page states, and date it.
 */

export interface ExtractOptions {
  /** Catalogue source id, for messages. */
  sourceId: string;
  /** The closed world: every ICS and every name it was published under. */
  gazetteer: Gazetteer;
}

/** A page read: its headline, publication date, blocks and the mentions found in each block. */
interface ReadPage {
  headline: string;
  published: PublishedDate | null;
  blocks: Block[];
  byBlock: MentionsByBlock;
  /** How many ICSs the closed world held when the page was published. */
  systems: number;
}

/** What was decided about a page. */
interface Findings {
  announces: Announcing | null;
  decisions: MentionDecision[];
  areas: DesignatedArea[];
  counts: CountCheck[];
  effective: (EffectiveDate & { evidence: string }) | null;
}

function readPage(html: string, gazetteer: Gazetteer): ReadPage {
  const article = readArticle(html);
  const published = publishedDate(article.$, article.headline);
  const blocks = segmentBlocks(article);
  // Only names of ICSs that existed when the page was published are searched for.
  const index = nameFormIndex(gazetteer, published?.iso ?? null);
  const byBlock = new Map<number, Mention[]>(
    blocks.map((block) => {
      const heading = block.kind === 'headline' || block.kind === 'heading';
      return [block.index, findMentions(block.index, block.text, index, heading)];
    }),
  );
  return { headline: article.headline, published, blocks, byBlock, systems: index.systems };
}

/**
 * Whether and what the page announces: its announcing words and the decisions they allow, or, on a page with no
 * such words, a count the names match exactly (count-match.ts).
 */
function announcement(
  { blocks, byBlock, published, systems }: ReadPage,
  mentions: readonly Mention[],
): { announces: Announcing | null; decisions: MentionDecision[] } {
  const announcedOn = published?.iso ?? null;
  const announces = findAnnouncement(blocks, byBlock, announcedOn);
  const input = { blocks, byBlock, roles: mentionRoles(blocks, byBlock), announcedOn };
  const leadAnnounces = announces?.place === 'headline' || announces?.place === 'lead';
  const decisions = decideMentions({ ...input, announces: announces !== null, leadAnnounces }, mentions);
  if (announces) return { announces, decisions };
  return countMatchedAnnouncement(input, mentions, systems) ?? { announces, decisions };
}

function decidePage(page: ReadPage): Findings {
  const { blocks, byBlock, published } = page;
  const announcedOn = published?.iso ?? null;
  const { announces, decisions } = announcement(page, [...byBlock.values()].flat());
  if (!announces) return { announces, decisions, areas: [], counts: [], effective: null };
  const unknown = unknownListedNames(blocks, byBlock, decisions);
  const areas = [...designatedAreas(decisions, blocks), ...unknown];
  const announcing = announces.place === 'text' ? announces.sentence : null;
  const counts = countChecks(blocks, byBlock, decisions, unknown.length, announcing);
  const effective = announcedOn ? announcementDates(blocks, decisions, byBlock, announcedOn) : null;
  return { announces, decisions, areas, counts, effective };
}

function outcomeOf(
  found: Findings,
  announcedOn: string | null,
): Pick<DesignationExtraction, 'outcome' | 'problem'> {
  if (!found.announces) return { outcome: 'none', problem: null };
  const names = found.areas.map((area) => area.name_as_published).join(', ');
  if (found.areas.length === 0) {
    // A sentence deep in the text announces only the names it gives; the headline or lead speaks for the page, and
    // so does an announcing sentence that says how many areas it designates.
    const { place, sentence } = found.announces;
    const count = pageCount(sentence);
    if (place === 'headline' || place === 'lead') {
      const problem = 'the headline or lead announces designations but no area was found';
      return { outcome: 'layout_drift', problem };
    }
    if (count === null || place !== 'text') return { outcome: 'none', problem: null };
    const problem = `the text announces ${count.value} designations ("${sentence}") but no area was found`;
    return { outcome: 'layout_drift', problem };
  }
  const disagreeing = found.counts.find((check) => !check.agrees && check.scope !== 'text');
  if (disagreeing) {
    const { value, evidence, found: count } = disagreeing;
    return {
      outcome: 'count_mismatch',
      problem: `the page says ${value} areas ("${evidence}") but ${count} were found (${names})`,
    };
  }
  if (announcedOn === null) {
    return {
      outcome: 'layout_drift',
      problem: `${found.areas.length} areas found (${names}) but no publication date`,
    };
  }
  return { outcome: 'designation', problem: null };
}

function announcementOf(url: string, page: ReadPage, found: Findings, announcedOn: string): Announcement {
  const facts = articleFacts(page.blocks, found.decisions);
  const { statements, runningTotal } = articleStatements(facts, found.areas.length, waveCountOf(facts));
  return Announcement.parse({
    url,
    title: page.headline,
    announced_on: announcedOn,
    effective_from: found.effective?.iso ?? null,
    effective_evidence: found.effective?.evidence ?? null,
    effective_precision: found.effective?.precision ?? null,
    areas: found.areas.map((area) => ({
      name_as_published: area.name_as_published,
      evidence: area.evidence,
      ics_code: area.ics_code,
      matched_variant: area.matched_variant,
      decided_by: area.decided_by,
    })),
    running_total: runningTotal?.value ?? null,
    running_total_evidence: runningTotal?.evidence ?? null,
    stated_count: statedCount(found.counts),
    statements,
  });
}

/** Read one page and decide what it designates; a page that fails its checks is an outcome, not an exception. */
export function extractDesignations(
  html: string,
  url: string,
  options: ExtractOptions,
): DesignationExtraction {
  const page = readPage(html, options.gazetteer);
  const found = decidePage(page);
  const announcedOn = page.published?.iso ?? null;
  const { outcome, problem } = outcomeOf(found, announcedOn);
  return {
    url,
    source_id: options.sourceId,
    outcome,
    problem,
    headline: page.headline,
    announces: found.announces,
    announced_on: announcedOn,
    announced_from: page.published?.from ?? null,
    effective_from: found.effective?.iso ?? null,
    stated_count: statedCount(found.counts),
    counts: found.counts,
    areas: found.areas,
    decisions: found.decisions,
    announcement:
      outcome === 'designation' && announcedOn ? announcementOf(url, page, found, announcedOn) : null,
  };
}
