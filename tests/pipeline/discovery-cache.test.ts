import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { catalogue, type SourceEntry } from '../../lib/sources/catalogue.ts';
import { readSourceState } from '../../lib/sources/raw-zone.ts';
import { MINI_SNAPSHOTS } from '../sources/snapshot-fixture.ts';

// Issue 15: every run searched every navigation page for links again, though most come back 304 Not Modified, and
// the pages multiply over the years (news indexes, lookup pages, the GP series page). The links a step found on a
// copy of a page are kept in the page's conditional-request entry and reused while the page is unchanged.

const JUNE = { date: '2020-06-15', dir: path.join(MINI_SNAPSHOTS, '2020-06-15') };

/** Counts the reads of raw objects that are navigation pages (landing pages and pages, not parsed themselves). */
class PageReadCountingStore extends MemoryLakeStore {
  pageKeys = new Set<string>();
  pageReads = 0;
  override async get(key: string): Promise<Uint8Array | undefined> {
    if (this.pageKeys.has(key)) this.pageReads += 1;
    return super.get(key);
  }
  async notePages(): Promise<void> {
    for (const entry of catalogue) {
      const state = await readSourceState(this, entry.id);
      for (const object of state.objects)
        if ((object.role === 'landing' || object.role === 'page') && !object.parse)
          this.pageKeys.add(object.key);
    }
  }
}

async function currentBySource(store: MemoryLakeStore) {
  const current: Record<string, string[]> = {};
  for (const entry of catalogue)
    current[entry.id] = (await readSourceState(store, entry.id)).objects.map(
      (object) => `${object.role} ${object.url} ${object.archiveEntry ?? ''} ${object.sha256}`,
    );
  return current;
}

describe('discovery over unchanged pages', () => {
  it('reads and parses no navigation page again, and finds the same objects', async () => {
    const store = new PageReadCountingStore();
    await runSnapshot(JUNE, { store, stages: [], lease: false });
    const first = await currentBySource(store);
    await store.notePages();
    expect(store.pageKeys.size).toBeGreaterThan(3);

    const second = await runSnapshot(JUNE, { store, stages: [], lease: false });
    expect(second.report.requests.every((request) => request.status === 304)).toBe(true);
    expect(store.pageReads).toBe(0);
    expect(await currentBySource(store)).toEqual(first);
  });

  it('finds the links again when the catalogue changes a step, though the page did not change', async () => {
    const store = new PageReadCountingStore();
    await runSnapshot(JUNE, { store, stages: [], lease: false });
    const news = (await readSourceState(store, 'nhse-news')).objects.filter((object) => object.parse);
    expect(news.length).toBeGreaterThan(1);
    await store.notePages();

    // The same unchanged news index, now followed for one article only.
    const narrowed: SourceEntry[] = catalogue.map((entry) =>
      entry.id === 'nhse-news'
        ? {
            ...entry,
            discovery: entry.discovery.map((step) => ({ ...step, maxLinks: 1 })),
          }
        : entry,
    );
    const second = await runSnapshot(JUNE, { store, stages: [], lease: false, catalogue: narrowed });
    expect(second.report.requests.every((request) => request.status === 304)).toBe(true);
    const after = (await readSourceState(store, 'nhse-news')).objects.filter((object) => object.parse);
    expect(after.map((object) => object.url)).toEqual([news[0]?.url]);
    expect(store.pageReads).toBeGreaterThan(0);
  });
});
