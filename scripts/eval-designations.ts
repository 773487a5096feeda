/**
 * `npm run eval [-- DIR]`: score designation extraction against a labelled corpus (default
 * tests/fixtures/designations; any folder of `<id>.html` + `<id>.expected.json` in the same format).
 *
 * Prints precision, recall and F1 of (page, ICS code) pairs per layout and overall, then outcome agreement, overall
 * and per expected outcome (designation / none / count_mismatch / layout_drift), date agreement (announced_on,
 * effective_from) and stated-count agreement, and lists every page that disagrees. Exits 0; the thresholds live in
 * the test suite.
 */
import path from 'node:path';
import {
  type Evaluation,
  evaluate,
  type PageResult,
  readCorpus,
  type Score,
} from '../lib/parse/designation/evaluate.ts';
import { referenceGazetteer } from '../lib/parse/dispatch.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

function row(label: string, score: Score, pages: number): string {
  const percent = (value: number) => value.toFixed(3).padStart(6);
  const counts = `${score.truePositives}/${score.falsePositives}/${score.falseNegatives}`.padStart(9);
  return `${label.padEnd(30)}${String(pages).padStart(6)}${percent(score.precision)}${percent(score.recall)}${percent(score.f1)}${counts}`;
}

function agreement(
  label: string,
  pages: readonly PageResult[],
  agrees: (page: PageResult) => boolean,
): string {
  const agreeing = pages.filter(agrees).length;
  return `${label.padEnd(30)}${agreeing}/${pages.length} (${((100 * agreeing) / Math.max(pages.length, 1)).toFixed(1)}%)`;
}

/** Agreement per expected outcome: "designation 89/89 · none 36/36 · count_mismatch 6/6 · layout_drift 5/5". */
function outcomesByKind(pages: readonly PageResult[]): string {
  const kinds = [...new Set(pages.map((page) => page.expectedOutcome))].sort();
  const parts = kinds.map((kind) => {
    const expected = pages.filter((page) => page.expectedOutcome === kind);
    return `${kind} ${expected.filter((page) => page.outcome === kind).length}/${expected.length}`;
  });
  return `${'  by expected outcome'.padEnd(30)}${parts.join(' · ')}`;
}

function disagreements(page: PageResult): string[] {
  const missing = page.expectedCodes.filter((code) => !page.foundCodes.includes(code));
  const extra = page.foundCodes.filter((code) => !page.expectedCodes.includes(code));
  const notes: string[] = [];
  if (missing.length > 0) notes.push(`missed ${missing.join(', ')}`);
  if (extra.length > 0) notes.push(`wrongly found ${extra.join(', ')}`);
  if (page.outcome !== page.expectedOutcome)
    notes.push(`outcome ${page.outcome}, expected ${page.expectedOutcome}`);
  for (const [name, pair] of [
    ['announced_on', page.announcedOn],
    ['effective_from', page.effectiveFrom],
    ['stated_count', page.statedCount],
  ] as const) {
    if (pair.expected !== pair.found) notes.push(`${name} ${pair.found}, expected ${pair.expected}`);
  }
  return notes;
}

function report(evaluation: Evaluation, dir: string): string {
  const { pages } = evaluation;
  const lines = [
    `designation extraction over ${pages.length} pages in ${path.relative(ROOT, dir) || dir}`,
    '',
    `${'layout'.padEnd(30)}${'pages'.padStart(6)}${'P'.padStart(6)}${'R'.padStart(6)}${'F1'.padStart(6)}${'tp/fp/fn'.padStart(9)}`,
    ...[...evaluation.byLayout].map(([layout, score]) =>
      row(layout, score, pages.filter((page) => page.layout === layout).length),
    ),
    row('overall', evaluation.overall, pages.length),
    '',
    agreement('outcome', pages, (page) => page.outcome === page.expectedOutcome),
    outcomesByKind(pages),
    agreement('announced_on', pages, (page) => page.announcedOn.found === page.announcedOn.expected),
    agreement('effective_from', pages, (page) => page.effectiveFrom.found === page.effectiveFrom.expected),
    agreement('effective_from (same month)', pages, (page) =>
      page.effectiveFrom.found === null || page.effectiveFrom.expected === null
        ? page.effectiveFrom.found === page.effectiveFrom.expected
        : page.effectiveFrom.found.slice(0, 7) === page.effectiveFrom.expected.slice(0, 7),
    ),
    agreement('stated_count', pages, (page) => page.statedCount.found === page.statedCount.expected),
    '',
    ...pages.flatMap((page) => {
      const notes = disagreements(page);
      return notes.length > 0 ? [`${page.id}: ${notes.join('; ')}`] : [];
    }),
  ];
  return `${lines.join('\n')}\n`;
}

const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'tests/fixtures/designations'));
const gazetteer = await referenceGazetteer(path.join(ROOT, 'snapshots'));
process.stdout.write(report(evaluate(readCorpus(dir), gazetteer), dir));
