import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDataset } from '../../lib/core/dataset.ts';
import { datasetColumns } from '../../lib/lake/columns.ts';
import { guardFormula, quoteCsvField, renderCsv } from '../../lib/lake/formats/csv.ts';
import { parseJsonRows, renderJson } from '../../lib/lake/formats/json.ts';
import { inPrimaryKeyOrder, PARQUET_ROW_GROUP_ROWS, renderParquet } from '../../lib/lake/formats/parquet.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { sortRows } from '../../lib/lake/rows.ts';
import { getText } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { readVersionRows } from '../../lib/lake/versions.ts';
import { icsPopulationDataset } from '../../lib/normalise/datasets.ts';
import { coverageDataset, regionRows, regionsDataset } from '../fixtures/lake/datasets.ts';

/** Run one query in a fresh in-memory DuckDB: column types as DuckDB names them, rows as JSON values. */
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

  /** What a DuckDB JSON row should hold for an input row: integers as text (BIGINT), dates as ISO text. */
  function expectedJsonRow(row: ReturnType<typeof regionRows>[number]) {
    return { ...row, population: String(row.population) };
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
      // A Parquet LIST of UTF8: a native list, not text to parse.
      sub_icb_codes: 'VARCHAR[]',
      kind: 'VARCHAR',
    });
    expect(rows).toEqual(sortRows(regionsDataset, regionRows()).map((row) => expectedJsonRow(row)));
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
        const joined = row.sub_icb_codes.join(';');
        return {
          ...expectedJsonRow(row),
          name: guard(row.name),
          sub_icb_codes: joined === '' ? null : guard(joined),
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

/** A test-only dataset with a list of every element kind, and a nullable list. */
const listsDataset = defineDataset({
  name: 'lists',
  title: 'Test lists',
  description: 'A test-only dataset with list columns.',
  schema: z.object({
    code: z.string(),
    changed_on: z.array(z.iso.date()),
    seen_at: z.array(z.iso.datetime()),
    counts: z.array(z.int()),
    shares: z.array(z.number()),
    aliases: z.array(z.string()).nullable(),
  }),
  primaryKey: ['code'],
  columns: {
    code: 'Code',
    changed_on: 'Dates',
    seen_at: 'Instants',
    counts: 'Integers',
    shares: 'Numbers',
    aliases: 'Names, or null when unknown',
  },
});

describe('Parquet edition: lists and order', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lake-parquet-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function writeEdition(name: string, bytes: Uint8Array): Promise<string> {
    const file = path.join(folder, name);
    await writeFile(file, bytes);
    return file;
  }

  it('stores array columns as Parquet LISTs that DuckDB reads as typed lists, keeping [] apart from null', async () => {
    const rows = [
      {
        code: 'A',
        changed_on: ['2020-04-01', '2022-07-01'],
        seen_at: ['2022-07-01T09:30:00.000Z'],
        counts: [3, -1, 9_007_199_254_740_991],
        shares: [0.5, 100],
        aliases: ['North, "East"', '=SUM(A1)'],
      },
      { code: 'B', changed_on: [], seen_at: [], counts: [], shares: [], aliases: [] },
      { code: 'C', changed_on: ['1999-12-31'], seen_at: [], counts: [0], shares: [], aliases: null },
    ];
    const file = await writeEdition('lists.parquet', renderParquet(listsDataset, rows));
    const { types, rows: read } = await query(`select * from read_parquet('${file}')`);
    expect(types).toEqual({
      code: 'VARCHAR',
      changed_on: 'DATE[]',
      seen_at: 'TIMESTAMP[]',
      counts: 'BIGINT[]',
      shares: 'DOUBLE[]',
      aliases: 'VARCHAR[]',
    });
    expect(read).toEqual([
      {
        code: 'A',
        changed_on: ['2020-04-01', '2022-07-01'],
        seen_at: ['2022-07-01 09:30:00'],
        counts: ['3', '-1', '9007199254740991'],
        shares: [0.5, 100],
        aliases: ['North, "East"', '=SUM(A1)'],
      },
      { code: 'B', changed_on: [], seen_at: [], counts: [], shares: [], aliases: [] },
      { code: 'C', changed_on: ['1999-12-31'], seen_at: [], counts: ['0'], shares: [], aliases: null },
    ]);
    const unnested = await query(
      `select code, unnest(aliases) as alias from read_parquet('${file}') order by code, alias`,
    );
    expect(unnested.rows).toEqual([
      { code: 'A', alias: '=SUM(A1)' },
      { code: 'A', alias: 'North, "East"' },
    ]);
  });

  it('publishes no new version for the same rows when the committed Parquet was written in another layout', async () => {
    const store = new FolderLakeStore(path.join(folder, 'lake'));
    const common = { createdAt: '2022-07-01T00:00:00Z', pipelineVersion: 't', lineage: [] };
    const first = await publishDataset(store, regionsDataset, regionRows(), {
      ...common,
      asOf: '2022-07-01',
    });
    expect(first.status).toBe('published');
    // The committed file as the writer made it before LISTs: the array column as JSON text.
    const rows = sortRows(regionsDataset, regionRows());
    const older = parquetWriteBuffer({
      columnData: [
        { name: 'region_code', data: rows.map((row) => row.region_code), type: 'STRING' },
        { name: 'sub_icb_codes', data: rows.map((row) => row.sub_icb_codes), type: 'JSON' },
      ],
    });
    await writeFile(path.join(folder, 'lake/datasets/regions/v1/regions.parquet'), new Uint8Array(older));
    // The version's identity is its rows (content_hash) and schema (schema_hash), not any file's bytes.
    const again = await publishDataset(store, regionsDataset, regionRows(), {
      ...common,
      asOf: '2022-08-01',
    });
    expect(again).toEqual({ status: 'unchanged', version: 1 });
  });

  it('refuses a list column whose value is not an array, naming the column', () => {
    const bad = { code: 'A', changed_on: '2020-04-01', seen_at: [], counts: [], shares: [], aliases: null };
    expect(() => renderParquet(listsDataset, [bad])).toThrow(
      'Column changed_on: expected an array, found "2020-04-01"',
    );
  });

  it('keeps rows that arrive in primary-key order as they are, and sorts rows that do not', async () => {
    const sorted = sortRows(regionsDataset, regionRows());
    expect(inPrimaryKeyOrder(regionsDataset, sorted)).toBe(sorted);
    const reversed = [...sorted].reverse();
    expect(inPrimaryKeyOrder(regionsDataset, reversed)).toEqual(sorted);
    expect(reversed[0]).toBe(sorted.at(-1));

    const file = await writeEdition('reversed.parquet', renderParquet(regionsDataset, reversed));
    const { rows } = await query(
      `select region_code from read_parquet('${file}', file_row_number = true) order by file_row_number`,
    );
    expect(rows.map((row) => row.region_code)).toEqual(sorted.map((row) => row.region_code));
  });
});

