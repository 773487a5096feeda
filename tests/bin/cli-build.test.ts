import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BUILD_DIR, cliBuildState } from '../../bin/cli-build.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project folder with two sources and a build made at `builtAt` from them. */
function projectBuiltAt(builtAt: Date): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-cli-build-'));
  roots.push(root);
  mkdirSync(path.join(root, 'lib'));
  mkdirSync(path.join(root, CLI_BUILD_DIR), { recursive: true });
  for (const file of ['lib/a.ts', 'lib/b.ts']) {
    writeFileSync(path.join(root, file), 'export {};\n');
    const before = new Date(builtAt.getTime() - 60_000);
    utimesSync(path.join(root, file), before, before);
  }
  const build = { builtAt: builtAt.getTime(), inputs: ['lib/a.ts', 'lib/b.ts'] };
  writeFileSync(path.join(root, CLI_BUILD_DIR, 'build.json'), JSON.stringify(build));
  return root;
}

describe('the compiled CLI runs only while it matches its sources', () => {
  it('is fresh when no source changed after the build', () => {
    expect(cliBuildState(projectBuiltAt(new Date()))).toEqual({ fresh: true });
  });

  it('is stale, naming the file, when a source changed after the build', () => {
    const root = projectBuiltAt(new Date(Date.now() - 3_600_000));
    writeFileSync(path.join(root, 'lib/b.ts'), 'export const changed = 1;\n');
    expect(cliBuildState(root)).toEqual({
      fresh: false,
      reason: 'lib/b.ts changed after the build in dist/cli/',
    });
  });

  it('is stale when a source is gone, or when there is no build', () => {
    const root = projectBuiltAt(new Date());
    rmSync(path.join(root, 'lib/a.ts'));
    expect(cliBuildState(root)).toEqual({
      fresh: false,
      reason: 'lib/a.ts is gone since the build in dist/cli/',
    });
    rmSync(path.join(root, CLI_BUILD_DIR), { recursive: true });
    expect(cliBuildState(root)).toEqual({ fresh: false, reason: 'no build in dist/cli/' });
  });
});
