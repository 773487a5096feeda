import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { openLake } from '../../lake/open.ts';
import { openVersionFile, resolveVersion } from '../../lake/versions.ts';
import type { RegisterCommand } from './index.ts';
import { versionNumber } from './version-argument.ts';

interface GetOptions {
  version?: number;
  asOf?: string;
  format: 'csv' | 'json' | 'parquet';
  out?: string;
  lake: string;
  endpoint?: string;
}

/** `ics-lake get <dataset>`: stream one edition of a version (latest, numbered, or latest as of a date). */
export const registerGet: RegisterCommand = (program: Command) => {
  program
    .command('get')
    .description('Download a dataset version (latest by default) as CSV, JSON or Parquet')
    .argument('<dataset>', 'dataset name, e.g. ics')
    .addOption(new Option('--version <n>', 'a version number').argParser(versionNumber).conflicts('asOf'))
    .option('--as-of <date>', 'the version that was latest at this ISO date or date-time')
    .addOption(
      new Option('--format <format>', 'file format').choices(['csv', 'json', 'parquet']).default('csv'),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake')
    .action(async (dataset: string, options: GetOptions) => {
      const store = openLake(
        options.lake,
        options.endpoint === undefined ? {} : { endpoint: options.endpoint },
      );
      const manifest = await resolveVersion(store, dataset, {
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      });
      const body = await openVersionFile(store, manifest, options.format);
      if (options.out === undefined) {
        await pipeline(body, process.stdout, { end: false });
      } else {
        await pipeline(body, createWriteStream(options.out));
        process.stderr.write(`${dataset} v${manifest.version} (${options.format}) -> ${options.out}\n`);
      }
    });
};
