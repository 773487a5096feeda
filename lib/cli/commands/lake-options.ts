import type { Command } from 'commander';
import { assertIsLake } from '../../lake/existing.ts';
import { openLake } from '../../lake/open.ts';
import type { LakeStore } from '../../lake/store.ts';

/** Where a reading command finds the lake. */
export interface LakeCliOptions {
  lake: string;
  endpoint?: string;
}

/** Add `--lake` and `--endpoint` to a command that reads a lake. */
export function withLakeOptions(command: Command): Command {
  return command
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake');
}

/** Open a lake that must already exist: a missing folder, a file or an empty bucket is a one-line error. */
export async function openExistingLake(options: LakeCliOptions): Promise<LakeStore> {
  const store = openLake(options.lake, options.endpoint === undefined ? {} : { endpoint: options.endpoint });
  await assertIsLake(store);
  return store;
}
