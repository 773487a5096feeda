import { fileURLToPath } from 'node:url';

/** Where a lake URI points: a folder, or a bucket and key prefix on S3. */
export type LakeLocation = { kind: 'folder'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * Read a lake URI: a folder path (`./lake`, `/abs/lake`), a `file://` URL, or `s3://bucket[/prefix]`. Anything
 * with another scheme, or an invalid bucket name, is refused with one line. No SDK is loaded to answer.
 */
export function parseLakeUri(uri: string): LakeLocation {
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
    return { kind: 's3', bucket, prefix };
  }
  if (uri.startsWith('file://')) return { kind: 'folder', path: fileURLToPath(uri) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new RangeError(`openLake: expected a folder path, file:// or s3:// URI, found ${uri}`);
  }
  return { kind: 'folder', path: uri };
}
