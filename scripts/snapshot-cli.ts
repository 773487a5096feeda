/**
 * Command-line options shared by the snapshot generators (`build-data-snapshots.ts`, `write-html-snapshots.ts`).
 *
 *   --out DIR       write the dated snapshot folders under DIR instead of the repository's `snapshots/`
 *                   (also: environment variable ICS_SNAPSHOTS_OUT). Useful to stage new snapshots, or to check
 *                   that regenerating leaves the committed ones byte-identical (`diff -r`).
 *   --dates LIST    only write these snapshot dates (comma-separated ISO dates); default: every date.
 *
 * Anything else on the command line is returned as positional arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface GeneratorOptions {
  /** Absolute folder that holds the `<date>/` snapshot folders. */
  outRoot: string;
  /** True when writing to the repository's own `snapshots/` (only then are test goldens refreshed). */
  isRepositoryRoot: boolean;
  /** The dates to write, or null for all. */
  dates: ReadonlySet<string> | null;
  positionals: string[];
}

export const REPOSITORY_SNAPSHOTS = path.resolve(import.meta.dirname, '..', 'snapshots');

export function generatorOptions(argv: string[] = process.argv.slice(2)): GeneratorOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, dates: { type: 'string' } },
  });
  const outRoot = path.resolve(values.out ?? process.env.ICS_SNAPSHOTS_OUT ?? REPOSITORY_SNAPSHOTS);
  const dates = values.dates
    ? new Set(
        values.dates
          .split(',')
          .map((date) => date.trim())
          .filter(Boolean),
      )
    : null;
  for (const date of dates ?? []) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`--dates: "${date}" is not an ISO date`);
  }
  return { outRoot, isRepositoryRoot: outRoot === REPOSITORY_SNAPSHOTS, dates, positionals };
}

/** Whether `date` is one of the dates to write. */
export function wantsDate(options: GeneratorOptions, date: string): boolean {
  return options.dates === null || options.dates.has(date);
}
