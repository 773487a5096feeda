import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatasetDefinition } from '../lib/core/dataset.ts';
import { type PartitionedRows, publishDataset } from '../lib/lake/publish.ts';
import { FolderLakeStore } from '../lib/lake/stores/folder.ts';
import { icsPopulationDataset } from '../lib/normalise/datasets.ts';
import { CountingLakeStore } from './counting-store.ts';

/**
 * Issue 15: what publishing month N+1 of `ics_population` costs on a lake that holds N months, with the dataset
 * stored whole (as before partitions) and partitioned (from rows, and from PartitionedRows that build only the
 * new month and the re-based series). Side by side in one process, on the same synthetic rows: each variant's
 * lake gets months 1..N-1 as v1 and 1..N as v2, then month N+1 is published as v3 and measured (bytes written,
 * wall time).
 *
 *   npx tsx bench/partition-publish.ts [months=80] [variant filter, e.g. PartitionedRows]
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
    method: basis === 'rebased' ? `gp_by_practice@${date}` : 'gp_by_sub_icb',
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
  heapUsedMiB: number;
}

async function measure(
  variant: string,
  definition: DatasetDefinition,
  months: number,
  rowsFor: (months: number) => readonly unknown[] | PartitionedRows,
): Promise<Measured> {
  const folder = await mkdtemp(path.join(tmpdir(), 'partition-publish-'));
  try {
    const store = new FolderLakeStore(folder, { durable: false });
    const options = (asOf: string) => ({ asOf, createdAt: asOf, pipelineVersion: 'bench', lineage: [] });
    // Months 1..N-1, then N: the version before the measured one lists one month's created keys, as in a real
    // series (a first version listing a million created keys would weigh on every read of its manifest).
    await publishDataset(store, definition, rowsFor(months - 1), options('2025-12-01T00:00:00Z'));
    await publishDataset(store, definition, rowsFor(months), options('2026-01-01T00:00:00Z'));
    const next = rowsFor(months + 1);
    global.gc?.();
    const counting = new CountingLakeStore(store);
    const started = performance.now();
    const result = await publishDataset(counting, definition, next, options('2026-02-01T00:00:00Z'));
    const ms = performance.now() - started;
    if (result.status !== 'published') throw new Error(`${variant}: ${result.status}`);
    return {
      variant,
      rows: result.manifest.rows,
      ms: Math.round(ms),
      bytesWritten: counting.bytesWritten,
      filesWritten: counting.written.length,
      heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const months = Number(process.argv[2] ?? 80);
  const whole: DatasetDefinition = { ...icsPopulationDataset, partition: undefined };
  const only = process.argv[3];
  const variants: [string, DatasetDefinition, (months: number) => readonly unknown[] | PartitionedRows][] = [
    ['whole (before)', whole, allRows],
    ['partitioned, rows', icsPopulationDataset, allRows],
    ['partitioned, PartitionedRows', icsPopulationDataset, lazy],
  ];
  const results: Measured[] = [];
  for (const [variant, definition, rowsFor] of variants)
    if (only === undefined || variant.includes(only)) results.push(await measure(variant, definition, months, rowsFor));
  console.table(results);
}

await main();
