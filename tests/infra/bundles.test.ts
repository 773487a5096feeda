import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../scripts/bundle-sizes.ts';

const projectRoot = process.cwd();
const handlers = readdirSync(join(projectRoot, 'lambdas')).filter((name) => name.endsWith('.ts'));
const outRoot = mkdtempSync(join(tmpdir(), 'ics-lake-bundle-test-'));

describe('Lambda handler bundles (esbuild, as CDK builds them)', () => {
  afterAll(() => {
    rmSync(outRoot, { recursive: true, force: true });
  });

  it('exist for the three stages', () => {
    expect(handlers.sort()).toEqual(['acquire.ts', 'feed.ts', 'process.ts']);
  });

  it.each(handlers)('%s bundles without warnings and without cheerio’s network half', async (handler) => {
    const bundle = await bundleHandler(
      projectRoot,
      join(projectRoot, 'lambdas', handler),
      join(outRoot, handler),
    );
    // An aliased module used beyond what the alias provides shows up here as "will always be undefined".
    expect(bundle.warnings).toEqual([]);
    expect(bundle.inputs.filter((input) => /node_modules\/(undici|iconv-lite)\//.test(input))).toEqual([]);
    // A generous ceiling that catches a dependency blow-up; scripts/bundle-sizes.ts reports the exact figures.
    expect(bundle.bytes).toBeLessThan(2 * 1024 * 1024);
  });
});
