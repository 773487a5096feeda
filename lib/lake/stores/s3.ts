import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { describeError, LakeIoError } from '../../core/errors.ts';
import { assertSafeKey, type LakeObjectInfo, type LakeStore, type PutOptions } from '../store.ts';

/** An S3 lake's client lacks a region or credentials (see {@link S3LakeStore.checkConfig}). */
export class S3ConfigError extends Error {
  constructor(
    /** What is missing. */
    readonly missing: 'region' | 'credentials',
    message: string,
  ) {
    super(message);
    this.name = 'S3ConfigError';
  }
}

/** Options for {@link S3LakeStore}. */
export interface S3LakeStoreOptions {
  /** The S3 client, created once by the caller (endpoint, region, credentials, path style). */
  client: S3Client;
  /** The bucket holding the lake. */
  bucket: string;
  /** A key prefix under which the lake lives, without leading or trailing `/` (e.g. `ics-lake`). */
  prefix?: string;
  /**
   * Whether the server enforces `If-None-Match: *` on PutObject. Real S3 does (since August 2024), so this
   * defaults to `true`. Some emulators (fauxqs 1.9) ignore the header: pass `false` for them, and
   * `putIfAbsent` falls back to a HEAD-then-PUT check, which is NOT atomic against a concurrent writer.
   */
  enforcesConditionalCreate?: boolean;
  /** Part size for streamed multipart uploads, in bytes (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /**
   * Bodies larger than this go up as a multipart upload, in parts of `partSize` (default 8 MiB). Keeps every
   * request under the limits of S3-compatible servers (fauxqs refuses request bodies over 11 MiB).
   */
  multipartThreshold?: number;
}

/**
 * A lake in an S3 bucket (or any S3-compatible server). Reads and streamed writes never hold a whole object in
 * memory: `getStream` passes the response body through and `putStream` uses a multipart `Upload`.
 */
export class S3LakeStore implements LakeStore {
  readonly location: string;
  enforcesConditionalCreate: boolean;
  private conditionalCreateChecked = false;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly multipartThreshold: number;

  constructor(options: S3LakeStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (this.prefix !== '') assertSafeKey(this.prefix);
    this.enforcesConditionalCreate = options.enforcesConditionalCreate ?? true;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.multipartThreshold = options.multipartThreshold ?? 8 * 1024 * 1024;
    this.location = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
  }

