import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The folder holding the project's package.json. Found by walking up from this module, because the module may
 * run from its source (lib/core/) or from the CLI bundle (dist/cli/ or dist/cli/chunks/), at different depths.
 */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`projectRoot: no package.json above ${import.meta.dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** The dated snapshots shipped with the project (`<root>/snapshots`). */
export function bundledSnapshotsDir(): string {
  return path.join(projectRoot(), 'snapshots');
}
