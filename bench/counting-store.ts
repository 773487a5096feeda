import type { Readable } from 'node:stream';
import type { LakeObjectInfo, LakeStore, PutOptions } from '../lib/lake/store.ts';

/** A LakeStore wrapper that records every key written or deleted, so a no-op run can be checked for writes. */
export class CountingLakeStore implements LakeStore {
  readonly written: string[] = [];
  readonly deleted: string[] = [];
  reads = 0;

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
    return this.inner.put(key, body, options);
  }
  putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    this.written.push(key);
    return this.inner.putStream(key, body, options);
  }
  async putIfAbsent(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean> {
    const created = await this.inner.putIfAbsent(key, body, options);
    if (created) this.written.push(key);
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
