import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { handlerAliases, handlerBundling } from '../lib/infra/project-function.ts';
import { type HandlerBundleReport, measureHandlerBundles } from '../scripts/bundle-sizes.ts';

/** One handler: the deployed bundle (SDK bundled, as the stack sets) and its size with CDK's default externals. */
export interface LambdaBundleResult extends HandlerBundleReport {
  /** Minified size when `@aws-sdk/*` is left external, CDK's default for Node 18+ runtimes (bundleAwsSDK: false). */
  bytesWithSdkExternal: number;
  /** The largest contributors to the deployed bundle, by package, in KiB. */
  largestPackagesKiB: Record<string, number>;
}

/** The package a bundled input belongs to (`node_modules/@scope/name/...` -> `@scope/name`), or `project`. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at === -1) return 'project';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

/** Build and time every handler as CDK builds it; also size each one under CDK's default SDK externals. */
export async function measureLambdaBundles(projectRoot: string, runs: number): Promise<LambdaBundleResult[]> {
  const deployed = await measureHandlerBundles(projectRoot, runs);
  const outRoot = mkdtempSync(join(tmpdir(), 'ics-lake-bench-bundles-'));
  try {
    const results: LambdaBundleResult[] = [];
    for (const report of deployed) {
      const buildWith = (external: string[]) => bundle(projectRoot, report.handler, outRoot, external);
      const deployedBuild = await buildWith([]);
      const external = await buildWith(['@aws-sdk/*']);
      const byPackage = new Map<string, number>();
      for (const [input, { bytesInOutput }] of Object.entries(deployedBuild.inputs)) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
      const largest = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
      results.push({
        ...report,
        bytesWithSdkExternal: external.bytes,
        largestPackagesKiB: Object.fromEntries(
          largest.map(([name, bytes]) => [name, Math.round(bytes / 1024)]),
        ),
      });
    }
    return results;
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

/** Build one handler with the stack's esbuild options (plus `external`); its size and per-input output bytes. */
async function bundle(
  projectRoot: string,
  handler: string,
  outRoot: string,
  external: string[],
): Promise<{ bytes: number; inputs: Record<string, { bytesInOutput: number }> }> {
  const outfile = join(outRoot, `${handler}-${external.length}`, 'index.mjs');
  const result = await build({
    entryPoints: [join(projectRoot, 'lambdas', `${handler}.ts`)],
    outfile,
    absWorkingDir: projectRoot,
    bundle: true,
    platform: handlerBundling.platform,
    format: 'esm',
    target: handlerBundling.target,
    minify: handlerBundling.minify,
    sourcemap: handlerBundling.sourceMap,
    sourcesContent: handlerBundling.sourcesContent,
    keepNames: handlerBundling.keepNames,
    mainFields: [...handlerBundling.mainFields],
    banner: { js: handlerBundling.banner },
    alias: handlerAliases(projectRoot),
    external,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  return { bytes: statSync(outfile).size, inputs: output?.inputs ?? {} };
}
