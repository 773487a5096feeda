import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { openLake } from '../../lib/lake/open.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { sha256Hex } from '../../lib/lake/rows.ts';
import type { LakeStore } from '../../lib/lake/store.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';

let folder: string;
let fauxqs: Fauxqs;

/** Three versions: v1 (4 rows), v2 (E01 deleted, E02 updated, E04 created), v3 (E03 renamed). */
async function publishHistory(store: LakeStore): Promise<void> {
  const common = { pipelineVersion: 'cli-test', lineage: [] };
  const rows = regionRows();
  await publishDataset(store, regionsDataset, rows, {
    ...common,
    asOf: '2021-04-01',
    createdAt: '2021-04-01T08:00:00Z',
  });
  const v2 = rows
    .filter((row) => row.region_code !== 'E01')
    .map((row) => (row.region_code === 'E02' ? { ...row, population: 3_200_000, share_pct: 5.6 } : row));
  v2.push({ ...(rows[3] as (typeof rows)[number]), region_code: 'E04', name: 'New region' });
  await publishDataset(store, regionsDataset, v2, {
    ...common,
    asOf: '2021-07-01',
    createdAt: '2021-07-01T08:00:00Z',
  });
  const v3 = v2.map((row) => (row.region_code === 'E03' ? { ...row, name: 'Renamed' } : row));
  await publishDataset(store, regionsDataset, v3, {
    ...common,
    asOf: '2022-07-01',
    createdAt: '2022-07-01T08:00:00Z',
  });
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'lake-cli-'));
  await publishHistory(openLake(path.join(folder, 'lake')));
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  await fauxqs.stop();
  await rm(folder, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

describe('ics-lake versions', () => {
  it('lists each version with its as-of date, row count and change summary', async () => {
    const result = await run('versions', 'regions', '--lake', path.join(folder, 'lake'));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'v1\t2021-04-01\t4 rows\t+4 ~0 -0\trelease 1.0.0',
      'v2\t2021-07-01\t4 rows\t+1 ~1 -1\trelease 1.1.0',
      'v3\t2022-07-01\t4 rows\t+0 ~1 -0\trelease 1.2.0',
    ]);
  });

  it('fails clearly for a dataset that is not in the lake', async () => {
    const result = await run('versions', 'nope', '--lake', path.join(folder, 'lake'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Dataset "nope" is not in file:\/\/.*; the lake holds: regions/);
  });
});

describe('ics-lake get', () => {
  it('streams the latest CSV to stdout by default', async () => {
    const result = await run('get', 'regions', '--lake', path.join(folder, 'lake'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('E03,Renamed,');
    expect(result.stdout.startsWith('region_code,name,population')).toBe(true);
  });

  it.each([
    ['2021-04-01', 1],
    ['2021-06-30T23:59:59Z', 1],
    ['2021-07-01', 2],
    ['2022-07-01T00:00:00.000Z', 3],
  ])('--as-of %s returns version %i, exactly at the boundaries', async (asOf, version) => {
    const out = path.join(folder, `as-of-${asOf.replace(/[:.]/g, '')}.json`);
    const result = await run(
      'get',
      'regions',
      '--as-of',
      asOf,
      '--format',
      'json',
      '--out',
      out,
      '--lake',
      path.join(folder, 'lake'),
    );
    expect(result.code).toBe(0);
    const written = await readFile(out);
    const expected = await readFile(path.join(folder, `lake/datasets/regions/v${version}/regions.json`));
    expect(sha256Hex(written)).toBe(sha256Hex(expected));
  });

  it('writes a numbered Parquet version to a file byte for byte', async () => {
    const out = path.join(folder, 'v2.parquet');
    const result = await run(
      'get',
      'regions',
      '--version',
      'v2',
      '--format',
      'parquet',
      '--out',
      out,
      '--lake',
      path.join(folder, 'lake'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('regions v2 (parquet)');
    expect(sha256Hex(await readFile(out))).toBe(
      sha256Hex(await readFile(path.join(folder, 'lake/datasets/regions/v2/regions.parquet'))),
    );
  });

  it('refuses an as-of date before the first version, and --version with --as-of together', async () => {
    const early = await run('get', 'regions', '--as-of', '2020-01-01', '--lake', path.join(folder, 'lake'));
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no version as of 2020-01-01/);
    const both = await run(
      'get',
      'regions',
      '--version',
      '1',
      '--as-of',
      '2021-07-01',
      '--lake',
      path.join(folder, 'lake'),
    );
    expect(both.code).not.toBe(0);
    const missing = await run('get', 'regions', '--version', '9', '--lake', path.join(folder, 'lake'));
    expect(missing.stderr).toMatch(/no committed version 9/);
  });
});

describe('ics-lake diff', () => {
  it('prints created, updated (field by field) and deleted rows, each key with its name', async () => {
    const result = await run('diff', 'regions', 'v1', 'v2', '--lake', path.join(folder, 'lake'));
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('regions v1 -> v2: 1 created, 1 updated, 1 deleted');
    expect(lines).toContain('~ E02 (North, "East" & Cumbria)');
    expect(lines).toContain('    population: 3100000 -> 3200000');
    expect(lines).toContain('    share_pct: 5.5 -> 5.6');
    expect(lines.some((line) => line.startsWith('+ E04 (New region)\t'))).toBe(true);
    expect(lines.some((line) => line.startsWith('- E01 (=HYPERLINK("http://evil.example","x"))\t'))).toBe(
      true,
    );
  });

  it('prints JSON with before and after values and changed fields with --json', async () => {
    const result = await run('diff', 'regions', '2', '3', '--json', '--lake', path.join(folder, 'lake'));
    const diff = JSON.parse(result.stdout) as {
      created: unknown[];
      deleted: unknown[];
      updated: { key: string; changed_fields: string[]; before: { name: string }; after: { name: string } }[];
    };
    expect(diff.created).toEqual([]);
    expect(diff.deleted).toEqual([]);
    expect(diff.updated).toHaveLength(1);
    expect(diff.updated[0]).toMatchObject({
      key: 'E03',
      changed_fields: ['name'],
      before: { name: '-minus and +plus' },
      after: { name: 'Renamed' },
    });
  });
});

describe('ics-lake commands on an S3 lake', () => {
  it('read versions and files from s3:// with --endpoint', async () => {
    await fauxqsS3Client(fauxqs).send(new CreateBucketCommand({ Bucket: 'cli-lake' }));
    await publishHistory(
      openLake('s3://cli-lake/research', {
        endpoint: fauxqs.endpoint,
        credentials: fauxqs.credentials,
        enforcesConditionalCreate: false,
      }),
    );
    vi.stubEnv('AWS_ACCESS_KEY_ID', fauxqs.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', fauxqs.credentials.secretAccessKey);
    const s3 = ['--lake', 's3://cli-lake/research', '--endpoint', fauxqs.endpoint];
    const versions = await run('versions', 'regions', ...s3);
    expect(versions.stdout.trim().split('\n')).toHaveLength(3);
    const out = path.join(folder, 's3-v1.csv');
    const got = await run('get', 'regions', '--as-of', '2021-04-01', '--out', out, ...s3);
    expect(got.code).toBe(0);
    expect(sha256Hex(await readFile(out))).toBe(
      sha256Hex(await readFile(path.join(folder, 'lake/datasets/regions/v1/regions.csv'))),
    );
    const diff = await run('diff', 'regions', '1', '2', ...s3);
    expect(diff.stdout).toContain('1 created, 1 updated, 1 deleted');
  });
});
