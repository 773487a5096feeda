import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetColumns } from '../../lib/lake/columns.ts';
import { guardFormula, quoteCsvField, renderCsv } from '../../lib/lake/formats/csv.ts';
import { parseJsonRows, renderJson } from '../../lib/lake/formats/json.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { sortRows } from '../../lib/lake/rows.ts';
import { getText } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { readVersionRows } from '../../lib/lake/versions.ts';
import { coverageDataset, regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';

describe('column kinds from the zod schema', () => {
  it('maps every zod type to its storage kind and nullability', () => {
    expect(
      datasetColumns(regionsDataset).map(({ name, kind, nullable, items, integerWidth }) => ({
        name,
        kind,
        nullable,
        ...(items === undefined ? {} : { items }),
        ...(integerWidth === undefined ? {} : { integerWidth }),
      })),
    ).toEqual([
      { name: 'region_code', kind: 'string', nullable: false },
      { name: 'name', kind: 'string', nullable: false },
      { name: 'population', kind: 'integer', nullable: false, integerWidth: 64 },
      { name: 'share_pct', kind: 'number', nullable: true },
      { name: 'designated', kind: 'boolean', nullable: false },
      { name: 'designated_on', kind: 'date', nullable: true },
      { name: 'sub_icb_codes', kind: 'array', nullable: false, items: 'string' },
      { name: 'kind', kind: 'string', nullable: false },
    ]);
  });
});

describe('CSV edition', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20', "'+44 20"],
    ['-minus', "'-minus"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('guards the text cell %j as %j', (text, guarded) => {
    expect(guardFormula(text)).toBe(guarded);
  });

  it('quotes only fields that RFC 4180 requires to be quoted, doubling inner quotes', () => {
    expect(quoteCsvField('plain text')).toBe('plain text');
    expect(quoteCsvField('a,b')).toBe('"a,b"');
    expect(quoteCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a header, CRLF records, primary-key order, guarded text and unguarded negative numbers', () => {
    const csv = renderCsv(datasetColumns(regionsDataset), sortRows(regionsDataset, regionRows()));
    expect(csv.split('\r\n')).toEqual([
      'region_code,name,population,share_pct,designated,designated_on,sub_icb_codes,kind',
      `E01,"'=HYPERLINK(""http://evil.example"",""x"")",-12,-0.25,false,,,stp`,
      'E02,"North, ""East"" & Cumbria",3100000,5.5,true,2021-04-01,00L;00N,ics',
      "E03,'-minus and +plus,0,100,true,2018-07-01,10Q,ics",
      `E10,"Line one\nline two, with comma",2500000000,,true,2020-04-01,'@SUM(A1),ics`,
      '',
    ]);
  });
});

describe('JSON edition', () => {
  it('keeps raw values (no formula guard) in schema column order, one row per line', () => {
    const columns = datasetColumns(regionsDataset);
    const text = renderJson(columns, sortRows(regionsDataset, regionRows()));
    const rows = parseJsonRows(text);
    expect(rows[0]).toEqual({
      region_code: 'E01',
      name: '=HYPERLINK("http://evil.example","x")',
      population: -12,
      share_pct: -0.25,
      designated: false,
      designated_on: null,
      sub_icb_codes: [],
      kind: 'stp',
    });
    expect(Object.keys(rows[0] ?? {})).toEqual(columns.map((column) => column.name));
    expect(text.split('\n')).toHaveLength(rows.length + 3);
  });
});

describe('DuckDB reads every published edition back', () => {
  let folder: string;
  let store: FolderLakeStore;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lake-duckdb-'));
    store = new FolderLakeStore(folder);
    const common = { createdAt: '2022-07-01T00:00:00Z', pipelineVersion: 't', lineage: [] };
    await publishDataset(store, regionsDataset, regionRows(), { ...common, asOf: '2022-07-01' });
    await publishDataset(
      store,
      coverageDataset,
      [
        { date: '2022-07-01', ics_count: 42, coverage_pct: 100 },
        { date: '2021-04-01', ics_count: 42, coverage_pct: 100 },
        { date: '2020-04-01', ics_count: 18, coverage_pct: 41.5 },
      ],
      { ...common, asOf: '2022-07-01' },
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function query(
    sql: string,
  ): Promise<{ types: Record<string, string>; rows: Record<string, unknown>[] }> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      const names = reader.columnNames();
      const types = Object.fromEntries(names.map((name, i) => [name, reader.columnType(i).toString()]));
      return { types, rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  /** What a DuckDB JSON row should hold for an input row: integers as text (BIGINT), dates as ISO text. */
  function expectedJsonRow(row: ReturnType<typeof regionRows>[number], arrays: 'json' | 'csv') {
    return {
      ...row,
      population: String(row.population),
      sub_icb_codes:
        arrays === 'json' ? JSON.stringify(row.sub_icb_codes) : row.sub_icb_codes.join(';') || null,
    };
  }

  it('reads the Parquet edition with typed columns and the input values', async () => {
    const file = path.join(folder, 'datasets/regions/v1/regions.parquet');
    const { types, rows } = await query(`select * from read_parquet('${file}')`);
    expect(types).toEqual({
      region_code: 'VARCHAR',
      name: 'VARCHAR',
      population: 'BIGINT',
      share_pct: 'DOUBLE',
      designated: 'BOOLEAN',
      designated_on: 'DATE',
      // JSON text: DuckDB shows the JSON converted type as VARCHAR unless its json extension is loaded.
      sub_icb_codes: 'VARCHAR',
      kind: 'VARCHAR',
    });
    expect(rows).toEqual(sortRows(regionsDataset, regionRows()).map((row) => expectedJsonRow(row, 'json')));
  });

  it('reads the CSV edition with inferred types, and the formula guard is the only difference', async () => {
    const file = path.join(folder, 'datasets/regions/v1/regions.csv');
    const { types, rows } = await query(`select * from read_csv('${file}')`);
    expect(types).toMatchObject({
      population: 'BIGINT',
      share_pct: 'DOUBLE',
      designated: 'BOOLEAN',
      designated_on: 'DATE',
    });
    const guard = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
    expect(rows).toEqual(
      sortRows(regionsDataset, regionRows()).map((row) => {
        const expected = expectedJsonRow(row, 'csv');
        return {
          ...expected,
          name: guard(row.name),
          sub_icb_codes: expected.sub_icb_codes === null ? null : guard(expected.sub_icb_codes),
        };
      }),
    );
  });

  it('reads dates back as DATE and integers as integers in a second dataset', async () => {
    const base = path.join(folder, 'datasets/ics_coverage/v1/ics_coverage');
    const parquet = await query(`select * from read_parquet('${base}.parquet')`);
    const csv = await query(`select * from read_csv('${base}.csv')`);
    expect(parquet.types).toEqual({ date: 'DATE', ics_count: 'BIGINT', coverage_pct: 'DOUBLE' });
    expect(csv.types).toEqual({ date: 'DATE', ics_count: 'BIGINT', coverage_pct: 'DOUBLE' });
    const expected = [
      { date: '2020-04-01', ics_count: '18', coverage_pct: 41.5 },
      { date: '2021-04-01', ics_count: '42', coverage_pct: 100 },
      { date: '2022-07-01', ics_count: '42', coverage_pct: 100 },
    ];
    expect(parquet.rows).toEqual(expected);
    expect(csv.rows).toEqual(expected);
  });

  it('reads the JSON edition back to exactly the validated rows', async () => {
    expect(await readVersionRows(store, 'regions', 1)).toEqual(sortRows(regionsDataset, regionRows()));
    expect(await getText(store, 'datasets/regions/v1/regions.json')).toContain('"name":"=HYPERLINK(');
  });
});
