import type { Command } from 'commander';
import { assertIsLake } from '../../lake/existing.ts';
import { parseLakeUri } from '../../lake/lake-uri.ts';
import type { LakeStore } from '../../lake/store.ts';
import { FolderLakeStore } from '../../lake/stores/folder.ts';

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

/** What to do about a missing region or missing credentials, in the CLI's own terms. */
export function s3ConfigFix(missing: 'region' | 'credentials'): string {
  return missing === 'region'
    ? 'set AWS_REGION (e.g. AWS_REGION=eu-west-2) or AWS_PROFILE, or pass --endpoint <url> for an S3-compatible server'
    : 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws';
}

/**
 * Resolve an S3 lake's region and credentials before any request; a missing one is a one-line error naming the
 * fix. Folder lakes pass.
 */
export async function checkLakeConfig(store: LakeStore): Promise<void> {
  if (!store.location.startsWith('s3://')) return;
  const { S3ConfigError, S3LakeStore } = await import('../../lake/stores/s3.ts');
  if (!(store instanceof S3LakeStore)) return;
  try {
    await store.checkConfig();
  } catch (error) {
    if (!(error instanceof S3ConfigError)) throw error;
    throw new S3ConfigError(error.missing, `${error.message}; ${s3ConfigFix(error.missing)}`);
  }
}

/**
 * Open the lake a reading command names. A folder lake loads no AWS SDK (a second or so of a short command's
 * start); an S3 lake loads it here, when needed.
 */
export async function openCliLake(options: LakeCliOptions): Promise<LakeStore> {
  const location = parseLakeUri(options.lake);
  if (location.kind === 'folder') return new FolderLakeStore(location.path);
  const { openLake } = await import('../../lake/open.ts');
  return openLake(options.lake, options.endpoint === undefined ? {} : { endpoint: options.endpoint });
}

/**
 * Open a lake that must already exist: a missing folder, a file or an empty bucket is a one-line error, and so is
 * an S3 lake without a region or credentials.
 */
export async function openExistingLake(options: LakeCliOptions): Promise<LakeStore> {
  const store = await openCliLake(options);
  await checkLakeConfig(store);
  await assertIsLake(store);
  return store;
}