/** The 42 ICB codes of July 2022: QF7 (South Yorkshire) sorts second, QOP (Greater Manchester) mid-way. */
const ICB_CODES = (
  'QE1 QF7 QGH QH8 QHG QHL QHM QJ2 QJG QJK QJM QK1 QKK QKS QM7 QMF QMJ QMM QNC QNQ QNX ' +
  'QOC QOP QOQ QOX QPM QR1 QRL QRV QSL QT1 QT6 QU9 QUA QUE QUY QVV QWE QWO QWU QXU QYG'
).split(' ');

/**
 * `ics_population`-shaped rows in the order a release-by-release build produces them (month first, so not in
 * primary-key order): 42 ICSs x 60 months x 3 sexes x 40 single-year age bands = 302,400 rows.
 */
function populationRows(): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let month = 0; month < 60; month++) {
    const date = `${2018 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`;
    for (const [index, ics_code] of ICB_CODES.entries()) {
      for (const sex of ['ALL', 'MALE', 'FEMALE']) {
        for (let age = 0; age < 40; age++) {
          rows.push({
            ics_code,
            reference_date: date,
            measure: 'registered_patients',
            sex,
            age_band: String(age),
            basis: 'as_published',
            value: 1000 * index + 10 * age + month,
            footprint: 'SICBL25',
            method: 'gp_by_sub_icb',
            source_url: `https://digital.nhs.uk/gp-registrations/${date}.zip`,
            source_sha256: String(month % 10).repeat(64),
          });
        }
      }
    }
  }
  return rows;
}

