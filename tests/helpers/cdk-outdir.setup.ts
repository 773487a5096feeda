// Every CDK App a test builds without an outdir synthesises into a fresh `cdk.out*` folder under the system temp
// folder, and nothing removes it (about 10 MiB with bundled Lambdas, a few per test run). Point them all at one
// folder per test file instead (`CDK_OUTDIR`, which aws-cdk-lib's App reads), removed when the file is done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const outdir = mkdtempSync(path.join(tmpdir(), 'ics-lake-test-cdk-out-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
