import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
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
 * Open a lake by URI: a folder path (`./lake`, `/abs/lake`), a `file://` URL, or `s3://bucket[/prefix]`.
 * The folder is the default; anything with another scheme is refused.
 */
export function openLake(uri: string, options: OpenLakeOptions = {}): LakeStore {
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new RangeError(
        `openLake: expected s3://<bucket>[/<prefix>] with a valid bucket name, found ${uri}`,
      );
    }
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
      bucket,
      ...(prefix === '' ? {} : { prefix }),
      ...(options.enforcesConditionalCreate === undefined
        ? {}
        : { enforcesConditionalCreate: options.enforcesConditionalCreate }),
    });
  }
  if (uri.startsWith('file://')) return new FolderLakeStore(fileURLToPath(uri));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new RangeError(`openLake: expected a folder path, file:// or s3:// URI, found ${uri}`);
  }
  return new FolderLakeStore(uri);
}
