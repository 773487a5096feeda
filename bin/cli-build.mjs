// Where the compiled CLI lives and whether it is still what its TypeScript sources say. No imports beyond
// node:fs, so checking costs the launcher a millisecond or two of stat calls.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The compiled CLI, relative to the project root (git- and biome-ignored). */
export const CLI_BUILD_DIR = 'dist/cli';

/**
 * Whether the build in dist/cli can run: it exists, and none of the source files it was built from (listed in
 * its build.json) changed or went away since. Otherwise `reason` says what is wrong, in a few words.
 * @param {string} root the project root
 * @returns {{ fresh: true } | { fresh: false, reason: string }}
 */
export function cliBuildState(root) {
  let build;
  try {
    build = JSON.parse(readFileSync(path.join(root, CLI_BUILD_DIR, 'build.json'), 'utf8'));
  } catch {
    return { fresh: false, reason: `no build in ${CLI_BUILD_DIR}/` };
  }
  for (const input of build.inputs) {
    let changedAt;
    try {
      changedAt = statSync(path.join(root, input)).mtimeMs;
    } catch {
      return { fresh: false, reason: `${input} is gone since the build in ${CLI_BUILD_DIR}/` };
    }
    if (changedAt > build.builtAt)
      return { fresh: false, reason: `${input} changed after the build in ${CLI_BUILD_DIR}/` };
  }
  return { fresh: true };
}
