import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Gazetteer } from '../../reference/gazetteer.ts';
import { extractDesignations } from './extract.ts';
import type { DesignationExtraction } from './model.ts';

/**
 * Score designation extraction against a labelled corpus: a folder of `<id>.html` pages, each with
 * `<id>.expected.json` (tests/fixtures/designations/README.md). Designations are scored as (page, ICS code)
 * pairs; outcomes (designation, none, count_mismatch, layout_drift) and dates are scored per page.
 */

/** One hand-written expectation. */
export const ExpectedPage = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  url: z.url(),
  layout: z.string().min(1),
  designates: z.boolean(),
  areas: z.array(z.object({ ics_code: z.string(), name_on_page: z.string() })),
  announced_on: z.iso.date().nullable(),
  effective_from: z.iso.date().nullable(),
  stated_count: z.number().int().positive().nullable(),
  expected_outcome: z.enum(['ok', 'count_mismatch', 'layout_drift']),
  notes: z.string().optional(),
});
export type ExpectedPage = z.infer<typeof ExpectedPage>;

/** A labelled page: its HTML and its expectation. */
export interface LabelledPage {
  expected: ExpectedPage;
  html: string;
}

/** Read every labelled page of a folder, in id order. */
export function readCorpus(dir: string): LabelledPage[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.expected.json'))
    .sort()
    .map((file) => {
      const expected = ExpectedPage.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      return { expected, html: readFileSync(path.join(dir, `${expected.id}.html`), 'utf8') };
    });
}

/** Precision, recall and F1 over (page, code) pairs; 1 when there was nothing to find and nothing was found. */
export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** The outcome a page should have: what the expectation says, in the extractor's terms. */
export function expectedOutcome(expected: ExpectedPage): DesignationExtraction['outcome'] {
  if (expected.expected_outcome !== 'ok') return expected.expected_outcome;
  return expected.designates ? 'designation' : 'none';
}

/** One page's result against its expectation. */
export interface PageResult {
  id: string;
  layout: string;
  expectedCodes: string[];
  foundCodes: string[];
  expectedOutcome: DesignationExtraction['outcome'];
  outcome: DesignationExtraction['outcome'];
  problem: string | null;
  announcedOn: { expected: string | null; found: string | null };
  effectiveFrom: { expected: string | null; found: string | null };
  statedCount: { expected: number | null; found: number | null };
}

function pageResult(page: LabelledPage, extraction: DesignationExtraction): PageResult {
  const { expected } = page;
  const checksDates = expected.designates;
  return {
    id: expected.id,
    layout: expected.layout,
    expectedCodes: [...new Set(expected.areas.map((area) => area.ics_code))].sort(),
    // An area found but not resolved to one code is a wrong answer, kept visible as "?name".
    foundCodes: [
      ...new Set(extraction.areas.map((area) => area.ics_code ?? `?${area.name_as_published}`)),
    ].sort(),
    expectedOutcome: expectedOutcome(expected),
    outcome: extraction.outcome,
    problem: extraction.problem,
    announcedOn: { expected: expected.announced_on, found: extraction.announced_on },
    effectiveFrom: {
      expected: checksDates ? expected.effective_from : null,
      found: checksDates ? extraction.effective_from : null,
    },
    statedCount: { expected: expected.stated_count, found: extraction.stated_count },
  };
}

/** Precision, recall and F1 of some page results. */
export function score(results: readonly PageResult[]): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const result of results) {
    const expected = new Set(result.expectedCodes);
    const found = new Set(result.foundCodes);
    truePositives += [...found].filter((code) => expected.has(code)).length;
    falsePositives += [...found].filter((code) => !expected.has(code)).length;
    falseNegatives += [...expected].filter((code) => !found.has(code)).length;
  }
  const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  const f1 = ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  return { truePositives, falsePositives, falseNegatives, precision, recall, f1 };
}

/** The whole evaluation: per page, per layout and overall. */
export interface Evaluation {
  pages: PageResult[];
  byLayout: Map<string, Score>;
  overall: Score;
}

/** Run the extractor over a corpus and score it. */
export function evaluate(pages: readonly LabelledPage[], gazetteer: Gazetteer): Evaluation {
  const results = pages.map((page) =>
    pageResult(
      page,
      extractDesignations(page.html, page.expected.url, { sourceId: page.expected.source, gazetteer }),
    ),
  );
  const layouts = [...new Set(results.map((result) => result.layout))].sort();
  const byLayout = new Map(
    layouts.map((layout) => [layout, score(results.filter((result) => result.layout === layout))] as const),
  );
  return { pages: results, byLayout, overall: score(results) };
}
