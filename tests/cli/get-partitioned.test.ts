import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { diffRows } from '../../lib/lake/diff.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import type { Row } from '../../lib/lake/rows.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { readVersionRows } from '../../lib/lake/versions.ts';
import { icsPopulationDataset } from '../../lib/normalise/datasets.ts';

/** `ics-lake get` of a partitioned ics_population: one CSV, one JSON array, one Parquet file from its parts. */

const SEXES = ['ALL', 'FEMALE', 'MALE'];

function month(date: string, bump: number): Row[] {
  return ['QE1', 'QF7'].flatMap((ics) => [
    ...SEXES.flatMap((sex) =>
      ['ALL', '0', '1', '95+'].map((age) => ({
        ics_code: ics,
        reference_date: date,
        measure: 'registered_patients',
        sex,
        age_band: age,
        basis: 'as_published',
        value: 100 + bump,
        footprint: 'SICBL25',
        method: 'gp_by_sub_icb',
        source_url: `https://files.digital.nhs.uk/${date}.csv`,
        source_sha256: '0'.repeat(64),
      })),
    ),
    {
      ics_code: ics,
      reference_date: date,
      measure: 'registered_patients',
      sex: 'ALL',
      age_band: 'ALL',
      basis: 'rebased',
      value: 400 + bump,
      footprint: 'SICBL25',
      method: 'gp_by_practice',
      source_url: `https://files.digital.nhs.uk/${date}.csv`,
      source_sha256: '0'.repeat(64),
    },
  ]);
}

let folder: string;
let lake: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'get-partitioned-'));
  lake = path.join(folder, 'lake');
  const store = new FolderLakeStore(lake);
  const options = (asOf: string) => ({ asOf, createdAt: asOf, pipelineVersion: 'test', lineage: [] });
  await publishDataset(
    store,
    icsPopulationDataset,
    [...month('2024-01-01', 0), ...month('2024-02-01', 1)],
    options('2024-03-01'),
  );
  await publishDataset(
    store,
    icsPopulationDataset,
    [...month('2024-01-01', 0), ...month('2024-02-01', 5), ...month('2024-03-01', 2)],
    options('2024-04-01'),
  );
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const key = (row: Row) => `${row.ics_code}|${row.reference_date}|${row.sex}|${row.age_band}|${row.basis}`;
const byKey = (a: Row, b: Row) => (key(a) < key(b) ? -1 : 1);

describe('ics-lake get of a partitioned version', () => {
  it('writes one Parquet file holding every row of every part, which DuckDB reads', async () => {
    const out = path.join(folder, 'population.parquet');
    const result = await cli(['get', 'ics_population', '--format', 'parquet', '--out', out, '--lake', lake]);
    expect(result.stderr).toContain('ics_population v2 (parquet)');
    expect(result.code).toBe(0);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `select ics_code, strftime(reference_date, '%Y-%m-%d') as reference_date, measure, sex, age_band, basis, value::integer as value, footprint, method, source_url, source_sha256 from read_parquet('${out}')`,
      );
      const rows = reader.getRowObjectsJson() as Row[];
      const expected = await readVersionRows(new FolderLakeStore(lake), 'ics_population', 2);
      expect(rows.length).toBe(3 * 26);
      expect([...rows].sort(byKey)).toEqual([...expected].sort(byKey));
    } finally {
      connection.closeSync();
    }
  });

  it('writes one CSV with the header once and one JSON array, each holding every row', async () => {
    const csv = await cli(['get', 'ics_population', '--format', 'csv', '--lake', lake]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.match(/^ics_code,reference_date,/gm)).toHaveLength(1);
    const parsed = Papa.parse<Row>(csv.stdout, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(78);
    const out = path.join(folder, 'population.json');
    expect(
      (await cli(['get', 'ics_population', '--format', 'json', '--out', out, '--lake', lake])).code,
    ).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toHaveLength(78);
  });

  it('diffs two partitioned versions exactly as diffRows of the versions read whole', async () => {
    const result = await cli(['diff', 'ics_population', '1', '2', '--json', '--lake', lake]);
    expect(result.code).toBe(0);
    const store = new FolderLakeStore(lake);
    const expected = diffRows(
      icsPopulationDataset,
      await readVersionRows(store, 'ics_population', 1),
      await readVersionRows(store, 'ics_population', 2),
    );
    const printed = JSON.parse(result.stdout) as { created: Row[]; updated: unknown[]; deleted: Row[] };
    expect(printed.created).toEqual(expected.created);
    expect(printed.updated).toEqual(expected.updated);
    expect(printed.deleted).toEqual(expected.deleted);
    // February was revised (26 rows updated) and March arrived (26 created); January is never read.
    expect([printed.created.length, printed.updated.length, printed.deleted.length]).toEqual([26, 26, 0]);
  });
});
