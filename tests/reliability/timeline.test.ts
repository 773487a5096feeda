import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { folderHashes, runCli } from '../helpers/cli-process.ts';
import { assertTimeMovesForward, SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * History only moves forward: a lake remembers the date of its newest run, refuses an older one with one line,
 * and `replay` resumes at the first snapshot it has not completed instead of starting from the oldest again.
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-timeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const snapshot = (date: string) => path.join(SMALL_SNAPSHOTS, date);

describe('the lake timeline', () => {
  it('refuses an older snapshot after a newer one, writing nothing, and replay then only fills what is missing', async () => {
    const lake = path.join(root, 'newest-first');
    const newest = await runCli(['run', '--snapshot', snapshot('2021-04-12'), '--lake', lake]);
    expect(newest.code, newest.stderr).toBe(0);
    const before = folderHashes(lake);

    const older = await runCli(['run', '--snapshot', snapshot('2020-06-15'), '--lake', lake]);
    expect(older.code).toBe(1);
    expect(older.stderr.trim().split('\n')).toHaveLength(1);
    expect(older.stderr).toMatch(
      /Refused: this run is dated 2020-06-15T12:00:00.000Z, but .* already holds a run dated 2021-04-12T12:00:00.000Z/,
    );
    expect(folderHashes(lake)).toEqual(before);

    const replay = await runCli(['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/nothing to replay/);
    expect(folderHashes(lake)).toEqual(before);
    await assertTimeMovesForward(new FolderLakeStore(lake));
  }, 60_000);

  it('resumes an interrupted replay at the snapshot it did not complete', async () => {
    const lake = path.join(root, 'resumed');
    await runCli(['run', '--snapshot', snapshot('2020-06-15'), '--lake', lake]);
    const replay = await runCli(['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/resuming at snapshot 2020-12-14: .* already holds 1 snapshot\(s\)/);
    expect(replay.stdout).not.toMatch(/== snapshot 2020-06-15/);

    const clean = path.join(root, 'clean');
    await runCli(['replay', '--lake', clean, '--snapshots', SMALL_SNAPSHOTS]);
    expect(folderHashes(lake, ['runs/'])).toEqual(folderHashes(clean, ['runs/']));
    await assertTimeMovesForward(new FolderLakeStore(lake));
  }, 60_000);
});