  /**
   * Resolve the client's region and credentials before any request, so a missing one is named as such rather
   * than surfacing from the first call. Throws {@link S3ConfigError}.
   */
  async checkConfig(): Promise<void> {
    try {
      await this.client.config.region();
    } catch (error) {
      throw new S3ConfigError('region', `${this.location}: no AWS region: ${describeError(error)}`);
    }
    try {
      await this.client.config.credentials();
    } catch (error) {
      throw new S3ConfigError('credentials', `${this.location}: no AWS credentials: ${describeError(error)}`);
    }
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /** Run one S3 call; any failure but "missing" becomes a LakeIoError naming the operation, key and status. */
  private async call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof LakeIoError || error instanceof RangeError) throw error;
      const status = httpStatus(error);
      const name = (error as { name?: string } | undefined)?.name;
      throw new LakeIoError(
        `S3 ${operation} of ${this.location}/${key} failed${status === undefined ? '' : `: HTTP ${status}`}${name && name !== 'Error' ? ` ${name}` : ''}: ${describeError(error)}`,
        key,
        status,
      );
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) return undefined;
      return this.call('GetObject', key, () => Promise.reject(error));
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      const body = response.Body;
      if (body === undefined) return Readable.from([]);
      // In Node the SDK's body is an IncomingMessage (a Readable); anything else is adapted from a web stream.
      if (body instanceof Readable) return body;
      return Readable.fromWeb(body.transformToWebStream() as import('node:stream/web').ReadableStream);
    } catch (error) {
      if (isMissing(error)) return undefined;
      return this.call('GetObject', key, () => Promise.reject(error));
    }
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.byteLength > this.multipartThreshold) {
      await this.upload(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
      return;
    }
    await this.call('PutObject', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: bytes,
          ContentType: options?.contentType,
          CacheControl: options?.cacheControl,
        }),
      ),
    );
  }

  /** A multipart upload (S3 makes the object visible only when it completes, so it is atomic too). */
  private async upload(key: string, body: Readable | Buffer, options?: PutOptions): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: options?.contentType,
        CacheControl: options?.cacheControl,
      },
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await this.call('multipart upload', key, () => upload.done());
  }

  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    await this.upload(key, body, options);
  }

  async putIfAbsent(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean> {
    if (!this.enforcesConditionalCreate) {
      // Best effort only: the server would ignore If-None-Match, so check first. Racy by design; documented.
      if (await this.exists(key)) return false;
      await this.put(key, body, options);
      return true;
    }
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: body,
          IfNoneMatch: '*',
          ContentType: options?.contentType,
          CacheControl: options?.cacheControl,
        }),
      );
      return true;
    } catch (error) {
      // 412: the object exists. 409: a concurrent conditional write to the same key is in flight; it will win.
      const status = httpStatus(error);
      if (status === 412 || status === 409) return false;
      return this.call('conditional PutObject', key, () => Promise.reject(error));
    }
  }

  /**
   * Find out whether the server really refuses a second create of one key (S3 does; some emulators ignore
   * If-None-Match): create a probe object twice, then delete it. A server that accepts both is switched to the
   * best-effort HEAD-then-PUT path, and `enforcesConditionalCreate` becomes false so the run can warn. Once only.
   */
  async checkConditionalCreate(): Promise<boolean> {
    if (this.conditionalCreateChecked || !this.enforcesConditionalCreate)
      return this.enforcesConditionalCreate;
    this.conditionalCreateChecked = true;
    const key = `lease/probe-${process.pid}-${Date.now().toString(36)}.json`;
    try {
      const first = await this.putIfAbsent(key, '{}');
      const second = await this.putIfAbsent(key, '{}');
      if (first && second) this.enforcesConditionalCreate = false;
    } finally {
      await this.delete(key);
    }
    return this.enforcesConditionalCreate;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      return this.call('HeadObject', key, () => Promise.reject(error));
    }
  }

  async list(prefix: string): Promise<LakeObjectInfo[]> {
    const found: LakeObjectInfo[] = [];
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let continuationToken: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix || '(root)', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix === '' ? prefix : `${this.prefix}/${prefix}`,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        found.push({ key: object.Key.slice(strip), bytes: object.Size ?? 0 });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    // S3 lists in UTF-8 byte order; sort by code unit so every adapter agrees.
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.call('DeleteObject', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })),
    );
  }

  /**
   * Abort the multipart uploads under the lake's prefix that never completed (a killed run's). Their parts are
   * invisible to readers but cost storage. A server without the ListMultipartUploads API has none to sweep.
   */
  async sweepTemporary(): Promise<string[]> {
    const swept: string[] = [];
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page: ListMultipartUploadsCommandOutput;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            ...(this.prefix === '' ? {} : { Prefix: `${this.prefix}/` }),
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
      } catch (error) {
        const status = httpStatus(error);
        if (status === 404 || status === 405 || status === 501) return swept;
        return this.call('ListMultipartUploads', '(root)', () => Promise.reject(error));
      }
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === undefined || upload.UploadId === undefined) continue;
        const key = upload.Key.slice(strip);
        await this.call('AbortMultipartUpload', key, () =>
          this.client.send(
            new AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: upload.Key,
              UploadId: upload.UploadId,
            }),
          ),
        );
        swept.push(key);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker !== undefined);
    return swept;
  }
}

function httpStatus(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(error) === 404;
}
