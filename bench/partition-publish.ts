import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetDefinition } from '../lib/core/dataset.ts';
import { type PartitionedRows, publishDataset } from '../lib/lake/publish.ts';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { icsPopulationDataset } from '../lib/normalise/datasets.ts';
import { CountingLakeStore } from './counting-store.ts';
import { peakRssBytes } from './memory.ts';

/**
 * Issue 15: what publishing month N+1 of `ics_population` costs on a lake that holds N months, with the dataset
 * stored whole (as before partitions) and partitioned (from rows, and from PartitionedRows that build only the
 * new month and the re-based series). Side by side in one process, on the same synthetic rows: each variant's
 * lake gets months 1..N-1 as v1 and 1..N as v2, then month N+1 is published as v3 and measured (bytes written,
 * wall time).
 *
 *   npx tsx bench/partition-publish.ts [months=80] [--only=PartitionedRows] [--rss]
 *
 * Times are measured side by side in one process; with `--rss` each variant's lake is set up by one child process
 * and month N+1 published by another, so the peak RSS printed is that publish's alone (with the runtime and the
 * rows handed to it).
 */
const ICS = Array.from(
  { length: 42 },
  (_, index) =>
    `Q${String.fromCharCode(65 + Math.floor(index / 26))}${String.fromCharCode(65 + (index % 26))}`,
);
const AGES = [...Array.from({ length: 95 }, (_, age) => String(age)), '95+', 'ALL'];
const SEXES = ['ALL', 'FEMALE', 'MALE'];

function monthOf(index: number): string {
  return `${2013 + Math.floor((index + 3) / 12)}-${String(((index + 3) % 12) + 1).padStart(2, '0')}`;
}

/** One GP month: 42 ICSs × 3 sexes × 97 ages as published (12,222 rows), and its 42 re-based totals. */
function monthRows(index: number, only?: 'as_published' | 'rebased'): Record<string, unknown>[] {
  const month = monthOf(index);
  const date = `${month}-01`;
  const url = `https://files.digital.nhs.uk/gp-reg-pat-prac-sing-age-${month}.csv`;
  const row = (ics: string, sex: string, age: string, basis: string, value: number) => ({
    ics_code: ics,
    reference_date: date,
    measure: 'registered_patients',
    sex,
    age_band: age,
    basis,
    value,
    footprint: 'SICBL25',
    method: basis === 'rebased' ? 'gp_by_practice' : 'gp_by_sub_icb',
    source_url: url,
    source_sha256: '0'.repeat(64),
  });
  return ICS.flatMap((ics, position) => [
    ...(only === 'rebased'
      ? []
      : SEXES.flatMap((sex) =>
          AGES.map((age) => row(ics, sex, age, 'as_published', 1000 + position + index)),
        )),
    ...(only === 'as_published' ? [] : [row(ics, 'ALL', 'ALL', 'rebased', 100_000 + position + index)]),
  ]);
}

function lazy(months: number): PartitionedRows {
  const inputs = new Map<string, string>();
  for (let index = 0; index < months; index++) inputs.set(monthOf(index), `gp ${monthOf(index)}`);
  inputs.set('rebased', `rebased over ${months} months`);
  return {
    inputs,
    build(partitions) {
      // As a builder that caches per edition would: the month asked for, and the re-based totals of every month.
      const rows: Record<string, unknown>[] = [];
      for (let index = 0; index < months; index++) {
        if (partitions.has(monthOf(index))) rows.push(...monthRows(index, 'as_published'));
        if (partitions.has('rebased')) rows.push(...monthRows(index, 'rebased'));
      }
      return rows;
    },
  };
}

function allRows(months: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let index = 0; index < months; index++) for (const row of monthRows(index)) rows.push(row);
  return rows;
}

interface Measured {
  variant: string;
  rows: number;
  ms: number;
  bytesWritten: number;
  filesWritten: number;
  peakRssMiB: number;
}

type RowsFor = (months: number) => readonly unknown[] | PartitionedRows;

const publishOptions = (asOf: string) => ({ asOf, createdAt: asOf, pipelineVersion: 'bench', lineage: [] });

