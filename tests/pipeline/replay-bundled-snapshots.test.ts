import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { replaySnapshots, runSnapshot } from '../../lib/pipeline/replay.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { currentDocuments } from '../../lib/sources/raw-zone.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';

const BUNDLED = path.resolve(import.meta.dirname, '../../snapshots');

describe('replay of the bundled snapshots', () => {
  it('acquires every catalogue source from every bundled snapshot, and a repeat run stores nothing new', async () => {
    const snapshots = listSnapshots(BUNDLED);
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    const store = new FolderLakeStore(mkdtempSync(path.join(tmpdir(), 'ics-lake-bundled-')));
    const summaries = await replaySnapshots({ root: BUNDLED, store });
    expect(summaries.map((summary) => summary.report.snapshot)).toEqual(snapshots.map((ref) => ref.date));
    for (const summary of summaries) {
      expect(summary.status).toBe('completed');
      const failures = summary.report.sources.filter((source) => source.status === 'failed');
      expect(failures.map((source) => `${source.sourceId}: ${source.error}`)).toEqual([]);
    }
    for (const entry of catalogue) {
      expect((await currentDocuments(store, entry.id)).length, entry.id).toBeGreaterThan(0);
    }
    const newest = snapshots.at(-1);
    if (!newest) throw new Error('no snapshots');
    const repeat = await runSnapshot(newest, { store });
    expect(repeat.report.totals.newObjects).toBe(0);
    expect(repeat.report.sources.every((source) => source.status === 'unchanged')).toBe(true);
  });
});
