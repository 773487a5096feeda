import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { diffByKey } from '../lib/feed/diff.ts';
import { loadCommittedVersion } from '../lib/feed/publish-feed.ts';
import { fileKey, isPartitioned, lakePaths, partFiles } from '../lib/lake/manifest.ts';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { readLatestPointer, readManifest } from '../lib/lake/versions.ts';
import { icsPopulationDataset } from '../lib/normalise/datasets.ts';
import { peakRssBytes } from './memory.ts';

/** Our diff and DuckDB's on the same two versions, timed run by run in one process. */
export interface DiffComparison {
  dataset: string;
  versions: [number, number];
  rows: [number, number];
  changes: number;
  duckdbChanges: number;
  oursMs: number[];
  duckdbMs: number[];
  peakRssBytes: number;
}

/**
 * DuckDB's argument for a version's Parquet: its one edition, or (a partitioned version) the list of its parts,
 * which DuckDB reads as one table.
 */
async function parquetList(
  lakeDir: string,
  store: FolderLakeStore,
  name: string,
  version: number,
): Promise<string> {
  const manifest = await readManifest(store, name, version);
  if (manifest === undefined) throw new Error(`${name} has no committed v${version}`);
  const quoted = (key: string) => `'${path.join(lakeDir, ...key.split('/'))}'`;
  if (!isPartitioned(manifest)) return quoted(`${lakePaths.versionPrefix(name, version)}${name}.parquet`);
  return `[${partFiles(manifest, 'parquet')
    .map((file) => quoted(fileKey(manifest, file)))
    .join(', ')}]`;
}

/**
 * The keyed diff of the two newest `ics_population` versions: ours as the feed loads and diffs a new version
 * (`loadCommittedVersion`: the two JSON editions walked line against line, or for partitioned versions only the
 * partitions whose hash differs), with one JSON line per change as the feed writes them, against DuckDB's full
 * outer join on the primary key over the two Parquet editions (or part lists, read whole), returning
 * every changed row. Interleaved `runs` times in this process.
 */
export async function compareWithDuckDb(lakeDir: string, runs: number): Promise<DiffComparison> {
  const store = new FolderLakeStore(lakeDir);
  const definition = icsPopulationDataset;
  const name = definition.name;
  const newest = (await readLatestPointer(store, name))?.version;
  if (newest === undefined || newest < 2)
    throw new Error(`${name} needs two versions to diff, found ${newest ?? 0}`);
  const older = newest - 1;
  const parquetOf = async (version: number) => parquetList(lakeDir, store, name, version);
  const [olderParquet, newestParquet] = [await parquetOf(older), await parquetOf(newest)];
  const key: readonly string[] = definition.primaryKey;
  const columns = Object.keys(definition.schema.shape).filter((column) => !key.includes(column));
  const sql = `SELECT ${key.map((k) => `coalesce(a.${k}, b.${k}) AS ${k}`).join(', ')}, ${columns
    .map((c) => `a.${c} AS before_${c}, b.${c} AS after_${c}`)
    .join(', ')}
    FROM read_parquet(${olderParquet}) a FULL OUTER JOIN read_parquet(${newestParquet}) b
    ON ${key.map((k) => `a.${k} = b.${k}`).join(' AND ')}
    WHERE a.${key[0]} IS NULL OR b.${key[0]} IS NULL OR ${columns.map((c) => `a.${c} IS DISTINCT FROM b.${c}`).join(' OR ')}`;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const oursMs: number[] = [];
  const duckdbMs: number[] = [];
  let changes = 0;
  let duckdbChanges = 0;
  let rows: [number, number] = [0, 0];
  try {
    for (let run = 0; run < runs; run++) {
      let started = performance.now();
      const loaded = await loadCommittedVersion(store, definition, newest);
      const diff = loaded.diffed?.changes ?? diffByKey(definition, loaded.previousRows, loaded.rows);
      let bytes = 0;
      for (const change of diff) bytes += JSON.stringify(change).length + 1;
      oursMs.push(performance.now() - started);
      changes = diff.length;
      rows = [
        loaded.diffed?.previousRows ?? loaded.previousRows.length,
        loaded.diffed?.rows ?? loaded.rows.length,
      ];
      if (bytes === 0 && changes > 0) throw new Error('unreachable: changes serialise to bytes');
      started = performance.now();
      const reader = await connection.runAndReadAll(sql);
      duckdbChanges = reader.getRowObjectsJson().length;
      duckdbMs.push(performance.now() - started);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return {
    dataset: name,
    versions: [older, newest],
    rows,
    changes,
    duckdbChanges,
    oursMs,
    duckdbMs,
    peakRssBytes: peakRssBytes(),
  };
}
