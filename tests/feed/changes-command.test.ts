import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { ChangeEvent } from '../../lib/feed/events.ts';
import { writeFeedForVersions } from '../../lib/feed/publish-feed.ts';
import { followEvents } from '../../lib/feed/read.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { commitVersion, icsDefinition, icsRow } from './definitions.ts';

const history = [
  { asOf: '2020-04-01T00:00:00.000Z', rows: [icsRow('QE1'), icsRow('QHG')] },
  {
    asOf: '2021-04-01T00:00:00.000Z',
    rows: [
      icsRow('QE1', { status: 'ics', designated_from: '2021-04-01' }),
      icsRow('QHG', { name: 'Renamed' }),
    ],
  },
  {
    asOf: '2022-07-01T00:00:00.000Z',
    rows: [
      icsRow('QE1', { status: 'icb', designated_from: '2021-04-01', statutory_from: '2022-07-01' }),
      icsRow('QHG', { name: 'Renamed' }),
    ],
  },
];

let lake: string;
let store: FolderLakeStore;

async function publish(version: number) {
  const entry = history[version - 1];
  if (entry === undefined) throw new Error(`no version ${version}`);
  const manifestKey = await commitVersion(store, 'ics', version, entry.asOf, entry.rows);
  await writeFeedForVersions(store, [
    {
      definition: icsDefinition,
      version,
      asOf: entry.asOf,
      previousRows: history[version - 2]?.rows ?? [],
      rows: entry.rows,
      manifestKey,
    },
  ]);
}

beforeAll(async () => {
  lake = await mkdtemp(path.join(tmpdir(), 'ics-lake-changes-'));
  store = new FolderLakeStore(lake);
  await publish(1);
  await publish(2);
});
afterAll(async () => {
  await rm(lake, { recursive: true, force: true });
});

/** Run the CLI in-process (spawning tsx per call costs seconds), capturing stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('ics-lake changes', () => {
  it('prints every event in feed order as one line each', async () => {
    const { code, stdout } = await cli(['changes', '--lake', lake]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t').slice(0, 3).join(' '))).toEqual([
      '1 2020-04-01 uk.nhs.ics.ics.created',
      '2 2020-04-01 uk.nhs.ics.ics.created',
      '3 2020-04-01 uk.nhs.ics.dataset.published',
      '4 2021-04-01 uk.nhs.ics.ics.designated',
      '5 2021-04-01 uk.nhs.ics.ics.renamed',
      '6 2021-04-01 uk.nhs.ics.dataset.published',
    ]);
    expect(lines[5]).toContain(
      'ics v2 published: 1 ICS designated: ICS QE1; 1 ICS renamed: ICS QHG → Renamed',
    );
  });

  it('prints filtered CloudEvents as JSON Lines from a cursor or a date', async () => {
    const fromCursor = await cli([
      'changes',
      '--lake',
      lake,
      '--json',
      '--since',
      '3',
      '--type',
      'uk.nhs.ics.ics.*',
    ]);
    const events = fromCursor.stdout
      .trim()
      .split('\n')
      .map((line) => ChangeEvent.parse(JSON.parse(line)));
    expect(events.map((event) => `${event.type} ${event.subject}`)).toEqual([
      'uk.nhs.ics.ics.designated QE1',
      'uk.nhs.ics.ics.renamed QHG',
    ]);
    const fromDate = await cli([
      'changes',
      '--lake',
      lake,
      '--json',
      '--since',
      '2021-01-01',
      '--dataset',
      'ics',
    ]);
    expect(fromDate.stdout.trim().split('\n').length).toBe(3);
    const refused = await cli(['changes', '--lake', lake, '--since', 'last tuesday']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('expected a cursor (e.g. 1200) or an ISO date');
  });

  it('--follow prints new events as the feed grows and stops cleanly on SIGINT', async () => {
    const lines: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(...String(chunk).trim().split('\n'));
      if (lines.some((line) => line.includes('ics v3 published'))) process.emit('SIGINT');
      return true;
    });
    try {
      const following = main(['changes', '--lake', lake, '--follow', '--interval', '100', '--since', '6']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await publish(3);
      expect(await following).toBe(0);
    } finally {
      out.mockRestore();
    }
    expect(lines.map((line) => line.split('\t')[0])).toEqual(['7', '8']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

describe('followEvents', () => {
  it('yields only events after the cursor, then new ones as they are written, until aborted', async () => {
    const memory = new MemoryLakeStore();
    const write = async (version: number) => {
      const entry = history[version - 1];
      if (entry === undefined) throw new Error(`no version ${version}`);
      const manifestKey = await commitVersion(memory, 'ics', version, entry.asOf, entry.rows);
      const previousRows = history[version - 2]?.rows ?? [];
      await writeFeedForVersions(memory, [
        { definition: icsDefinition, version, asOf: entry.asOf, previousRows, rows: entry.rows, manifestKey },
      ]);
    };
    await write(1);
    const stop = new AbortController();
    const seen: number[] = [];
    let polls = 0;
    const sleep = async () => {
      polls += 1;
      if (polls === 1) await write(2);
      if (polls === 3) stop.abort();
    };
    for await (const record of followEvents(memory, {
      since: 2,
      intervalMs: 1,
      signal: stop.signal,
      sleep,
    })) {
      seen.push(record.sequence);
    }
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(polls).toBe(3);
  });
});
