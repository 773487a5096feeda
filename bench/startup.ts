import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildCli } from '../scripts/build-cli.mjs';
import { type Summary, summarise } from './stats.ts';

/** CLI start-up against a bare Node start, each measured in fresh processes, interleaved in one bench process. */
export interface StartupResult {
  /** `node -e 0`. */
  bareNodeMs: Summary;
  /** `node bin/ics-lake.mjs --version` (the compiled CLI). */
  versionMs: Summary;
  /** `node bin/ics-lake.mjs --help`. */
  helpMs: Summary;
  /** `main(['--version'])` from the TypeScript sources through tsx: how every call started before the build. */
  throughTsxMs: Summary;
  /** Per round: --version / bare node. */
  versionOverNode: Summary;
}

/** Wall time of one child process, in ms; a failing child fails the bench. */
function timeProcess(args: readonly string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * Time `ics-lake --version` and `--help` against `node -e 0`, round by round (so load on the shared machine hits
 * all alike), after one unmeasured warm-up round that fills the file cache.
 */
export async function measureStartup(projectRoot: string, rounds: number): Promise<StartupResult> {
  await buildCli({ ifStale: true });
  const cli = path.join(projectRoot, 'bin', 'ics-lake.mjs');
  const tsx = `const { register } = await import('tsx/esm/api'); register(); const { main } = await import(${JSON.stringify(path.join(projectRoot, 'lib/cli/main.ts'))}); process.exitCode = await main(['--version']);`;
  const commands = {
    bareNode: ['-e', '0'],
    version: [cli, '--version'],
    help: [cli, '--help'],
    throughTsx: ['--input-type=module', '-e', tsx],
  };
  const ms: Record<keyof typeof commands, number[]> = { bareNode: [], version: [], help: [], throughTsx: [] };
  for (let round = -1; round < rounds; round++) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, string[]][]) {
      const elapsed = timeProcess(args, projectRoot);
      if (round >= 0) ms[name].push(elapsed);
    }
  }
  return {
    bareNodeMs: summarise(ms.bareNode),
    versionMs: summarise(ms.version),
    helpMs: summarise(ms.help),
    throughTsxMs: summarise(ms.throughTsx),
    versionOverNode: summarise(ms.version.map((version, round) => version / (ms.bareNode[round] ?? version))),
  };
}
