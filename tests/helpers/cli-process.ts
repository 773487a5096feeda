import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sha256Hex } from '../../lib/lake/rows.ts';

/**
 * The real CLI entry point, run as a separate process the way a user or a scheduler runs it. It runs the compiled
 * CLI in dist/cli, which vitest's globalSetup (tests/helpers/build-cli.global.ts) rebuilds whenever a source
 * changed, so a spawned CLI always runs the code under test.
 */
export const CLI = path.resolve(import.meta.dirname, '../../bin/ics-lake.mjs');

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start `ics-lake <args>` as a child process; `onLine` sees each stdout line as it arrives. */
export function startCli(
  args: readonly string[],
  options: {
    /** Variables to set over this process's environment; `undefined` removes one. */
    env?: Record<string, string | undefined>;
    onLine?: (line: string, count: number, child: ChildProcess) => void;
  } = {},
): { child: ChildProcess; exited: Promise<Exit> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, [CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lines = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    stdout += `${line}\n`;
    lines += 1;
    options.onLine?.(line, lines, child);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

/** Run `ics-lake <args>` to the end. */
export function runCli(args: readonly string[], env?: Record<string, string | undefined>): Promise<Exit> {
  return startCli(args, env === undefined ? {} : { env }).exited;
}

/** Every file under a folder (relative path, `/`-separated) with its sha256, leaving out some prefixes. */
export function folderHashes(root: string, exclude: readonly string[] = []): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const key = prefix === '' ? name : `${prefix}/${name}`;
      if (statSync(file).isDirectory()) walk(file, key);
      else if (!exclude.some((excluded) => key.startsWith(excluded)))
        hashes[key] = sha256Hex(new Uint8Array(readFileSync(file)));
    }
  };
  walk(root, '');
  return hashes;
}

/** Every file under a folder whose name marks it as a temporary write. */
export function temporaryFiles(root: string): string[] {
  return Object.keys(folderHashes(root)).filter((key) => key.includes('.tmp-'));
}
