import { type Readable, Transform } from 'node:stream';
import type { LakeObjectInfo, LakeStore, PutOptions } from '../lib/lake/store.ts';

/** A LakeStore wrapper that records every key written or deleted, so a no-op run can be checked for writes. */
export class CountingLakeStore implements LakeStore {
  readonly written: string[] = [];
  readonly deleted: string[] = [];
  reads = 0;
  /** Bytes of every object written (streams counted as they pass). */
  bytesWritten = 0;

  constructor(private readonly inner: LakeStore) {}

  get location(): string {
    return this.inner.location;
  }
  get enforcesConditionalCreate(): boolean {
    return this.inner.enforcesConditionalCreate;
  }
  get(key: string): Promise<Uint8Array | undefined> {
    this.reads += 1;
    return this.inner.get(key);
  }
  getStream(key: string): Promise<Readable | undefined> {
    this.reads += 1;
    return this.inner.getStream(key);
  }
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.written.push(key);
    this.bytesWritten += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return this.inner.put(key, body, options);
  }
  putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    this.written.push(key);
    // Counted as each chunk passes through (a 'data' listener would start the flow before the store reads).
    const counted = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.bytesWritten += chunk.length;
        done(null, chunk);
      },
    });
    body.on('error', (error) => counted.destroy(error));
    return this.inner.putStream(key, body.pipe(counted), options);
  }
  async putIfAbsent(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean> {
    const created = await this.inner.putIfAbsent(key, body, options);
    if (created) {
      this.written.push(key);
      this.bytesWritten += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    }
    return created;
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(prefix: string): Promise<LakeObjectInfo[]> {
    return this.inner.list(prefix);
  }
  delete(key: string): Promise<void> {
    this.deleted.push(key);
    return this.inner.delete(key);
  }
  sweepTemporary(): Promise<string[]> {
    return this.inner.sweepTemporary();
  }
}
