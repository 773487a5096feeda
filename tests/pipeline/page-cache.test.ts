import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LakeStore } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { extractLifecycleClaims } from '../../lib/pipeline/lifecycle-stage.ts';
import { gazetteerOfParsed, type ParsedInput, parseSources } from '../../lib/pipeline/parse-stage.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { buildGazetteer, type Gazetteer } from '../../lib/reference/gazetteer.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';

// Issue 15: every run reads every retained HTML page, and pages pile up over the years. A page's listing,
// announcement and lifecycle claims are parsed once per gazetteer (by content) and read from the cache after,
// giving exactly what parsing again gives; a new code vintage (another gazetteer) parses every page again.

const BUNDLED = path.resolve(import.meta.dirname, '../../snapshots');
const HTML_SOURCES = catalogue.filter((source) => source.kind.startsWith('html-')).map((source) => source.id);

/** The raw HTML objects each read asks for. */
class ReadCountingStore extends MemoryLakeStore {
  rawHtmlReads = 0;
  override async get(key: string): Promise<Uint8Array | undefined> {
    if (HTML_SOURCES.some((source) => key.startsWith(`raw/${source}/`)) && !key.endsWith('.json'))
      this.rawHtmlReads += 1;
    return super.get(key);
  }
}

let store: ReadCountingStore;
beforeAll(async () => {
  store = new ReadCountingStore();
  for (const snapshot of listSnapshots(BUNDLED))
    await runSnapshot(snapshot, { store, stages: [], lease: false });
}, 240_000);

async function parseAll(
  lake: LakeStore,
  gazetteerFor: (input: ParsedInput) => Gazetteer = gazetteerOfParsed,
) {
  const parsed = await parseSources({
    store: lake,
    runId: 'test',
    catalogue,
    quarantine: () => {},
    gazetteerFor,
    holdGpDetailOut: true,
  });
  const gazetteer = gazetteerFor(parsed.input);
  const lifecycleClaims = await extractLifecycleClaims({ store: lake, catalogue, gazetteer });
  return { input: parsed.input, lifecycleClaims };
}

describe('HTML page parses, cached by page and gazetteer', () => {
  it('are read from the cache on the next run, equal to parsing again, without reading a page', async () => {
    const first = await parseAll(store);
    expect(store.rawHtmlReads).toBeGreaterThan(10);
    expect(first.input.announcements.length).toBeGreaterThan(3);
    expect(first.lifecycleClaims.length).toBeGreaterThan(3);
    store.rawHtmlReads = 0;
    const second = await parseAll(store);
    expect(store.rawHtmlReads).toBe(0);
    expect(second).toEqual(first);
  }, 240_000);

  it('parses every page again against another gazetteer, and a damaged cache entry is parsed again', async () => {
    const before = await parseAll(store);
    // The same names plus one alias: another gazetteer by content, so nothing cached against the first is used.
    const withAlias = (input: ParsedInput) =>
      buildGazetteer({
        lookups: input.lookups.flatMap((lookup) => lookup.rows),
        icbNames: input.icbNames.flatMap((names) => names.entries),
        aliases: [
          { ics_code: 'QE1', name: 'Healthier Lancashire', partial: false, reason: 'test', source: 'test' },
        ],
      });
    expect(withAlias(before.input).fingerprint()).not.toBe(gazetteerOfParsed(before.input).fingerprint());
    store.rawHtmlReads = 0;
    await parseAll(store, withAlias);
    const pages = store.rawHtmlReads;
    expect(pages).toBeGreaterThan(10);

    const cached = (await store.list('parsed/')).filter((object) =>
      /\.(announcement|lifecycle)\.v\d+\.json$/.test(object.key),
    );
    expect(cached.length).toBeGreaterThan(0);
    for (const object of cached) await store.put(object.key, '{"not": "a parse"');
    store.rawHtmlReads = 0;
    expect(await parseAll(store)).toEqual(before);
    expect(store.rawHtmlReads).toBeGreaterThan(0);
  }, 240_000);
});
