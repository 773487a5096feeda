import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnnouncement } from '../../lib/parse/announcement.ts';
import { DesignationCountError, DesignationLayoutError } from '../../lib/parse/designation/errors.ts';
import { type Evaluation, evaluate, readCorpus } from '../../lib/parse/designation/evaluate.ts';
import { referenceGazetteer } from '../../lib/parse/dispatch.ts';
import type { Gazetteer } from '../../lib/reference/gazetteer.ts';

/**
 * The labelled corpus (tests/fixtures/designations, written without sight of the parser) scored as `npm run eval`
 * scores it: (page, ICS code) pairs, outcomes and dates.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = readCorpus(path.join(ROOT, 'tests/fixtures/designations'));

let gazetteer: Gazetteer;
let evaluation: Evaluation;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(path.join(ROOT, 'snapshots'));
  evaluation = evaluate(CORPUS, gazetteer);
});

describe('designation extraction over the labelled corpus', () => {
  it('holds at least 40 pages in at least 8 layouts, with at least 12 distractors', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    const layouts = new Set(
      CORPUS.filter((page) => page.expected.designates).map((page) => page.expected.layout),
    );
    expect(layouts.size).toBeGreaterThanOrEqual(8);
    expect(CORPUS.filter((page) => !page.expected.designates).length).toBeGreaterThanOrEqual(12);
  });

  it('scores F1 of at least 0.98 overall', () => {
    expect(evaluation.overall.f1).toBeGreaterThanOrEqual(0.98);
  });

  it('scores F1 of at least 0.95 on every layout', () => {
    for (const [layout, score] of evaluation.byLayout) expect(score.f1, layout).toBeGreaterThanOrEqual(0.95);
  });

  it('fails closed on exactly the pages that must, with the expected reason', () => {
    for (const page of evaluation.pages) expect(page.outcome, page.id).toBe(page.expectedOutcome);
  });

  it('dates every page from its own metadata, never from an updated line or a related item', () => {
    for (const page of evaluation.pages)
      expect(page.announcedOn.found, page.id).toBe(page.announcedOn.expected);
  });

  it('reads the effective month of every page that states one', () => {
    for (const { effectiveFrom, id } of evaluation.pages) {
      expect(effectiveFrom.found?.slice(0, 7) ?? null, id).toBe(effectiveFrom.expected?.slice(0, 7) ?? null);
    }
  });

  it('throws the typed fail-closed errors from parseAnnouncement, with the areas found', () => {
    for (const { expected, html } of CORPUS.filter((page) => page.expected.expected_outcome !== 'ok')) {
      const attempt = () => parseAnnouncement(html, expected.url, { sourceId: expected.source, gazetteer });
      const type =
        expected.expected_outcome === 'count_mismatch' ? DesignationCountError : DesignationLayoutError;
      expect(attempt, expected.id).toThrow(type);
      try {
        attempt();
      } catch (error) {
        const found = (error as DesignationCountError).areas.map((area) => area.ics_code).sort();
        expect(found, expected.id).toEqual(expected.areas.map((area) => area.ics_code).sort());
      }
    }
  });
});
