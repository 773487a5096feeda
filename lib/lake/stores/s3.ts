import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertSafeKey, type LakeObjectInfo, type LakeStore, type PutOptions } from '../store.ts';

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
}

/**
 * A lake in an S3 bucket (or any S3-compatible server). Reads and streamed writes never hold a whole object in
 * memory: `getStream` passes the response body through and `putStream` uses a multipart `Upload`.
 */
export class S3LakeStore implements LakeStore {
  readonly location: string;
  readonly enforcesConditionalCreate: boolean;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;

  constructor(options: S3LakeStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (this.prefix !== '') assertSafeKey(this.prefix);
    this.enforcesConditionalCreate = options.enforcesConditionalCreate ?? true;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.location = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
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
      throw error;
    }
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: options?.contentType,
        CacheControl: options?.cacheControl,
      }),
    );
  }

  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
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
    await upload.done();
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
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<LakeObjectInfo[]> {
    const found: LakeObjectInfo[] = [];
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix === '' ? prefix : `${this.prefix}/${prefix}`,
          ContinuationToken: continuationToken,
        }),
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
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
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
