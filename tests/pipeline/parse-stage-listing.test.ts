import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { referenceGazetteer } from '../../lib/parse/dispatch.ts';
import { type ParseStageResult, parseSources, parseStateKey } from '../../lib/pipeline/parse-stage.ts';
import type { QuarantineEntry } from '../../lib/pipeline/run-report.ts';
import type { Gazetteer } from '../../lib/reference/gazetteer.ts';
import {
  acquireListing as acquired,
  listingPage,
  listingSource as source,
} from '../helpers/listing-versions.ts';

/**
 * Issue 14: the listing page is one URL whose content changes; each version's stated total is a published claim.
 * The parse stage keeps every earlier version it parsed, so a later page never erases an earlier claim.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const JUNE_2020 = listingPage('2020-06-15', 'integrated-care-systems/index.html');
const DECEMBER_2020 = listingPage('2020-12-14', 'integrated-care-systems/index.html');
const BROKEN =
  '<html><head><title>Integrated care</title></head><body><main><p>Page moved.</p></main></body></html>';

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(path.join(ROOT, 'snapshots'));
});

async function parseRun(
  store: MemoryLakeStore,
): Promise<ParseStageResult & { quarantine: QuarantineEntry[] }> {
  const quarantine: QuarantineEntry[] = [];
  const result = await parseSources({
    store,
    runId: 'test-run',
    catalogue: [source],
    quarantine: (entry) => quarantine.push(entry),
    gazetteerFor: () => gazetteer,
  });
  return { ...result, quarantine };
}

const totals = (result: ParseStageResult) =>
  result.input.listings.map(({ provenance, listing }) => [
    provenance.fetched_at.slice(0, 10),
    listing.stated_total,
  ]);

describe('parse stage: the listing page keeps its history', () => {
  it('keeps each earlier version of the listing, once, beside the current one, and through a quarantined page', async () => {
    const store = new MemoryLakeStore();
    await acquired(store, JUNE_2020, '2020-06-15T12:00:00.000Z');
    expect(totals(await parseRun(store))).toEqual([['2020-06-15', 18]]);

    await acquired(store, DECEMBER_2020, '2020-12-14T12:00:00.000Z');
    const december = await parseRun(store);
    expect(totals(december).sort()).toEqual([
      ['2020-06-15', 18],
      ['2020-12-14', 29],
    ]);
    expect(december.report[source.id]).toMatchObject({ parsed: 1, retained: 1, quarantined: 0 });

    // Nothing new: the same two versions, and the parse state is not rewritten.
    const state = await store.get(parseStateKey(source.id));
    const again = await parseRun(store);
    expect(totals(again).sort()).toEqual(totals(december).sort());
    expect(await store.get(parseStateKey(source.id))).toEqual(state);

    // A page that fails is quarantined; the last good version stands in and the earlier one stays.
    await acquired(store, BROKEN, '2021-01-10T12:00:00.000Z');
    const broken = await parseRun(store);
    expect(broken.quarantine.map((entry) => entry.sourceId)).toEqual([source.id]);
    expect(totals(broken).sort()).toEqual(totals(december).sort());
  });

  it('keeps the earlier versions through a parser version change, parsing them again', async () => {
    const store = new MemoryLakeStore();
    await acquired(store, JUNE_2020, '2020-06-15T12:00:00.000Z');
    await parseRun(store);
    await acquired(store, DECEMBER_2020, '2020-12-14T12:00:00.000Z');
    await parseRun(store);
    const state = JSON.parse(new TextDecoder().decode(await store.get(parseStateKey(source.id))));
    await store.put(
      parseStateKey(source.id),
      JSON.stringify({ ...state, parserVersion: state.parserVersion - 1 }),
    );
    const upgraded = await parseRun(store);
    expect(totals(upgraded).sort()).toEqual([
      ['2020-06-15', 18],
      ['2020-12-14', 29],
    ]);
    expect(upgraded.report[source.id]).toMatchObject({ parsed: 1, reused: 0, retained: 1 });
  });
});
