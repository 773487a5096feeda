import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exit, folderHashes, runCli, startCli, temporaryFiles } from '../helpers/cli-process.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * Real faults on real processes: `ics-lake replay` of the small snapshots is started as a child process and
 * killed (SIGKILL, SIGINT, SIGTERM) at points spread over the whole replay, chosen by the progress line it has
 * printed plus a few milliseconds, so kills land inside acquire, process and feed alike. Then `replay` runs
 * again at once: it must finish without waiting for the dead run's lease, and the lake must be byte-identical to
 * a clean replay's (run reports aside, which record timings).
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-kill-'));
const replayArgs = (lake: string) => ['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS];
let clean: { exit: Exit; hashes: Record<string, string>; lines: number };

afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const lake = path.join(root, 'clean');
  const exit = await runCli(replayArgs(lake));
  clean = { exit, hashes: folderHashes(lake, ['runs/']), lines: exit.stdout.trimEnd().split('\n').length };
  expect(exit.signal).toBeNull();
}, 60_000);

/** Kill points as fractions of the replay's progress lines, with a small extra delay each. */
const plans: { signal: NodeJS.Signals; at: number; delayMs: number }[] = [
  ...[0.05, 0.18, 0.3, 0.42, 0.55, 0.68, 0.8, 0.9].map((at, n) => ({
    signal: 'SIGKILL' as const,
    at,
    delayMs: (n * 7) % 30,
  })),
  ...[0.12, 0.37, 0.62, 0.86].map((at, n) => ({ signal: 'SIGINT' as const, at, delayMs: (n * 11) % 30 })),
  ...[0.24, 0.49, 0.74, 0.95].map((at, n) => ({ signal: 'SIGTERM' as const, at, delayMs: (n * 13) % 30 })),
];

describe('killing a real replay and replaying again', () => {
  it.each(plans)(
    '$signal at $at of the replay, then $delayMs ms: rerun completes at once and the lake is byte-identical',
    async (plan) => {
      const lake = path.join(root, `${plan.signal}-${plan.at}`);
      const scratch = path.join(root, `${plan.signal}-${plan.at}-tmp`);
      mkdirSync(scratch);
      // The last lines are the summary printed after the runs; kill points fall within the runs themselves.
      const killAt = 1 + Math.floor(plan.at * (clean.lines - 5));
      const { exited } = startCli(replayArgs(lake), {
        env: { TMPDIR: scratch },
        onLine: (_line, count, child) => {
          if (count === killAt) setTimeout(() => child.kill(plan.signal), plan.delayMs);
        },
      });
      const killed = await exited;
      if (plan.signal === 'SIGKILL') {
        expect(killed.signal).toBe('SIGKILL');
      } else {
        // Stopped cleanly: the documented exit code, the lease released, no temporary or scratch file left.
        expect(killed.code, JSON.stringify({ ...killed, stdout: killed.stdout.slice(-200) })).toBe(
          plan.signal === 'SIGINT' ? 130 : 143,
        );
        expect(killed.stderr).toContain(`interrupted by ${plan.signal}`);
        expect(readdirSync(path.join(lake, 'lease')), killed.stderr + killed.stdout.slice(-600)).toEqual([]);
        expect(temporaryFiles(lake)).toEqual([]);
        expect(readdirSync(scratch).filter((name) => name.startsWith('ics-lake-'))).toEqual([]);
      }

      const started = Date.now();
      const rerun = await runCli(replayArgs(lake), { TMPDIR: scratch });
      expect(rerun.stderr).not.toContain('another run is writing');
      expect(rerun.code, rerun.stderr).toBe(clean.exit.code);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(temporaryFiles(lake)).toEqual([]);
      expect(folderHashes(lake, ['runs/'])).toEqual(clean.hashes);
    },
    90_000,
  );
});
