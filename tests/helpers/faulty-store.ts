import type { Readable } from 'node:stream';
import { sha256Hex } from '../../lib/lake/rows.ts';
import type { LakeObjectInfo, LakeStore, PutOptions } from '../../lib/lake/store.ts';

/** Thrown by {@link FaultyLakeStore} in place of the k-th write. */
export class InjectedCrash extends Error {}

/**
 * A LakeStore wrapper that simulates a crash: the `failAtWrite`-th write (1-based; put, putStream, putIfAbsent
 * or delete) throws before reaching the inner store, and so does every later write, as a dead process would.
 */
export class FaultyLakeStore implements LakeStore {
  writes = 0;
  constructor(
    private readonly inner: LakeStore,
    private readonly failAtWrite: number,
  ) {}
  get location(): string {
    return this.inner.location;
  }
  get enforcesConditionalCreate(): boolean {
    return this.inner.enforcesConditionalCreate;
  }
  private write(): void {
    this.writes += 1;
    if (this.writes >= this.failAtWrite) throw new InjectedCrash(`injected crash at write ${this.writes}`);
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  getStream(key: string): Promise<Readable | undefined> {
    return this.inner.getStream(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(prefix: string): Promise<LakeObjectInfo[]> {
    return this.inner.list(prefix);
  }
  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.write();
    return this.inner.put(key, body, options);
  }
  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    this.write();
    return this.inner.putStream(key, body, options);
  }
  async putIfAbsent(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean> {
    this.write();
    return this.inner.putIfAbsent(key, body, options);
  }
  async delete(key: string): Promise<void> {
    this.write();
    return this.inner.delete(key);
  }
  sweepTemporary(): Promise<string[]> {
    return this.inner.sweepTemporary();
  }
}

/** A LakeStore wrapper that counts writes (to prove that a no-op publish writes nothing). */
export class CountingLakeStore extends FaultyLakeStore {
  constructor(inner: LakeStore) {
    super(inner, Number.POSITIVE_INFINITY);
  }
}

/** Every object's key and sha256, for comparing whole lakes byte for byte. */
export async function lakeHashes(store: LakeStore, prefix = ''): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const { key } of await store.list(prefix)) {
    const body = await store.get(key);
    hashes[key] = body === undefined ? 'missing' : sha256Hex(body);
  }
  return hashes;
}
