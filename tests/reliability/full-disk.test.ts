import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exit, folderHashes, runCli, temporaryFiles } from '../helpers/cli-process.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * A real full disk: the lake lives on a small tmpfs that runs out of space in the middle of a replay. The run
 * fails with an error naming the file it could not write, leaves no partial or temporary file, and after space
 * returns (the tmpfs is remounted larger) `replay` recovers to a lake byte-identical to a clean one. Mounting
 * needs CAP_SYS_ADMIN; where it is not permitted the test is skipped and says why.
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-full-disk-'));
const replayArgs = (lake: string) => ['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS];
const mounts: string[] = [];
let clean: { exit: Exit; hashes: Record<string, string> };
let mountRefused: string | undefined;

function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  mounts.push(dir);
}

beforeAll(async () => {
  const probe = path.join(root, 'probe');
  mkdirSync(probe);
  try {
    mountTmpfs(probe, '64k');
  } catch (error) {
    mountRefused = `mounting a tmpfs is not permitted here (${(error as Error).message.split('\n')[0]})`;
  }
  const lake = path.join(root, 'clean');
  const exit = await runCli(replayArgs(lake));
  clean = { exit, hashes: folderHashes(lake, ['runs/']) };
}, 60_000);

afterAll(() => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // Already gone.
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe('a lake on a disk that fills up mid-replay', () => {
  it.for(['700k', '1400k'])(
    '(tmpfs of %s) fails naming the file, then recovers byte-identical once space returns',
    { timeout: 120_000 },
    async (size, context) => {
      if (mountRefused !== undefined) {
        console.warn(`skipped: ${mountRefused}`);
        context.skip();
      }
      const lake = path.join(root, `lake-${size}`);
      mkdirSync(lake);
      mountTmpfs(lake, size);

      const full = await runCli(replayArgs(lake));
      expect(full.code, full.stderr).toBe(3);
      expect(full.stderr).toMatch(/Could not write file:\/\/\S+: ENOSPC/);
      expect(temporaryFiles(lake)).toEqual([]);
      const verify = await runCli(['verify', '--lake', lake]);
      expect(verify.code, verify.stdout).toBe(0);

      execFileSync('mount', ['-o', 'remount,size=64m', lake], { stdio: 'pipe' });
      const recovered = await runCli(replayArgs(lake));
      expect(recovered.code, recovered.stderr).toBe(clean.exit.code);
      expect(temporaryFiles(lake)).toEqual([]);
      expect(folderHashes(lake, ['runs/'])).toEqual(clean.hashes);
    },
  );
});
