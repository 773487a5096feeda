import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/core/clock.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import { type ProcessContext, processDatasets } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';

// The process stage skips normalising and publishing when nothing the datasets depend on changed since the last
// completed run. New code that lays a dataset out differently is such a change: a deployed pipeline whose sources
// are quiet must still apply it on its next run, not only when a source publishes something new.

const BUNDLED = path.resolve(import.meta.dirname, '../../snapshots');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ics-lake-process-inputs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the process stage on inputs it has seen', () => {
  it('recomputes nothing for the same documents and code, and recomputes when a dataset is keyed or partitioned differently', async () => {
    const [snapshot] = listSnapshots(BUNDLED);
    if (snapshot === undefined) throw new Error('expected a bundled snapshot');
    const store = new FolderLakeStore(path.join(dir, 'lake'));
    await runSnapshot(snapshot, { store, stages: [], lease: false });
    const logged: string[] = [];
    const context = (definitions = datasetDefinitions): ProcessContext => ({
      store,
      clock: fixedClock(`${snapshot.date}T12:00:00Z`),
      runId: 'test',
      catalogue,
      quarantine: () => {},
      log: (line) => logged.push(line),
      definitions,
    });
    const first = await processDatasets(context());
    expect(first.inputsUnchanged).toBeUndefined();
    expect(first.datasets.ics_population?.status).toBe('published');

    const again = await processDatasets(context());
    expect(again.inputsUnchanged).toBe(true);
    expect(logged.at(-1)).toMatch(/inputs unchanged since the last run/);

    // Same documents and schemas, but designations keyed the other way round: recomputed, and published again
    // (its rows now sort by source first); every other dataset recomputed and found unchanged.
    const rekeyed = datasetDefinitions.map((definition) =>
      definition.name === 'ics_designations'
        ? { ...definition, primaryKey: [...definition.primaryKey].reverse() }
        : definition,
    );
    const relaid = await processDatasets(context(rekeyed));
    expect(relaid.inputsUnchanged).toBeUndefined();
    expect(relaid.datasets.ics_designations?.status).toBe('published');
    expect(relaid.datasets.ics?.status).toBe('unchanged');
    expect(relaid.datasets.ics_population?.status).toBe('unchanged');

    // A partitioning described differently is new code too: the stage does not skip it.
    const redescribed = rekeyed.map((definition) =>
      definition.partition
        ? {
            ...definition,
            partition: { ...definition.partition, description: `${definition.partition.description}.` },
          }
        : definition,
    );
    expect((await processDatasets(context(redescribed))).inputsUnchanged).toBeUndefined();
    expect((await processDatasets(context(redescribed))).inputsUnchanged).toBe(true);
  }, 120_000);
});
