import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import type { Row } from '../../lib/lake/rows.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { listVersions, readLatest, readVersionRows } from '../../lib/lake/versions.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { replaySnapshots, runSnapshot } from '../../lib/pipeline/replay.ts';
import { RunReport } from '../../lib/pipeline/run-report.ts';
import { listSnapshots } from '../../lib/sources/snapshots.ts';

/**
 * The acceptance criteria that span every stage, checked on one real replay of the bundled snapshots, run the way
 * `npm start` runs it: the CLI as a child process without a terminal.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SNAPSHOT_DATES = [
  '2020-06-15',
  '2020-12-14',
  '2021-04-12',
  '2022-07-20',
  '2023-04-20',
  '2024-02-15',
  '2025-10-15',
  '2026-04-20',
  '2026-11-30',
];
const DEC_2020_NHSE =
  'https://www.england.nhs.uk/2020/12/nhs-chief-confirms-11-new-integrated-care-systems-serving-14-million-people/';
// NHS England's 8 December 2020 wave, by ODS code.
const DECEMBER_2020_WAVE = ['QHL', 'QJ2', 'QMF', 'QMJ', 'QMM', 'QOX', 'QRL', 'QRV', 'QSL', 'QT6', 'QUY'];
// The eight ICBs whose ONS codes were re-issued in July 2022 (ICB22CD), from the ONS names-and-codes list.
const RECODED_JULY_2022: Record<string, string> = {
  QHL: 'E54000055',
  QUE: 'E54000056',
  QOP: 'E54000057',
  QJ2: 'E54000058',
  QPM: 'E54000059',
  QT1: 'E54000060',
  QF7: 'E54000061',
  QUA: 'E54000062',
};

let lakeDir: string;
let store: FolderLakeStore;
let replay: { code: number | null; stdout: string; stderr: string };

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Pipes, not a terminal: progress must come out as plain lines.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/ics-lake.mjs'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    return { code: await main(argv), stdout };
  } finally {
    out.mockRestore();
  }
}

async function latestRows(dataset: string): Promise<Row[]> {
  const latest = await readLatest(store, dataset);
  if (!latest) throw new Error(`no latest version of ${dataset}`);
  return readVersionRows(store, dataset, latest.version);
}

/** sha256 of every file under the lake, keyed by its path. */
async function hashLake(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    hashes.set(
      path.relative(dir, file),
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    );
  }
  return hashes;
}

beforeAll(async () => {
  lakeDir = await mkdtemp(path.join(tmpdir(), 'ics-lake-e2e-'));
  replay = await runCli(['replay', '--lake', lakeDir]);
  store = new FolderLakeStore(lakeDir);
}, 300_000);

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
});

describe('npm start (ics-lake replay) without a terminal', () => {
  it('exits 0 and prints plain progress lines per snapshot and source, with no terminal control codes', () => {
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).not.toContain('\u001b');
    expect(replay.stdout).not.toContain('\r');
    for (const date of SNAPSHOT_DATES) expect(replay.stdout).toContain(`== snapshot ${date}`);
    expect(replay.stdout).toMatch(/^- acquire +nhse-news: fetched/m);
  });

  it('ends each run with a summary of sources fetched, unchanged, failed and quarantined, bytes and time', () => {
    const summaries = replay.stdout.split('\n').filter((line) => /^run \S+ completed: /.test(line));
    expect(summaries).toHaveLength(SNAPSHOT_DATES.length);
    for (const line of summaries) {
      expect(line).toMatch(
        /\d+ fetched, \d+ unchanged, \d+ failed, \d+ quarantined; \d+ new objects, [\d.]+ MiB, [\d.]+ s$/,
      );
      expect(line).toMatch(/ 0 failed, 0 quarantined;/);
    }
    expect(replay.stdout).toMatch(/^replayed 9 snapshot\(s\) in [\d.]+ s$/m);
  });
});

