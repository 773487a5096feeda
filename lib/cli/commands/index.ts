import type { Command } from 'commander';

/** Adds a subcommand's arguments, options and action to its (already named and described) command. */
export type ConfigureCommand = (command: Command) => void;

/**
 * A subcommand: its name and one-line description for `ics-lake --help`, and how to load the rest. The module is
 * imported only when its command runs, so `--help`, `--version` and light commands never load the AWS SDK,
 * cheerio or the pipeline.
 */
export interface CommandEntry {
  name: string;
  /** How `ics-lake --help` lists it, as commander would from the loaded command (a test keeps them equal). */
  synopsis: string;
  description: string;
  load: () => Promise<ConfigureCommand>;
}

/** Every subcommand, in help order. Add one entry per command file. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'run',
    synopsis: 'run [options]',
    description: 'run the pipeline once, over a snapshot (default: the newest) or the live sources',
    load: async () => (await import('./run.ts')).configureRun,
  },
  {
    name: 'replay',
    synopsis: 'replay [options]',
    description:
      'replay the bundled snapshots, oldest first, so the lake builds up real history; resumes where the lake stopped',
    load: async () => (await import('./replay.ts')).configureReplay,
  },
  {
    name: 'serve-snapshot',
    synopsis: 'serve-snapshot [options] [snapshot]',
    description: 'serve a dated snapshot on 127.0.0.1 (default: the newest), until Ctrl-C',
    load: async () => (await import('./serve-snapshot.ts')).configureServeSnapshot,
  },
  {
    name: 'parse',
    synopsis: 'parse [options] <file>',
    description: 'parse one captured document with its source parser and print the records as JSON',
    load: async () => (await import('./parse.ts')).configureParse,
  },
  {
    name: 'datasets',
    synopsis: 'datasets [options]',
    description: 'list the datasets: latest version, rows, as-of date and description',
    load: async () => (await import('./datasets.ts')).configureDatasets,
  },
  {
    name: 'changes',
    synopsis: 'changes [options]',
    description: 'print change events from the feed in order (cursor or date with --since; --follow polls)',
    load: async () => (await import('./changes.ts')).configureChanges,
  },
  {
    name: 'versions',
    synopsis: 'versions [options] <dataset>',
    description: 'list the versions of a dataset: as-of date, rows and changes against the previous version',
    load: async () => (await import('./versions.ts')).configureVersions,
  },
  {
    name: 'get',
    synopsis: 'get [options] <dataset>',
    description:
      'download a dataset version (latest by default) as CSV, JSON or Parquet, verified against its manifest',
    load: async () => (await import('./get.ts')).configureGet,
  },
  {
    name: 'diff',
    synopsis: 'diff [options] <dataset> <from> <to>',
    description:
      'show the rows created, updated (field by field) and deleted between two versions of a dataset',
    load: async () => (await import('./diff.ts')).configureDiff,
  },
  {
    name: 'verify',
    synopsis: 'verify [options]',
    description: 'check every manifest, file hash, latest.json and the feed page chain; list what is wrong',
    load: async () => (await import('./verify.ts')).configureVerify,
  },
  {
    name: 'unlock',
    synopsis: 'unlock [options]',
    description: "break the lake's run lease (lease/run.json) left by a run that is no longer running",
    load: async () => (await import('./unlock.ts')).configureUnlock,
  },
];
