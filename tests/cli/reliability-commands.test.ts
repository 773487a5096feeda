import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, folderHashes, runCli } from '../helpers/cli-process.ts';
import { type Fauxqs, fauxqsSnsClient, startFauxqs } from '../helpers/fauxqs.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

/**
 * The CLI as a scheduler, a shell pipeline and a user in another time zone meet it: honest exit codes, quiet
 * pipes, dates read as UTC whatever TZ says, damaged files named, and lakes that are not lakes refused.
 */
const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-cli-rel-'));
const lake = path.join(root, 'lake');
const copyOf = (name: string) => {
  const copy = path.join(root, name);
  cpSync(lake, copy, { recursive: true });
  return copy;
};

beforeAll(async () => {
  const replay = await runCli(['replay', '--lake', lake, '--snapshots', SMALL_SNAPSHOTS]);
  expect(replay.code, replay.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of a small snapshot with some sources' resources removed (their URLs then answer 404). */
function snapshotWithout(sources: readonly string[] | 'all'): string {
  const dir = path.join(root, `snapshot-${sources === 'all' ? 'none' : sources.join('-')}`);
  cpSync(path.join(SMALL_SNAPSHOTS, '2021-04-12'), dir, { recursive: true });
  const resources = path.join(dir, 'resources');
  for (const file of execFileSync('ls', [resources]).toString().trim().split('\n')) {
    if (sources === 'all' || sources.includes(file.replace(/\.json$/, '')))
      writeFileSync(path.join(resources, file), '[]');
  }
  return dir;
}

describe('exit codes a scheduler can act on', () => {
  it('2 when some sources fail (the rest publish), 3 when nothing can be fetched, each with the reasons on stderr', async () => {
    const partial = await runCli([
      'run',
      '--snapshot',
      snapshotWithout(['trade-press']),
      '--lake',
      copyOf('partial'),
    ]);
    expect(partial.code, partial.stderr).toBe(2);
    expect(partial.stderr).toMatch(
      /1 of \d+ sources failed \(datasets use their last good documents\): trade-press/,
    );
    const none = await runCli(['run', '--snapshot', snapshotWithout('all'), '--lake', copyOf('none')]);
    expect(none.code, none.stderr).toBe(3);
    expect(none.stderr).toMatch(/nothing could be fetched: all \d+ sources failed/);
  }, 60_000);

  describe('notifications', () => {
    let fauxqs: Fauxqs;
    beforeAll(async () => {
      fauxqs = await startFauxqs();
    });
    afterAll(async () => fauxqs.stop());

    it('4 when change events cannot be delivered (a missing topic), saying so; 0 once the topic exists', async () => {
      const fresh = path.join(root, 'notify');
      const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: fauxqs.region };
      const arn = `arn:aws:sns:${fauxqs.region}:000000000000:ics-changes`;
      const args = ['run', '--snapshot', path.join(SMALL_SNAPSHOTS, '2020-06-15'), '--lake', fresh];
      const missing = await runCli([...args, '--notify', `sns:${arn}`, '--endpoint', fauxqs.endpoint], env);
      expect(missing.code, missing.stderr).toBe(4);
      expect(missing.stderr).toMatch(/sns: PublishBatch to arn:aws:sns:.*ics-changes failed/);
      expect(missing.stderr).toMatch(/\d+ change events were not delivered to the notifier \(0 were\)/);
      await fauxqsSnsClient(fauxqs).send(new CreateTopicCommand({ Name: 'ics-changes' }));
      const delivered = await runCli([...args, '--notify', `sns:${arn}`, '--endpoint', fauxqs.endpoint], env);
      expect(delivered.code, delivered.stderr).toBe(0);
    }, 60_000);
  });
});

describe('dates are UTC whatever the machine says', () => {
  it('changes --since a zone-less date-time gives the same events under UTC, London and New York', async () => {
    const counts = await Promise.all(
      ['UTC', 'Europe/London', 'America/New_York'].map(async (tz) => {
        const out = await runCli(['changes', '--lake', lake, '--since', '2021-04-12T11:30', '--json'], {
          TZ: tz,
        });
        expect(out.code, out.stderr).toBe(0);
        return out.stdout.trim().split('\n').filter(Boolean).length;
      }),
    );
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  }, 60_000);

  it('refuses impossible dates and trailing text in one line, then points at the help', async () => {
    for (const bad of ['2021-04-12 junk', '2021-02-30', '2021-13-01', '12/04/2021', '2021-04-12T25:00']) {
      const out = await runCli(['get', 'ics', '--lake', lake, '--as-of', bad], { TZ: 'Europe/London' });
      expect(out.code).toBe(1);
      const [error, ...rest] = out.stderr.trim().split('\n');
      expect(error).toContain('expected an ISO date');
      expect(rest).toEqual(['see `ics-lake get --help`']);
      expect(out.stdout).toBe('');
    }
  }, 60_000);
});

describe('pipes', () => {
  it('a reader that stops early ends the command quietly with exit 0', () => {
    for (const command of ['changes', 'get ics', 'get ics_population --format json']) {
      const script = `node ${JSON.stringify(CLI)} ${command} --lake ${JSON.stringify(lake)} | head -c 10 >/dev/null; echo "$\{PIPESTATUS[0]}"`;
      const result = execFileSync('bash', ['-c', `${script} 2>&1`]).toString();
      expect(result.trim(), command).toBe('0');
    }
  });
});

describe('a damaged lake', () => {
  it('get and diff refuse a file that does not match its manifest, naming it; verify lists it', async () => {
    const damaged = copyOf('damaged');
    const latest = JSON.parse(readFileSync(path.join(damaged, 'datasets/ics/latest.json'), 'utf8')) as {
      version: number;
    };
    const csv = path.join(damaged, `datasets/ics/v${latest.version}/ics.csv`);
    const bytes = readFileSync(csv);
    bytes[100] = (bytes[100] ?? 0) ^ 1;
    writeFileSync(csv, bytes);
    const get = await runCli(['get', 'ics', '--lake', damaged]);
    expect(get.code).toBe(1);
    expect(get.stdout).toBe('');
    expect(get.stderr).toContain(`datasets/ics/v${latest.version}/ics.csv does not match its manifest`);
    const json = path.join(damaged, `datasets/ics/v${latest.version}/ics.json`);
    writeFileSync(json, readFileSync(json).subarray(0, 50));
    const diff = await runCli([
      'diff',
      'ics',
      String(latest.version - 1),
      String(latest.version),
      '--lake',
      damaged,
    ]);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain(`datasets/ics/v${latest.version}/ics.json does not match its manifest`);
    const verify = await runCli(['verify', '--lake', damaged]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/PROBLEM datasets\/ics\/v\d+\/ics.csv: does not match its manifest/);
    expect(verify.stdout).toMatch(/2 problem\(s\)/);
  }, 60_000);

  it('a truncated latest.json or feed index is named with a repair hint, and verify --repair fixes both without rewriting a page', async () => {
    const damaged = copyOf('control');
    const pointer = path.join(damaged, 'datasets/ics_coverage/latest.json');
    writeFileSync(pointer, readFileSync(pointer).subarray(0, 40));
    writeFileSync(path.join(damaged, 'feed/index.json'), 'garbage');
    const get = await runCli(['get', 'ics_coverage', '--lake', damaged]);
    expect(get.stderr).toMatch(
      /datasets\/ics_coverage\/latest.json is not valid JSON .* Repair: ics-lake verify --repair/,
    );
    const changes = await runCli(['changes', '--lake', damaged]);
    expect(changes.code).toBe(1);
    expect(changes.stderr).toMatch(/feed\/index.json is not valid JSON/);
    const pages = folderHashes(path.join(damaged, 'feed/events'));
    const repaired = await runCli(['verify', '--lake', damaged, '--repair']);
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(repaired.stdout).toMatch(/repaired feed\/index.json: rebuilt from \d+ page\(s\)/);
    expect(folderHashes(path.join(damaged, 'feed/events'))).toEqual(pages);
    expect(JSON.parse(readFileSync(path.join(damaged, 'feed/index.json'), 'utf8')).cursor).toBe(
      JSON.parse(readFileSync(path.join(lake, 'feed/index.json'), 'utf8')).cursor,
    );
    expect(readFileSync(pointer)).toEqual(readFileSync(path.join(lake, 'datasets/ics_coverage/latest.json')));
  }, 60_000);

  it('latest/ copies left behind are a note, and verify --repair brings them to the newest version', async () => {
    const behind = copyOf('latest-behind');
    const copies = path.join(behind, 'datasets/ics_coverage/latest');
    const expected = folderHashes(copies);
    rmSync(copies, { recursive: true });
    const verify = await runCli(['verify', '--lake', behind]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/note {4}datasets\/ics_coverage\/latest\/: behind v\d+/);
    const repaired = await runCli(['verify', '--lake', behind, '--repair']);
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(repaired.stdout).toMatch(/repaired datasets\/ics_coverage\/latest\//);
    expect(repaired.stdout).toMatch(/0 problem\(s\), 0 note\(s\)/);
    expect(folderHashes(copies)).toEqual(expected);
  }, 60_000);

  it('a part file no committed version holds is a note, and verify --repair deletes it', async () => {
    const leftover = copyOf('orphan-part');
    const orphan = `datasets/ics_population/parts/2099-01/${'0'.repeat(64)}.csv`;
    mkdirSync(path.join(leftover, path.dirname(orphan)), { recursive: true });
    writeFileSync(path.join(leftover, orphan), 'ics_code\r\n');
    const verify = await runCli(['verify', '--lake', leftover]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(`note    ${orphan}: a part file no committed version holds`);
    const repaired = await runCli(['verify', '--lake', leftover, '--repair']);
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(repaired.stdout).toContain(`repaired ${orphan}: deleted (no committed version holds it)`);
    expect(existsSync(path.join(leftover, orphan))).toBe(false);
    expect((await runCli(['verify', '--lake', leftover])).stdout).toMatch(/0 problem\(s\), 0 note\(s\)/);
  }, 60_000);

  it('a missing feed index is rebuilt by the next run, which adds pages without rewriting any', async () => {
    const partial = path.join(root, 'no-index');
    await runCli(['replay', '--lake', partial, '--snapshots', SMALL_SNAPSHOTS]);
    rmSync(path.join(partial, 'state/timeline.json'));
    const pages = folderHashes(path.join(partial, 'feed/events'));
    rmSync(path.join(partial, 'feed/index.json'));
    const rerun = await runCli([
      'run',
      '--snapshot',
      path.join(SMALL_SNAPSHOTS, '2021-04-12'),
      '--lake',
      partial,
    ]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const after = folderHashes(path.join(partial, 'feed/events'));
    for (const [page, hash] of Object.entries(pages)) expect(after[page], page).toBe(hash);
    const verify = await runCli(['verify', '--lake', partial]);
    expect(verify.code, verify.stdout).toBe(0);
  }, 60_000);
});

describe('a --lake that is not a lake, and filters that match nothing', () => {
  it('are errors that say what exists', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [['get', 'ics', '--lake', path.join(root, 'missing')], /does not exist: expected a lake/],
      [['changes', '--lake', file], /is a file, not a lake folder/],
      [['versions', 'ics', '--lake', root], /is not an ics-lake lake/],
      [['get', 'icss', '--lake', lake], /Dataset "icss" is not in .*; the lake holds: ics, /],
      [['changes', '--dataset', 'icss', '--lake', lake], /no dataset "icss"; the datasets are: /],
      [
        ['changes', '--type', 'uk.nhs.ics.nothing', '--lake', lake],
        /no event type "uk.nhs.ics.nothing"; the types are: /,
      ],
      [['changes', '--since', '99999999', '--lake', lake], /cursor 99999999 is beyond the end of the feed/],
    ];
    for (const [args, message] of cases) {
      const out = await runCli(args);
      expect(out.code, args.join(' ')).toBe(1);
      expect(out.stderr, args.join(' ')).toMatch(message);
    }
  }, 60_000);
});
