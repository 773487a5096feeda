import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import type { LifecycleClaimRow } from '../../lib/normalise/datasets.ts';
import { buildLifecycleClaims } from '../../lib/normalise/lifecycle-claims.ts';
import { resolveInputs } from '../../lib/normalise/resolved-inputs.ts';
import { referenceGazetteer } from '../../lib/parse/dispatch.ts';
import { extractLifecycleClaims } from '../../lib/pipeline/lifecycle-stage.ts';
import { parseSources } from '../../lib/pipeline/parse-stage.ts';
import type { Gazetteer } from '../../lib/reference/gazetteer.ts';
import { sha256Of } from '../../lib/sources/raw-zone.ts';
import { acquireListing, LISTING_URL, listingPage, listingSource } from '../helpers/listing-versions.ts';

/**
 * Issue 14: `ics_lifecycle_claims` is a record, append-only by source document. The listing page of October 2025
 * plans mergers that the April 2026 page reports as done (no longer stating the plans), and November 2026 restates
 * April's rows on a new page: neither later page may delete a claim or move it to another document.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = ['2025-10-15', '2026-04-20', '2026-11-30'];

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(path.join(ROOT, 'snapshots'));
});

/** One run over the lake as it stands: parse, read the lifecycle claims, build the dataset's rows. */
async function lifecycleRun(store: MemoryLakeStore, asOf: string): Promise<LifecycleClaimRow[]> {
  const catalogue = [listingSource];
  await parseSources({
    store,
    runId: `run-${asOf}`,
    catalogue,
    quarantine: () => {},
    gazetteerFor: () => gazetteer,
  });
  const lifecycleClaims = await extractLifecycleClaims({ store, catalogue, gazetteer });
  const inputs = { ...resolveInputs({ lookups: [], lifecycleClaims }, asOf), gazetteer };
  return buildLifecycleClaims(inputs, [], []).rows;
}

/** The rows of each successive run, one listing version acquired before each. */
async function successiveRuns(): Promise<LifecycleClaimRow[][]> {
  const store = new MemoryLakeStore();
  const runs: LifecycleClaimRow[][] = [];
  for (const date of RUNS) {
    await acquireListing(store, listingPage(date), `${date}T12:00:00.000Z`);
    runs.push(await lifecycleRun(store, date));
  }
  return runs;
}

describe('lifecycle stage: the listing page keeps its claims', () => {
  it('never drops a claim, or changes its date or document, in a later run when only later pages appeared', async () => {
    const runs = await successiveRuns();
    expect(runs.map((rows) => rows.length)).toEqual([4, 23, 23]);
    for (const [index, rows] of runs.entries()) {
      const later = runs[index + 1];
      if (later === undefined) break;
      const next = new Map(later.map((row) => [row.claim_id, row] as const));
      for (const row of rows)
        expect(next.get(row.claim_id), `run ${index + 2}: ${row.evidence}`).toEqual(row);
    }
  });

  it('keeps each claim with the first listing version that made it', async () => {
    const [october, april, november] = await successiveRuns();
    const documentOf = (date: string) => sha256Of(new TextEncoder().encode(listingPage(date)));
    const firstStated = new Map<string, string>();
    for (const [index, rows] of [october, april].entries())
      for (const row of rows ?? [])
        if (!firstStated.has(row.claim_id)) firstStated.set(row.claim_id, RUNS[index] ?? '');
    expect(november?.every((row) => row.source_url === LISTING_URL)).toBe(true);
    for (const row of november ?? [])
      expect(row.source_sha256, row.evidence).toBe(documentOf(firstStated.get(row.claim_id) ?? ''));
    // The October plans that April no longer states are still there, from October's page.
    const plans = (november ?? []).filter((row) => row.source_sha256 === documentOf('2025-10-15'));
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.every((row) => row.tense === 'planned')).toBe(true);
  });
});