interface ColumnChunk {
  row_group_id: string;
  row_group_num_rows: string;
  path_in_schema: string;
  stats_min_value: string | null;
  stats_max_value: string | null;
  dictionary_page_offset: string | null;
  data_page_offset: string;
  total_compressed_size: string;
}

describe('Parquet edition at scale: row groups DuckDB can skip', () => {
  let folder: string;
  let file: string;
  let chunks: ColumnChunk[];
  const rows = populationRows();
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lake-parquet-scale-'));
    file = path.join(folder, 'ics_population.parquet');
    await writeFile(file, renderParquet(icsPopulationDataset, rows));
    chunks = (await query(`select * from parquet_metadata('${file}')`)).rows as unknown as ColumnChunk[];
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Row groups whose ics_code statistics admit `code`. */
  function groupsThatMayHold(code: string): string[] {
    return chunks
      .filter((chunk) => chunk.path_in_schema === 'ics_code')
      .filter((chunk) => (chunk.stats_min_value ?? '') <= code && code <= (chunk.stats_max_value ?? ''))
      .map((chunk) => chunk.row_group_id);
  }

  /** A copy of the edition with every column chunk of the other row groups overwritten by 0xFF bytes. */
  async function corruptAllBut(keep: readonly string[], name: string): Promise<string> {
    const bytes = new Uint8Array(await readFile(file));
    for (const chunk of chunks) {
      if (keep.includes(chunk.row_group_id)) continue;
      const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
      bytes.fill(0xff, start, start + Number(chunk.total_compressed_size));
    }
    const damaged = path.join(folder, name);
    await writeFile(damaged, bytes);
    return damaged;
  }

  it(`writes ${PARQUET_ROW_GROUP_ROWS}-row groups in ics_code order with min/max statistics on every column`, () => {
    const groups = new Map(chunks.map((chunk) => [chunk.row_group_id, Number(chunk.row_group_num_rows)]));
    expect([...groups.values()]).toEqual([65_536, 65_536, 65_536, 65_536, 40_256]);
    const columns = new Set(chunks.map((chunk) => chunk.path_in_schema));
    expect(columns.size).toBe(11);
    expect(chunks).toHaveLength(groups.size * columns.size);
    for (const chunk of chunks) {
      expect(chunk.stats_min_value, `${chunk.path_in_schema} in group ${chunk.row_group_id}`).not.toBeNull();
      expect(chunk.stats_max_value, `${chunk.path_in_schema} in group ${chunk.row_group_id}`).not.toBeNull();
    }
    const codeRanges = chunks
      .filter((chunk) => chunk.path_in_schema === 'ics_code')
      .map((chunk) => ({ min: chunk.stats_min_value ?? '', max: chunk.stats_max_value ?? '' }));
    for (const [i, range] of codeRanges.slice(0, -1).entries()) {
      expect(range.max <= (codeRanges[i + 1]?.min ?? '')).toBe(true);
    }
  });

  it.each(['QF7', 'QOP'])(
    'answers ics_code = %s reading only the row groups whose statistics can hold it',
    async (code) => {
      const keep = groupsThatMayHold(code);
      expect(keep.length).toBeGreaterThanOrEqual(1);
      expect(keep.length).toBeLessThanOrEqual(2);
      const damaged = await corruptAllBut(keep, `without-${code}.parquet`);
      const expected = rows.filter((row) => row.ics_code === code);
      const sum = expected.reduce((total, row) => total + (row.value as number), 0);

      const filtered = `select count(*) as n, sum(value) as total from read_parquet('${damaged}') where ics_code = '${code}'`;
      expect((await query(filtered)).rows).toEqual([{ n: String(expected.length), total: String(sum) }]);
      // The damage is real: any query that has to read the other row groups fails on it.
      await expect(query(`select sum(value) from read_parquet('${damaged}')`)).rejects.toThrow();
    },
  );
});
