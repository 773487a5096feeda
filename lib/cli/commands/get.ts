import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Option } from 'commander';
import { parseAsOfInstant, parseIsoDate } from '../../core/instant.ts';
import { assertDatasetExists } from '../../lake/existing.ts';
import { isPartitioned, type Manifest } from '../../lake/manifest.ts';
import { writePartitionedParquet } from '../../lake/partitions.ts';
import type { LakeStore } from '../../lake/store.ts';
import { writeValidTimeEdition } from '../../lake/valid-time.ts';
import { openVersionFile, resolveVersion, verifyVersionFile } from '../../lake/versions.ts';
import { datasetDefinition } from '../../normalise/datasets.ts';
import { asOfNote, checkedBy, versionNumber } from './arguments.ts';
import type { ConfigureCommand } from './index.ts';
import { type LakeCliOptions, openExistingLake, withLakeOptions } from './lake-options.ts';

interface GetOptions extends LakeCliOptions {
  version?: number;
  asOf?: string;
  on?: string;
  format: 'csv' | 'json' | 'parquet';
  out?: string;
}

/** Refuse to write a binary format (Parquet) to a terminal: it needs `--out` or a pipe/redirect. */
export function assertWritable(
  dataset: string,
  options: Pick<GetOptions, 'format' | 'out'>,
  stdoutIsTerminal: boolean,
): void {
  if (options.format === 'parquet' && options.out === undefined && stdoutIsTerminal)
    throw new RangeError(
      `--format parquet is binary and stdout is a terminal: give --out <file>, or redirect stdout (> ${dataset}.parquet)`,
    );
}

/** Stream an edition to stdout once its bytes are verified, or to `--out` through a temporary file. */
async function writeEdition(store: LakeStore, manifest: Manifest, options: GetOptions): Promise<void> {
  if (options.format === 'parquet' && isPartitioned(manifest))
    return writePartitionedEdition(store, manifest, options);
  if (options.out === undefined) {
    await verifyVersionFile(store, manifest, options.format);
    await pipeline(await openVersionFile(store, manifest, options.format), process.stdout, { end: false });
    return;
  }
  const temp = `${options.out}.part-${process.pid}`;
  try {
    await pipeline(await openVersionFile(store, manifest, options.format), createWriteStream(temp));
    await rename(temp, options.out);
  } finally {
    await rm(temp, { force: true });
  }
  process.stderr.write(`${manifest.dataset} v${manifest.version} (${options.format}) -> ${options.out}\n`);
}

/**
 * A partitioned version's Parquet, written as one file a partition at a time (its parts are separate files), to
 * `--out` through a temporary file, or to stdout from a temporary file once complete.
 */
async function writePartitionedEdition(
  store: LakeStore,
  manifest: Manifest,
  options: GetOptions,
): Promise<void> {
  const definition = datasetDefinition(manifest.dataset);
  if (definition === undefined)
    throw new RangeError(`Expected a dataset this version of ics-lake defines, found ${manifest.dataset}`);
  const temp =
    options.out === undefined
      ? path.join(await mkdtemp(path.join(tmpdir(), 'ics-lake-get-')), `${manifest.dataset}.parquet`)
      : `${options.out}.part-${process.pid}`;
  try {
    await writePartitionedParquet(store, definition, manifest, temp);
    if (options.out === undefined) {
      await pipeline(createReadStream(temp), process.stdout, { end: false });
      return;
    }
    await rename(temp, options.out);
  } finally {
    await rm(options.out === undefined ? path.dirname(temp) : temp, { force: true, recursive: true });
  }
  process.stderr.write(`${manifest.dataset} v${manifest.version} (parquet) -> ${options.out}\n`);
}

/**
 * `ics-lake get <dataset>`: stream one edition of a version (latest, numbered, or latest as of a date). The bytes
 * are checked against the manifest's sha256 before any reaches stdout (or before `--out` is moved into place),
 * so a damaged file is an error naming it, never served.
 */
export const configureGet: ConfigureCommand = (command) => {
  withLakeOptions(
    command
      .argument('<dataset>', 'dataset name, e.g. ics')
      .addOption(new Option('--version <n>', 'a version number').argParser(versionNumber).conflicts('asOf'))
      .addOption(
        new Option(
          '--as-of <date>',
          'the version that was latest at this ISO date-time (UTC unless a zone is given); a date alone means the end of that day (23:59:59.999Z). The version chosen is noted on stderr',
        ).argParser(checkedBy((value) => parseAsOfInstant(value, '--as-of'))),
      )
      .addOption(
        new Option(
          '--on <date>',
          'valid time: the rows that describe the world on this ISO date (ics: the bodies that existed then; ics_population: the newest figures dated on or before it)',
        ).argParser(checkedBy((value) => parseIsoDate(value, '--on'))),
      )
      .addOption(
        new Option('--format <format>', 'file format (parquet: only with --out or a redirected stdout)')
          .choices(['csv', 'json', 'parquet'])
          .default('csv'),
      )
      .option('--out <file>', 'write to a file instead of stdout'),
  ).action(async (dataset: string, options: GetOptions) => {
    assertWritable(dataset, options, process.stdout.isTTY === true);
    const store = await openExistingLake(options);
    await assertDatasetExists(store, dataset);
    const manifest = await resolveVersion(store, dataset, {
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    });
    if (options.asOf !== undefined) process.stderr.write(`${asOfNote(manifest, options.asOf)}\n`);
    if (options.on === undefined) return writeEdition(store, manifest, options);
    const sinks = { stdout: process.stdout, stderr: process.stderr };
    return writeValidTimeEdition(store, manifest, datasetDefinition(dataset), {
      ...options,
      on: options.on,
      ...sinks,
    });
  });
};
