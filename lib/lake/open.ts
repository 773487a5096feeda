import { S3Client } from '@aws-sdk/client-s3';
import { parseLakeUri } from './lake-uri.ts';
import type { LakeStore } from './store.ts';
import { FolderLakeStore } from './stores/folder.ts';
import { S3LakeStore } from './stores/s3.ts';

/** How to reach an S3 lake; every field is optional and only used for `s3://` URIs. */
export interface OpenLakeOptions {
  /** An S3-compatible endpoint (e.g. `http://127.0.0.1:4566`); switches the client to path-style addressing. */
  endpoint?: string;
  /** The AWS region; defaults to the SDK's own resolution, or `us-east-1` when an endpoint is given. */
  region?: string;
  /** Static credentials (tests, emulators); otherwise the SDK's default provider chain applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** See {@link S3LakeStore}: `false` for servers that ignore `If-None-Match` (e.g. fauxqs). Default `true`. */
  enforcesConditionalCreate?: boolean;
}

/**
 * Open a lake by URI: a folder path (`./lake`, `/abs/lake`), a `file://` URL, or `s3://bucket[/prefix]`
 * (see parseLakeUri). The folder is the default; anything with another scheme is refused.
 */
export function openLake(uri: string, options: OpenLakeOptions = {}): LakeStore {
  const location = parseLakeUri(uri);
  if (location.kind === 'folder') return new FolderLakeStore(location.path);
  const region = options.region ?? (options.endpoint === undefined ? undefined : 'us-east-1');
  const client = new S3Client({
    ...(region === undefined ? {} : { region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // Some S3-compatible servers mishandle the SDK's default streaming checksums (aws-chunked bodies).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return new S3LakeStore({
    client,
    bucket: location.bucket,
    ...(location.prefix === '' ? {} : { prefix: location.prefix }),
    ...(options.enforcesConditionalCreate === undefined
      ? {}
      : { enforcesConditionalCreate: options.enforcesConditionalCreate }),
  });
}