describe('the replayed history in the lake', () => {
  it('shows coverage stepping 18 -> 29 -> 42 ICSs, reaching 100% of England', async () => {
    const coverage = await latestRows('ics_coverage');
    const steps = coverage.map((row) => [row.date, row.ics_count, row.coverage_pct]);
    expect(steps).toContainEqual(['2020-05-28', 18, expect.any(Number)]);
    // NHS England designated the December 2020 wave "from December 2020": from its first day.
    expect(steps).toContainEqual(['2020-12-01', 29, expect.any(Number)]);
    expect(steps).toContainEqual(['2021-04-01', 42, 100]);
    const counts = coverage.map((row) => row.ics_count as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(coverage.at(-1)).toMatchObject({ ics_count: 42, coverage_pct: 100 });
    const december = coverage.find((row) => row.ics_count === 29);
    expect(december?.coverage_pct).toBeGreaterThan(60);
  });

  it('builds the coverage series up run by run: the latest step of each version is 18, then 29, then 42', async () => {
    const versions = await listVersions(store, 'ics_coverage');
    const lastSteps = [];
    for (const manifest of versions) {
      const rows = await readVersionRows(store, 'ics_coverage', manifest.version);
      lastSteps.push(rows.at(-1)?.ics_count);
    }
    expect(lastSteps).toEqual([18, 29, 42]);
  });

  it("holds NHS England's 'more than 60 per cent' claim of December 2020, consistent with our figure", async () => {
    const claims = await latestRows('published_claims');
    const claim = claims.find(
      (row) =>
        row.source_url === DEC_2020_NHSE &&
        row.kind === 'percent' &&
        row.claimed_value === 60 &&
        row.qualifier === 'more_than',
    );
    expect(claim).toMatchObject({ date: '2020-12-08', authority: 'official', consistent: true });
    expect(claim?.computed_value as number).toBeGreaterThan(60);
  });

  it('keeps at least three versions of ics and ics_coverage, and `ics-lake versions ics` lists them', async () => {
    const ics = await listVersions(store, 'ics');
    expect(ics.length).toBeGreaterThanOrEqual(3);
    expect((await listVersions(store, 'ics_coverage')).length).toBeGreaterThanOrEqual(3);
    const { code, stdout } = await cli('versions', 'ics', '--lake', lakeDir);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(ics.length);
    expect(lines.map((line) => line.split('\t').slice(0, 2).join(' '))).toEqual(
      ics.map((manifest) => `v${manifest.version} ${manifest.as_of.slice(0, 10)}`),
    );
  });

  it('`ics-lake get ics --as-of 2020-12-20` returns the version with 29 designated ICSs', async () => {
    const { code, stdout } = await cli(
      'get',
      'ics',
      '--as-of',
      '2020-12-20',
      '--format',
      'json',
      '--lake',
      lakeDir,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as Row[];
    expect(rows).toHaveLength(42);
    expect(rows.filter((row) => row.designated_from !== null)).toHaveLength(29);
  });

  it('`ics-lake diff ics 1 2` shows the eleven designations announced on 8 December 2020', async () => {
    const { code, stdout } = await cli('diff', 'ics', '1', '2', '--json', '--lake', lakeDir);
    expect(code).toBe(0);
    const diff = JSON.parse(stdout) as {
      created: unknown[];
      deleted: unknown[];
      updated: { key: string; before: Row; after: Row }[];
    };
    expect(diff.created).toEqual([]);
    expect(diff.deleted).toEqual([]);
    expect(diff.updated.map((update) => update.key).sort()).toEqual(DECEMBER_2020_WAVE);
    for (const update of diff.updated) {
      expect(update.before).toMatchObject({ status: 'stp', designated_from: null });
      expect(update.after).toMatchObject({ status: 'ics', designated_from: '2020-12-01' });
    }
    const human = await cli('diff', 'ics', '1', '2', '--lake', lakeDir);
    expect(human.stdout).toContain('designated_from: null -> "2020-12-01"');
  });

  it('keeps both claims for each December 2020 ICS and takes designated_from from NHS England', async () => {
    const designations = await latestRows('ics_designations');
    const ics = new Map((await latestRows('ics')).map((row) => [row.ics_code, row]));
    for (const code of DECEMBER_2020_WAVE) {
      const claims = designations
        .filter((row) => row.ics_code === code && row.wave === '2020-12')
        .map((row) => [row.authority, row.effective_from]);
      expect(claims.sort(), code).toEqual([
        ['official', '2020-12-01'],
        ['trade-press', '2021-04-01'],
      ]);
      expect(ics.get(code)?.designated_from, code).toBe('2020-12-01');
    }
  });

  it('gives every ICS a region, and in July 2022 statutory ICB status with the eight new ONS codes', async () => {
    const july2022 = (await listVersions(store, 'ics')).find((manifest) =>
      manifest.as_of.startsWith('2022-07-20'),
    );
    if (!july2022) throw new Error('no ics version of 2022-07-20');
    const rows = await readVersionRows(store, 'ics', july2022.version);
    expect(rows).toHaveLength(42);
    for (const row of rows) {
      expect(row.region_code, String(row.ics_code)).toMatch(/^Y\d{2}$/);
      expect(row.region_name, String(row.ics_code)).toEqual(expect.any(String));
      expect(row).toMatchObject({ status: 'icb', statutory_from: '2022-07-01' });
    }
    const byCode = new Map(rows.map((row) => [row.ics_code, row.ons_code]));
    for (const [code, onsCode] of Object.entries(RECODED_JULY_2022))
      expect(byCode.get(code), code).toBe(onsCode);
  });

  it('tells the story in feed/atom.xml: the designation waves and coverage rising to 100%', async () => {
    const script = [
      'import feedparser, json, sys',
      'feed = feedparser.parse(sys.argv[1])',
      'print(json.dumps({"bozo": bool(feed.bozo), "entries": [{"title": e.title, "summary": e.summary} for e in feed.entries]}))',
    ].join('\n');
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [
      '-c',
      script,
      path.join(lakeDir, 'feed/atom.xml'),
    ]);
    const atom = JSON.parse(stdout) as { bozo: boolean; entries: { title: string; summary: string }[] };
    expect(atom.bozo).toBe(false);
    const text = atom.entries.map((entry) => `${entry.title}: ${entry.summary}`).join('\n');
    expect(text).toMatch(/ics v2: 11 ICSs designated/);
    expect(text).toMatch(/ics v3: 13 ICSs designated/);
    expect(text).toMatch(/coverage 49% → 73%/);
    expect(text).toMatch(/coverage 73% → 100%/);
    expect(text).toMatch(/ics v4: 42 ICSs became statutory/);
    expect(text).toMatch(/8 ICSs recoded/);
    expect(existsSync(path.join(lakeDir, 'feed/feed.json'))).toBe(true);
  });

  it('publishes datapackage.json and index.html at the lake root', async () => {
    const datapackage = JSON.parse(await readFile(path.join(lakeDir, 'datapackage.json'), 'utf8'));
    expect(datapackage.resources.length).toBeGreaterThanOrEqual(5);
    const html = await readFile(path.join(lakeDir, 'index.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('ics_coverage');
  });

  it('says in each run report which sources fed each dataset', async () => {
    for (const date of SNAPSHOT_DATES) {
      const report = RunReport.parse(
        JSON.parse(await readFile(path.join(lakeDir, `runs/${date}T120000Z.json`), 'utf8')),
      );
      expect(report.status).toBe('completed');
      const processStage = report.stages.process as { datasets: Record<string, { sources: string[] }> };
      expect(processStage.datasets.ics?.sources, date).toEqual(
        expect.arrayContaining(['nhse-news', 'ons-code-lookups']),
      );
      expect(processStage.datasets.ics_population?.sources, date).toEqual(
        expect.arrayContaining(['nhsd-gp-registrations', 'ons-population']),
      );
      expect(processStage.datasets.ics_designations?.sources, date).toContain('nhse-news');
    }
    const december = RunReport.parse(
      JSON.parse(await readFile(path.join(lakeDir, 'runs/2020-12-14T120000Z.json'), 'utf8')),
    );
    const datasets = (december.stages.process as { datasets: Record<string, { sources: string[] }> })
      .datasets;
    expect(datasets.ics_designations?.sources).toContain('trade-press');
  });

  it('writes nothing but run reports when the same history is replayed again', async () => {
    const before = await hashLake(lakeDir);
    // Every snapshot is already completed, so a replay resumes after the newest: nothing to run.
    const summaries = await replaySnapshots({
      root: path.join(ROOT, 'snapshots'),
      store,
      stages: createDefaultStages(),
    });
    expect(summaries).toEqual([]);
    // Running the newest snapshot again re-fetches conditionally and recomputes nothing.
    const newest = listSnapshots(path.join(ROOT, 'snapshots')).at(-1);
    if (!newest) throw new Error('no snapshots');
    const again = await runSnapshot(newest, { store, stages: createDefaultStages() });
    expect(again.status).toBe('completed');
    const after = await hashLake(lakeDir);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => before.get(key) !== after.get(key),
    );
    expect(changed.filter((key) => !key.startsWith(`runs${path.sep}`))).toEqual([]);
  }, 120_000);
});

describe('the ICB map through November 2026 (issue 13)', () => {
  const successions = readFileSync(
    new URL('../fixtures/reference/14_icb_succession_2026-04-01.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/"[^"]*"/g, 'name').split(','))
    .map((cells) => [cells[0], cells[3], cells[7]].join(' '))
    .sort();

  async function getJson(...args: string[]): Promise<Row[]> {
    const { code, stdout } = await cli('get', ...args, '--format', 'json', '--lake', lakeDir);
    expect(code).toBe(0);
    return JSON.parse(stdout) as Row[];
  }

  it('`get ics --on 2026-11-30` lists the 36 current ICBs, `--on 2021-06-01` the 42 ICSs', async () => {
    const now = await getJson('ics', '--on', '2026-11-30');
    expect(now).toHaveLength(36);
    expect(now.every((row) => row.status === 'icb')).toBe(true);
    expect(now.filter((row) => String(row.ics_code).length === 5).map((row) => row.ics_code)).toEqual([
      'D7T5G',
      'S0E4D',
      'S1Y5D',
      'S9B9J',
      'T6Y0W',
      'Z9B2Z',
    ]);
    const in2021 = await getJson('ics', '--on', '2021-06-01');
    expect(in2021).toHaveLength(42);
    expect(in2021.every((row) => row.status === 'ics')).toBe(true);
    expect(in2021.find((row) => row.ics_code === 'QXU')?.ons_code).toBe('E54000052');
    // --as-of is publication time: the version latest then, whose world was the 42 ICSs of that date.
    const asOf = await getJson('ics', '--as-of', '2021-06-01');
    expect(asOf.map((row) => row.ics_code)).toEqual(in2021.map((row) => row.ics_code));
  });

  it('keeps every body that ever existed in `ics`: 48 rows, 12 abolished on 1 April 2026', async () => {
    const rows = await latestRows('ics');
    expect(rows).toHaveLength(48);
    const abolished = rows.filter((row) => row.status === 'abolished');
    expect(abolished.map((row) => row.ics_code).sort()).toEqual(
      ['QH8', 'QHG', 'QJG', 'QM7', 'QMJ', 'QMM', 'QNQ', 'QNX', 'QRV', 'QU9', 'QUE', 'QXU'].sort(),
    );
    expect(abolished.every((row) => row.valid_to === '2026-04-01')).toBe(true);
    expect(rows.find((row) => row.ics_code === 'QRL')).toMatchObject({
      ons_code: 'E54000067',
      ons_code_history: ['2020-04-01 E54000042', '2026-04-01 E54000067'],
      boundary_changed_on: ['2026-04-01'],
      predecessor_codes: ['QNQ'],
    });
  });

  it('`get ics_lineage` has the 16 edges of April 2026, as the ODS successions record them, and Bassetlaw', async () => {
    const edges = await getJson('ics_lineage');
    const april = edges.filter((edge) => edge.effective_date === '2026-04-01');
    expect(april).toHaveLength(16);
    expect(
      april.map((edge) => `${edge.predecessor_code} ${edge.successor_code} ${edge.kind}`).sort(),
    ).toEqual(successions);
    const frimley = april.filter((edge) => edge.predecessor_code === 'QNQ');
    expect(frimley.every((edge) => (edge.partial_sub_icb_location_codes as string[]).includes('D4U1Y'))).toBe(
      true,
    );
    expect(frimley.reduce((sum, edge) => sum + (edge.patient_share as number), 0)).toBeCloseTo(1, 3);
    expect(april.filter((edge) => edge.kind === 'merger').every((edge) => edge.patient_share === 1)).toBe(
      true,
    );
    expect(april.every((edge) => (edge.corroborating_urls as string[]).length > 0)).toBe(true);
    expect(edges.find((edge) => edge.effective_date === '2022-07-01')).toMatchObject({
      predecessor_code: 'QF7',
      successor_code: 'QT1',
      kind: 'boundary_transfer',
      sub_icb_location_codes: ['02Q'],
    });
  });

  it('`changes --type uk.nhs.ics.ics.established` shows the six new ICBs, each with its lineage', async () => {
    const { code, stdout } = await cli(
      'changes',
      '--type',
      'uk.nhs.ics.ics.established',
      '--json',
      '--lake',
      lakeDir,
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { subject: string; data: { lineage?: Row[] } });
    expect(events.map((event) => event.subject).sort()).toEqual([
      'D7T5G',
      'S0E4D',
      'S1Y5D',
      'S9B9J',
      'T6Y0W',
      'Z9B2Z',
    ]);
    expect(events.every((event) => (event.data.lineage ?? []).length >= 2)).toBe(true);
  });

  it('names every lifecycle change in the feed, and none in the clustering year', async () => {
    const { stdout } = await cli('changes', '--type', 'uk.nhs.ics.ics.*', '--json', '--lake', lakeDir);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; time: string });
    const count = (type: string, date: string) =>
      events.filter((event) => event.type === `uk.nhs.ics.ics.${type}` && event.time.startsWith(date)).length;
    expect(count('statutory', '2022-07-20')).toBe(42);
    expect(count('renamed', '2022-07-20')).toBe(42);
    expect(count('recoded', '2022-07-20')).toBe(8);
    expect(count('boundary_changed', '2022-07-20')).toBe(2);
    expect(count('recoded', '2023-04-20')).toBe(2);
    expect(count('established', '2026-04-20')).toBe(6);
    expect(count('abolished', '2026-04-20')).toBe(12);
    expect(count('boundary_changed', '2026-04-20')).toBe(1);
    expect(count('recoded', '2026-04-20')).toBe(1);
    for (const date of ['2024-02-15', '2025-10-15', '2026-11-30'])
      expect(
        events.filter((event) => event.time.startsWith(date)),
        date,
      ).toEqual([]);
  });

  it('holds April 2026 or later figures for all 36 current ICBs, as published and re-based, footprint stated', async () => {
    const population = await latestRows('ics_population');
    const current = (await getJson('ics', '--on', '2026-11-30')).map((row) => row.ics_code);
    for (const basis of ['as_published', 'rebased']) {
      const recent = new Set(
        population
          .filter(
            (row) =>
              String(row.reference_date) >= '2026-04-01' &&
              row.measure === 'registered_patients' &&
              row.sex === 'ALL' &&
              row.age_band === 'ALL' &&
              row.basis === basis,
          )
          .map((row) => row.ics_code),
      );
      expect([...recent].sort(), basis).toEqual([...current].sort());
    }
    expect(population.every((row) => typeof row.footprint === 'string' && row.footprint.length > 0)).toBe(
      true,
    );
    // Re-based onto SICBL26, South Yorkshire's series has no break in July 2022: Bassetlaw counts in Nottinghamshire throughout.
    const southYorkshire = population.filter(
      (row) =>
        row.ics_code === 'QF7' &&
        row.sex === 'ALL' &&
        row.age_band === 'ALL' &&
        row.measure === 'registered_patients',
    );
    const value = (date: string, basis: string) =>
      southYorkshire.find((row) => row.reference_date === date && row.basis === basis)?.value as number;
    expect(value('2021-01-01', 'as_published') - value('2022-07-01', 'as_published')).toBeGreaterThan(80_000);
    expect(value('2022-07-01', 'rebased')).toBeGreaterThan(value('2021-01-01', 'rebased'));
    // The README's one-liner: the whole re-based series from its stable per-year copies, one glob in DuckDB.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const glob = path.join(lakeDir, 'datasets/ics_population/latest/ics_population-rebased-*.parquet');
      const reader = await connection.runAndReadAll(
        `select basis, count(*)::integer as n, min(reference_date)::varchar as first from read_parquet('${glob}') group by basis`,
      );
      const rebased = population.filter((row) => row.basis === 'rebased');
      expect(reader.getRowObjectsJson()).toEqual([
        {
          basis: 'rebased',
          n: rebased.length,
          first: rebased.map((row) => String(row.reference_date)).sort()[0],
        },
      ]);
    } finally {
      connection.closeSync();
    }
  });

  it('`parse --source nhsd-gp-registrations` resolves the April 2026 file through its own lookups, stale ONS codes and all', async () => {
    const file = path.join(
      ROOT,
      'snapshots/2026-04-20/files/files.digital.nhs.uk/49/EE38EE/gp-reg-pat-prac-all.zip',
    );
    const { code, stdout, stderr } = await runCli(['parse', '--source', 'nhsd-gp-registrations', file]);
    expect(code, stderr).toBe(0);
    const output = JSON.parse(stdout) as {
      aggregate: {
        icb_totals: { ics_code: string; patients: number }[];
        unresolved_sub_icb_locations: unknown[];
      };
    };
    expect(output.aggregate.icb_totals).toHaveLength(36);
    expect(output.aggregate.unresolved_sub_icb_locations).toEqual([]);
    const population = await latestRows('ics_population');
    for (const { ics_code, patients } of output.aggregate.icb_totals) {
      const published = population.find(
        (row) =>
          row.ics_code === ics_code &&
          row.reference_date === '2026-04-01' &&
          row.sex === 'ALL' &&
          row.age_band === 'ALL' &&
          row.basis === 'as_published',
      );
      expect(published?.value, ics_code).toBe(patients);
    }
  });
});

describe('a feed people can subscribe to, and claims as a record (issue 14)', () => {
  async function feedEvents(): Promise<
    { type: string; data: Record<string, unknown> & { version: number } }[]
  > {
    const { stdout } = await cli('changes', '--json', '--lake', lakeDir);
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  }

  it('announces population changes as one event per ICS per version: 378 events, not one per row', async () => {
    const events = await feedEvents();
    const types = new Set(events.map((event) => event.type));
    for (const op of ['created', 'updated', 'deleted'])
      expect(types.has(`uk.nhs.ics.population.${op}`)).toBe(false);
    const population = events.filter((event) => event.type === 'uk.nhs.ics.population.changed');
    const perVersion = new Map<number, number>();
    for (const event of population)
      perVersion.set(event.data.version, (perVersion.get(event.data.version) ?? 0) + 1);
    // 42 ICSs a version; April 2026: 36 ICBs, 6 of them new, and 12 abolished ones whose re-based rows went.
    expect([...perVersion.values()]).toEqual([42, 42, 42, 42, 42, 42, 42, 48, 36]);
    expect(events.length).toBeLessThan(1000);
  });

  it('`diff ics_population 8 9` still shows every row that the 36 events of November 2026 summarise', async () => {
    const events = (await feedEvents()).filter(
      (event) => event.type === 'uk.nhs.ics.population.changed' && event.data.version === 9,
    );
    const summarised = events.reduce((sum, event) => {
      const summary = event.data.summary as { created: number; updated: number; deleted: number };
      return sum + summary.created + summary.updated + summary.deleted;
    }, 0);
    const { code, stdout } = await cli('diff', 'ics_population', '8', '9', '--json', '--lake', lakeDir);
    expect(code).toBe(0);
    const diff = JSON.parse(stdout) as { created: unknown[]; updated: unknown[]; deleted: unknown[] };
    const rows = diff.created.length + diff.updated.length + diff.deleted.length;
    expect(rows).toBe(summarised);
    expect(rows).toBeGreaterThan(10_000);
  });

  it('counts ICSs in the claims check as ics_coverage does: 8 on 2017-06-15 and 11 on 2018-05-24', async () => {
    const coverage = new Map((await latestRows('ics_coverage')).map((row) => [row.date, row.ics_count]));
    const claims = await latestRows('published_claims');
    const counted = (date: string) =>
      claims.filter((row) => row.date === date && row.kind === 'count' && row.scope !== 'other');
    expect(counted('2017-06-15').map((row) => row.computed_value)).toEqual([coverage.get('2017-06-15')]);
    expect(coverage.get('2017-06-15')).toBe(8);
    const total2018 = counted('2018-05-24').filter((row) => row.scope === 'total');
    expect(total2018.map((row) => row.computed_value)).toEqual([coverage.get('2018-05-24')]);
    expect(coverage.get('2018-05-24')).toBe(11);
  });

  it('never drops or changes a published claim in a later version: every listing total stays on its own date', async () => {
    const versions = await listVersions(store, 'published_claims');
    let previous: Row[] = [];
    for (const manifest of versions) {
      const rows = await readVersionRows(store, 'published_claims', manifest.version);
      const byId = new Map(rows.map((row) => [row.claim_id, row] as const));
      for (const claim of previous) expect(byId.get(claim.claim_id), `v${manifest.version}`).toEqual(claim);
      previous = rows;
    }
    const listing = previous
      .filter((row) => String(row.source_url).endsWith('/integrated-care-in-your-area/'))
      .map((row) => [row.date, row.claimed_value, row.computed_value]);
    expect(listing.sort()).toEqual([
      ['2020-06-15', 18, 18],
      ['2020-12-14', 29, 29],
      ['2021-04-12', 42, 42],
      ['2026-04-20', 36, 36],
    ]);
  });

  it('never drops a listing claim from ics_lifecycle_claims, nor moves any claim to another date or document', async () => {
    const { stdout } = await cli('changes', '--json', '--lake', lakeDir, '--dataset', 'ics_lifecycle_claims');
    const changes = stdout
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { data: { op: string; before: Row | null; changed_fields: string[] } },
      );
    const deleted = changes.filter((event) => event.data.op === 'deleted');
    const listed = (row: Row | null) => String(row?.source_url).endsWith('/integrated-care-in-your-area/');
    expect(deleted.filter((event) => listed(event.data.before))).toEqual([]);
    // The one claim deleted is a trade-press claim re-identified when the April 2026 lookups named its new board.
    expect(deleted.map((event) => event.data.before?.source_url)).toEqual([
      'https://healthcareleadernews.com/news/full-merger-for-north-west-and-north-central-london-icbs-announced/',
    ]);
    const moved = changes.filter((event) =>
      event.data.changed_fields.some((field) =>
        ['source_url', 'source_sha256', 'announced_on'].includes(field),
      ),
    );
    expect(moved.filter((event) => event.data.op === 'updated')).toEqual([]);
    const listing = (await latestRows('ics_lifecycle_claims')).filter(listed);
    expect(new Set(listing.map((row) => row.source_sha256)).size).toBe(2);
    expect(listing).toHaveLength(23);
  });
});
