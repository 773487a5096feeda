import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { assertSafeKey, type LakeObjectInfo, type LakeStore } from '../store.ts';

/** An in-memory lake, for unit tests of the pure core. `putIfAbsent` is atomic within the process. */
export class MemoryLakeStore implements LakeStore {
  readonly location = 'memory://';
  readonly enforcesConditionalCreate = true;
  /** The objects, by key. Exposed so tests can inspect or tamper with the lake directly. */
  readonly objects = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    assertSafeKey(key);
    const value = this.objects.get(key);
    return value === undefined ? undefined : new Uint8Array(value);
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const value = await this.get(key);
    return value === undefined ? undefined : Readable.from([Buffer.from(value)]);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    assertSafeKey(key);
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body));
  }

  async putStream(key: string, body: Readable): Promise<void> {
    await this.put(key, new Uint8Array(await buffer(body)));
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    assertSafeKey(key);
    if (this.objects.has(key)) return false;
    await this.put(key, body);
    return true;
  }

  async exists(key: string): Promise<boolean> {
    assertSafeKey(key);
    return this.objects.has(key);
  }

  async list(prefix: string): Promise<LakeObjectInfo[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => ({ key, bytes: value.byteLength }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    this.objects.delete(key);
  }

  async sweepTemporary(): Promise<string[]> {
    return [];
  }
}
