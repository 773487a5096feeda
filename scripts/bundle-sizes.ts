/**
 * Report each Lambda handler's minified bundle size and its import time in a fresh Node process, building with
 * the same esbuild options CDK uses (`handlerBundling` in lib/infra/project-function.ts).
 *
 *   npx tsx scripts/bundle-sizes.ts [--json] [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { handlerAliases, handlerBundling } from '../lib/infra/project-function.ts';

/** Targets from issue 8: under 1 MB minified and 150 ms to import, per handler. */
export const bundleTargets = { maxBytes: 1024 * 1024, maxImportMs: 150 };

export interface HandlerBundleReport {
  handler: string;
  bytes: number;
  importMs: { median: number; min: number; max: number };
  withinTargets: boolean;
}

/** One handler bundle as CDK builds it. */
export interface HandlerBundle {
  file: string;
  bytes: number;
  /** esbuild's warnings, as text (e.g. an import that "will always be undefined"). */
  warnings: string[];
  /** The input files bundled, relative to the project root. */
  inputs: string[];
}

/** Bundle one handler exactly as the CDK stack does, into `outdir/index.mjs`. */
export async function bundleHandler(
  projectRoot: string,
  entry: string,
  outdir: string,
): Promise<HandlerBundle> {
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
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
    metafile: true,
    logLevel: 'silent',
  });
  return {
    file,
    bytes: statSync(file).size,
    warnings: result.warnings.map((warning) => `${warning.location?.file ?? '?'}: ${warning.text}`),
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** Import a bundle in a fresh Node process and return the milliseconds the import took. */
function importMilliseconds(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    // The handlers read their configuration at cold start; these values are never contacted.
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-2',
      LAKE_BUCKET: 'bundle-size-probe',
      CHANGE_TOPIC_ARN: 'arn:aws:sns:eu-west-2:000000000000:probe',
      POWERTOOLS_SERVICE_NAME: 'ics-lake',
      POWERTOOLS_METRICS_NAMESPACE: 'IcsLake',
    },
    encoding: 'utf8',
  });
  return Number(output);
}

/** Build every `lambdas/*.ts` handler and measure it. */
export async function measureHandlerBundles(projectRoot: string, runs = 5): Promise<HandlerBundleReport[]> {
  const handlers = readdirSync(join(projectRoot, 'lambdas'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.replace(/\.ts$/, ''))
    .sort();
  const outRoot = mkdtempSync(join(tmpdir(), 'ics-lake-bundles-'));
  try {
    const reports: HandlerBundleReport[] = [];
    for (const handler of handlers) {
      const { file, bytes } = await bundleHandler(
        projectRoot,
        join(projectRoot, 'lambdas', `${handler}.ts`),
        join(outRoot, handler),
      );
      const times = Array.from({ length: runs }, () => importMilliseconds(file)).sort((a, b) => a - b);
      const importMs = {
        median: times[Math.floor(times.length / 2)] ?? Number.NaN,
        min: times[0] ?? Number.NaN,
        max: times.at(-1) ?? Number.NaN,
      };
      reports.push({
        handler,
        bytes,
        importMs,
        withinTargets: bytes < bundleTargets.maxBytes && importMs.median < bundleTargets.maxImportMs,
      });
    }
    return reports;
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex === -1 ? 5 : Number(args[runsIndex + 1]);
  const reports = await measureHandlerBundles(resolve(import.meta.dirname, '..'), runs);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return;
  }
  for (const report of reports) {
    const kib = (report.bytes / 1024).toFixed(1);
    const { median, min, max } = report.importMs;
    process.stdout.write(
      `${report.handler.padEnd(10)} ${kib.padStart(8)} KiB  import ${median.toFixed(0)} ms (min ${min.toFixed(0)}, max ${max.toFixed(0)}, n=${runs})  ${report.withinTargets ? 'ok' : 'MISSES TARGET (<1 MiB, <150 ms)'}\n`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
