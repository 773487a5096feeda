#!/usr/bin/env node
// `npm run build` (and `npm ci`, through the prepare script): bundle the CLI into dist/cli with esbuild. One
// entry (lib/cli/main.ts) split into chunks, so each command's modules load only when that command runs;
// packages stay external (node_modules). `--if-stale` builds only when bin/cli-build.mjs says the build is stale.
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CLI_BUILD_DIR, cliBuildState } from '../bin/cli-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Build dist/cli; with `ifStale`, only when it is missing or older than a source. Builds into a temporary folder
 * and swaps it in, so a CLI starting meanwhile never sees half a build. Returns whether it built.
 * @param {{ ifStale?: boolean }} options
 */
export async function buildCli({ ifStale = false } = {}) {
  if (ifStale && cliBuildState(root).fresh) return false;
  const builtAt = Date.now();
  const temporary = path.join(root, 'dist', `.cli-${process.pid}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'lib/cli/main.ts' },
    outdir: temporary,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'));
  await writeFile(path.join(temporary, 'build.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
  await swapIn(temporary, path.join(root, CLI_BUILD_DIR));
  return true;
}

/** Replace `target` by `fresh`; if a concurrent build got there first, keep its (equally fresh) result. */
async function swapIn(fresh, target) {
  const old = `${target}.old-${process.pid}`;
  await rename(target, old).catch(() => {});
  try {
    await rename(fresh, target);
  } catch (error) {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(fresh, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildCli({ ifStale: process.argv.includes('--if-stale') });
  process.stdout.write(built ? `built ${CLI_BUILD_DIR}/\n` : `${CLI_BUILD_DIR}/ is up to date\n`);
}
