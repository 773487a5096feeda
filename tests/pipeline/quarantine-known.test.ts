import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { knownQuarantine, type QuarantineRecord, quarantineRecord } from '../../lib/pipeline/parse-stage.ts';
import type { QuarantineEntry } from '../../lib/pipeline/run-report.ts';

// Issue 15: every run meets the same unresolved names until the reference data learns them (a decade of GP
// editions left 1,500 of them in the history benchmark). Each must be reported in every run, but written once.

class CountingStore extends MemoryLakeStore {
  creates: string[] = [];
  lists = 0;
  override async putIfAbsent(...args: Parameters<MemoryLakeStore['putIfAbsent']>): Promise<boolean> {
    this.creates.push(args[0]);
    return super.putIfAbsent(...args);
  }
  override async list(prefix: string) {
    this.lists += 1;
    return super.list(prefix);
  }
}

function unresolved(name: string, sourceId = 'ons-code-lookups'): QuarantineRecord {
  return {
    sourceId,
    stage: 'normalise',
    url: 'https://example.org/lookup.csv',
    key: null,
    sha256: 'b'.repeat(64),
    code: 'unresolved_name',
    reason: `${name}: not in lookup CCG21; not guessed`,
    firstSeenRunId: 'run-1',
    name,
    evidence: `${name}: 100 patients`,
  };
}

async function run(store: CountingStore, records: readonly QuarantineRecord[]): Promise<QuarantineEntry[]> {
  const reported: QuarantineEntry[] = [];
  const known = knownQuarantine(store);
  for (const record of records) await quarantineRecord(store, record, (entry) => reported.push(entry), known);
  return reported;
}

describe('quarantining names a run has met before', () => {
  it('reports every name in every run but writes each record once, listing each source once', async () => {
    const store = new CountingStore();
    const names = ['03A', '03C', '03G'].map((code) => unresolved(code));
    expect(await run(store, names)).toHaveLength(3);
    expect(store.creates).toHaveLength(3);
    const written = new Map(store.objects);

    store.creates = [];
    store.lists = 0;
    const second = await run(store, [...names, unresolved('03J'), unresolved('Atlantis', 'nhse-news')]);
    expect(second.map((entry) => entry.reason)).toEqual([
      '03A: 03A: not in lookup CCG21; not guessed',
      '03C: 03C: not in lookup CCG21; not guessed',
      '03G: 03G: not in lookup CCG21; not guessed',
      '03J: 03J: not in lookup CCG21; not guessed',
      'Atlantis: Atlantis: not in lookup CCG21; not guessed',
    ]);
    expect(store.creates.map((key) => key.split('/')[1])).toEqual(['ons-code-lookups', 'nhse-news']);
    expect(store.lists).toBe(2);
    // The records written by the first run are untouched (first seen stays the first run's).
    for (const [key, body] of written) expect(store.objects.get(key)).toEqual(body);
  });
});