/**
 * Months 1..N-1, then N: the version before the measured one lists one month's created keys, as in a real series
 * (a first version listing a million created keys would weigh on every read of its manifest).
 */
async function setUp(
  store: FolderLakeStore,
  definition: DatasetDefinition,
  months: number,
  rowsFor: RowsFor,
) {
  await publishDataset(store, definition, rowsFor(months - 1), publishOptions('2025-12-01T00:00:00Z'));
  await publishDataset(store, definition, rowsFor(months), publishOptions('2026-01-01T00:00:00Z'));
}

/** Publish month N+1 and measure it: wall time, bytes and files written, and this process's peak RSS. */
async function publishNext(
  store: FolderLakeStore,
  variant: string,
  definition: DatasetDefinition,
  months: number,
  rowsFor: RowsFor,
): Promise<Measured> {
  const next = rowsFor(months + 1);
  global.gc?.();
  const counting = new CountingLakeStore(store);
  const started = performance.now();
  const result = await publishDataset(counting, definition, next, publishOptions('2026-02-01T00:00:00Z'));
  const ms = performance.now() - started;
  if (result.status !== 'published') throw new Error(`${variant}: ${result.status}`);
  return {
    variant,
    rows: result.manifest.rows,
    ms: Math.round(ms),
    bytesWritten: counting.bytesWritten,
    filesWritten: counting.written.length,
    peakRssMiB: Math.round(peakRssBytes() / 2 ** 20),
  };
}

async function measure(variant: string, definition: DatasetDefinition, months: number, rowsFor: RowsFor) {
  const folder = await mkdtemp(path.join(tmpdir(), 'partition-publish-'));
  try {
    const store = new FolderLakeStore(folder, { durable: false });
    await setUp(store, definition, months, rowsFor);
    return await publishNext(store, variant, definition, months, rowsFor);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * The same publish with its peak RSS alone: the lake is set up by one child process and month N+1 published by
 * another, whose peak RSS (VmHWM) is that of the publish and the rows handed to it, plus the runtime.
 */
function measureIsolated(index: number, months: number): Measured {
  const folder = mkdtempSync(path.join(tmpdir(), 'partition-publish-'));
  const run = (phase: string) =>
    execFileSync(
      'npx',
      ['tsx', import.meta.filename, String(months), `--phase=${phase}`, `--variant=${index}`],
      {
        env: { ...process.env, PARTITION_BENCH_DIR: folder },
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
  try {
    run('setup');
    return JSON.parse(run('publish').trim().split('\n').at(-1) ?? '{}') as Measured;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const VARIANTS: [string, DatasetDefinition, RowsFor][] = [
  ['whole (before)', { ...icsPopulationDataset, partition: undefined }, allRows],
  ['partitioned, rows', icsPopulationDataset, allRows],
  ['partitioned, PartitionedRows', icsPopulationDataset, lazy],
];

async function main(): Promise<void> {
  const months = Number(process.argv[2] ?? 80);
  const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const phase = option('phase');
  if (phase !== undefined) {
    const [variant, definition, rowsFor] = VARIANTS[Number(option('variant'))] ?? [];
    const store = new FolderLakeStore(process.env.PARTITION_BENCH_DIR ?? '', { durable: false });
    if (variant === undefined || definition === undefined || rowsFor === undefined)
      throw new Error('no variant');
    if (phase === 'setup') await setUp(store, definition, months, rowsFor);
    else console.log(JSON.stringify(await publishNext(store, variant, definition, months, rowsFor)));
    return;
  }
  const only = option('only');
  const chosen = VARIANTS.map((variant, index) => ({ variant, index })).filter(
    ({ variant }) => only === undefined || variant[0].includes(only),
  );
  const results: Measured[] = [];
  if (process.argv.includes('--rss'))
    for (const { index } of chosen) results.push(measureIsolated(index, months));
  else
    for (const { variant } of chosen) results.push(await measure(variant[0], variant[1], months, variant[2]));
  console.table(results);
}

await main();
