import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../lib/lake/open.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import { regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';
import { CLI, runCli } from '../helpers/cli-process.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * The conventions of a data CLI, met by the real process: --version, a datasets listing, one-line errors that
 * name the real problem and its fix, no SDK noise, no binary on a terminal, and as-of answers that say what they
 * chose. The lake is a replay of the small snapshots: versions stamped 12:00Z on 2020-06-15, 2020-12-14 and
 * 2021-04-12.
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-cli-conv-'));
const lake = path.join(root, 'lake');
const packageVersion = (JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string })
  .version;
let fauxqs: Fauxqs;

/** An environment in which the AWS SDK finds no region, no credentials and no instance metadata. */
const NO_AWS = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: path.join(root, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(root, 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

beforeAll(async () => {
  const replay = await runCli(['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS]);
  expect(replay.code, replay.stderr).toBe(0);
  fauxqs = await startFauxqs();
}, 60_000);
afterAll(async () => {
  await fauxqs.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Run the CLI with stdout on a pseudo-terminal (util-linux `script`); stdout and stderr arrive merged. */
function runInTerminal(args: readonly string[]): { code: number | null; output: string } {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    input: '',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  return { code: result.status, output: result.stdout.replaceAll('\r\n', '\n') };
}

/** The packages (bare imports) a CLI call loads, recorded by a module hook. */
function packagesLoadedBy(args: readonly string[]): string[] {
  const hook = path.resolve(import.meta.dirname, '../helpers/record-packages.mjs');
  const result = spawnSync(process.execPath, ['--import', hook, CLI, ...args], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return [...new Set([...result.stderr.matchAll(/^package: (.+)$/gm)].map((match) => match[1] ?? ''))].sort();
}

describe('--version and --help', () => {
  it('--version (and -V) prints the package version and nothing else', async () => {
    for (const flag of ['--version', '-V']) {
      const out = await runCli([flag]);
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`${packageVersion}\n`);
      expect(out.stderr).toBe('');
    }
  });

  it('--version and --help load no package but commander: no AWS SDK, cheerio, zod or pipeline', () => {
    expect(packagesLoadedBy(['--version'])).toEqual(['commander']);
    expect(packagesLoadedBy(['--help'])).toEqual(['commander']);
  });

  it('reading a folder lake loads no AWS SDK and no cheerio', () => {
    for (const args of [['versions', 'ics'], ['datasets'], ['get', 'ics'], ['diff', 'ics', '1', 'latest']]) {
      const loaded = packagesLoadedBy([...args, '--lake', lake]);
      expect(loaded, args.join(' ')).toContain('commander');
      expect(
        loaded.filter((name) => /^@aws-sdk\/|^cheerio/.test(name)),
        args.join(' '),
      ).toEqual([]);
    }
  });

  it('--help lists every command, datasets included', async () => {
    const out = await runCli(['--help']);
    for (const name of ['run', 'replay', 'parse', 'datasets', 'changes', 'versions', 'get', 'diff', 'verify'])
      expect(out.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('get --help says a date-only --as-of means the end of that day UTC', async () => {
    const out = await runCli(['get', '--help']);
    expect(out.stdout.replace(/\s+/g, ' ')).toContain(
      'a date alone means the end of that day (23:59:59.999Z)',
    );
  });
});

describe('ics-lake datasets', () => {
  it('lists every defined dataset with its latest version, rows, as-of date and description', async () => {
    const out = await runCli(['datasets', '--lake', lake]);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t')[0])).toEqual(datasetDefinitions.map((d) => d.name));
    const versions = await runCli(['versions', 'ics', '--lake', lake]);
    const newest = versions.stdout.trim().split('\n').at(-1)?.split('\t') ?? [];
    const ics = lines[0]?.split('\t') ?? [];
    expect(ics.slice(0, 4)).toEqual(['ics', newest[0], newest[2], '2021-04-12']);
    expect(ics[4]).toMatch(/^One row per body that has ever existed/);
  });

  it('--json gives the full description and the latest manifest figures', async () => {
    const out = await runCli(['datasets', '--json', '--lake', lake]);
    const ics = JSON.parse(out.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    const manifest = JSON.parse(readFileSync(path.join(lake, 'datasets/ics/v3/manifest.json'), 'utf8'));
    expect(ics).toEqual({
      name: 'ics',
      description: datasetDefinitions[0]?.description,
      latest: {
        version: 3,
        release: manifest.release,
        rows: manifest.rows,
        as_of: '2021-04-12T12:00:00.000Z',
        created_at: manifest.created_at,
      },
    });
  });
});

describe('argument errors: one line, then where to look', () => {
  it('names the bad argument and points at the command help, without the usage', async () => {
    const cases: [string[], RegExp, string][] = [
      [['get', 'ics', '--format', 'xml'], /argument 'xml' is invalid.*csv, json, parquet/, 'get'],
      [['diff', 'ics', '1', 'yesterday'], /'yesterday' is invalid.*latest, or an ISO date/, 'diff'],
      [['versions'], /missing required argument 'dataset'/, 'versions'],
      [['datasets', '--nope'], /unknown option '--nope'/, 'datasets'],
      [['get', 'ics', '--as-of', '2022-02-30'], /'--as-of <date>' argument '2022-02-30' is invalid/, 'get'],
      [['get', 'ics', '--on', '2022-07'], /'--on <date>' argument '2022-07' is invalid/, 'get'],
      [['changes', '--since', 'yesterday'], /expected a cursor \(e.g. 1200\) or an ISO date/, 'changes'],
    ];
    for (const [args, message, command] of cases) {
      const out = await runCli([...args, '--lake', lake]);
      expect(out.code, args.join(' ')).toBe(1);
      const lines = out.stderr.trimEnd().split('\n');
      expect(lines, args.join(' ')).toHaveLength(2);
      expect(lines[0]).toMatch(message);
      expect(lines[1]).toBe(`see \`ics-lake ${command} --help\``);
      expect(out.stdout).toBe('');
    }
  });

  it('an unknown command points at the program help', async () => {
    const out = await runCli(['dataset']);
    expect(out.code).toBe(1);
    expect(out.stderr.trimEnd().split('\n')).toEqual([
      "error: unknown command 'dataset'",
      '(Did you mean datasets?)',
      'see `ics-lake --help`',
    ]);
  });
});

describe('--lake that is not a lake', () => {
  it('names a missing folder and a file as such', async () => {
    const file = path.join(root, 'afile.txt');
    writeFileSync(file, 'x');
    const missing = await runCli(['datasets', '--lake', path.join(root, 'nowhere')]);
    expect(missing.stderr).toBe(
      `ics-lake: ${path.join(root, 'nowhere')} does not exist: expected a lake made by ics-lake run or replay\n`,
    );
    const notFolder = await runCli(['get', 'ics', '--lake', file]);
    expect(notFolder.stderr).toBe(`ics-lake: ${file} is a file, not a lake folder\n`);
    expect([missing.code, notFolder.code]).toEqual([1, 1]);
  });
});

describe('S3 lakes: the real problem, its fix, and no SDK noise', () => {
  it('no region: one line naming AWS_REGION and --endpoint, without the SDK Node-version warning', async () => {
    const out = await runCli(['versions', 'ics', '--lake', 's3://some-bucket/lake'], NO_AWS);
    expect(out.code).toBe(1);
    expect(out.stderr.trimEnd().split('\n')).toEqual([
      'ics-lake: s3://some-bucket/lake: no AWS region: Region is missing; set AWS_REGION (e.g. AWS_REGION=eu-west-2) or AWS_PROFILE, or pass --endpoint <url> for an S3-compatible server',
    ]);
  });

  it('no credentials: one line naming the credential variables', async () => {
    const out = await runCli(
      ['datasets', '--lake', 's3://some-bucket', '--endpoint', fauxqs.endpoint],
      NO_AWS,
    );
    expect(out.code).toBe(1);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(
      /^ics-lake: s3:\/\/some-bucket: no AWS credentials: .*; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/,
    );
  });

  it('an endpoint nobody listens on: one line saying the server cannot be reached', async () => {
    const closed = new URL(fauxqs.endpoint);
    closed.port = '9';
    const out = await runCli(['datasets', '--lake', 's3://some-bucket', '--endpoint', closed.origin], {
      ...NO_AWS,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/ECONNREFUSED.*; cannot reach the S3 server: check --endpoint/);
  });

  it('a working S3 lake answers with an empty stderr', async () => {
    await fauxqsS3Client(fauxqs).send(new CreateBucketCommand({ Bucket: 'conventions' }));
    const store = openLake('s3://conventions/lake', {
      endpoint: fauxqs.endpoint,
      credentials: fauxqs.credentials,
      enforcesConditionalCreate: false,
    });
    await publishDataset(store, regionsDataset, regionRows(), {
      pipelineVersion: 'cli-test',
      lineage: [],
      asOf: '2021-04-01',
      createdAt: '2021-04-01T08:00:00Z',
    });
    const out = await runCli(['datasets', '--lake', 's3://conventions/lake', '--endpoint', fauxqs.endpoint], {
      ...NO_AWS,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^regions\tv1\t4 rows\t2021-04-01\t$/m);
  });
});

describe('binary formats and terminals', () => {
  it('refuses Parquet on a terminal in one line, but writes it to a pipe and to --out', async () => {
    const terminal = runInTerminal(['get', 'ics', '--format', 'parquet', '--lake', lake]);
    expect(terminal.code).toBe(1);
    expect(terminal.output).toBe(
      'ics-lake: --format parquet is binary and stdout is a terminal: give --out <file>, or redirect stdout (> ics.parquet)\n',
    );
    const out = path.join(root, 'ics.parquet');
    const toFile = runInTerminal(['get', 'ics', '--format', 'parquet', '--out', out, '--lake', lake]);
    expect(toFile.code, toFile.output).toBe(0);
    expect(readFileSync(out).subarray(0, 4).toString()).toBe('PAR1');
    const piped = spawnSync(process.execPath, [CLI, 'get', 'ics', '--format', 'parquet', '--lake', lake]);
    expect(piped.status).toBe(0);
    expect(piped.stdout.equals(readFileSync(out))).toBe(true);
  });

  it('still writes CSV to a terminal', () => {
    const terminal = runInTerminal(['get', 'ics', '--lake', lake]);
    expect(terminal.code).toBe(0);
    expect(terminal.output).toMatch(/^ics_code,ons_code,name,/);
  });
});

describe('--as-of and diff versions', () => {
  it('a date-only --as-of includes the version published at 12:00Z that day, and says which it chose', async () => {
    const sameDay = await runCli(['get', 'ics', '--as-of', '2020-12-14', '--lake', lake]);
    expect(sameDay.code, sameDay.stderr).toBe(0);
    expect(sameDay.stderr).toBe(
      'ics: v2 (as_of 2020-12-14T12:00:00.000Z) was the latest version at 2020-12-14T23:59:59.999Z\n',
    );
    const v2 = await runCli(['get', 'ics', '--version', '2', '--lake', lake]);
    expect(sameDay.stdout).toBe(v2.stdout);
    const morning = await runCli(['get', 'ics', '--as-of', '2020-12-14T11:59:59Z', '--lake', lake]);
    expect(morning.stderr).toBe(
      'ics: v1 (as_of 2020-06-15T12:00:00.000Z) was the latest version at 2020-12-14T11:59:59.000Z\n',
    );
  });

  it('diff takes latest and dates as versions and shows ICS names beside codes', async () => {
    const out = await runCli(['diff', 'ics', '2020-06-15', 'latest', '--lake', lake]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe(
      'ics: v1 (as_of 2020-06-15T12:00:00.000Z) was the latest version at 2020-06-15T23:59:59.999Z\n',
    );
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ics v1 -> v3: \d+ created, \d+ updated, \d+ deleted$/);
    const rows = JSON.parse((await runCli(['get', 'ics', '--format', 'json', '--lake', lake])).stdout) as {
      ics_code: string;
      name: string;
    }[];
    const names = new Map(rows.map((row) => [row.ics_code, row.name]));
    const updated = lines.filter((line) => line.startsWith('~ '));
    expect(updated.length).toBeGreaterThan(0);
    for (const line of updated) {
      const [, code, name] = /^~ (\w+) \((.+)\)$/.exec(line) ?? [];
      expect(names.get(code ?? ''), line).toBe(name);
    }
  });

  it('diff of a dataset keyed by ics_code without names takes them from the ics dataset', async () => {
    const out = await runCli(['diff', 'ics_population', '2', '3', '--lake', lake]);
    expect(out.code, out.stderr).toBe(0);
    const created = out.stdout.split('\n').filter((line) => line.startsWith('+ '));
    expect(created.length).toBeGreaterThan(0);
    for (const line of created) expect(line).toMatch(/^\+ \w{3} \([^)]+\)\|\d{4}-\d{2}-\d{2}\|/);
  });
});
