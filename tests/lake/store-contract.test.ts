import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../lib/lake/open.ts';
import { getText, type LakeStore } from '../../lib/lake/store.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { S3LakeStore } from '../../lib/lake/stores/s3.ts';
import { type Fauxqs, fauxqsS3Client, startFauxqs } from '../helpers/fauxqs.ts';

let fauxqs: Fauxqs;
const folders: string[] = [];
let bucketCount = 0;

beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(async () => {
  await fauxqs.stop();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

interface Adapter {
  name: string;
  /** A fresh, empty lake. */
  create(): Promise<LakeStore>;
}

const adapters: Adapter[] = [
  { name: 'memory', create: async () => new MemoryLakeStore() },
  {
    name: 'folder',
    create: async () => {
      const folder = await mkdtemp(path.join(tmpdir(), 'lake-contract-'));
      folders.push(folder);
      return new FolderLakeStore(folder);
    },
  },
  {
    name: 's3 (fauxqs on loopback)',
    create: async () => {
      const client = fauxqsS3Client(fauxqs);
      const bucket = `contract-${++bucketCount}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      // fauxqs ignores If-None-Match, so the store must not claim atomic conditional create.
      return new S3LakeStore({
        client,
        bucket,
        prefix: 'lake',
        enforcesConditionalCreate: false,
        partSize: 5 << 20,
      });
    },
  },
];

/** A deterministic multi-megabyte body, spanning more than one multipart part on S3. */
function bigBody(bytes: number): Buffer {
  const body = Buffer.alloc(bytes);
  let state = 12345;
  for (let i = 0; i < bytes; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    body[i] = state >>> 16;
  }
  return body;
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

describe.each(adapters)('LakeStore contract: $name', (adapter) => {
  let store: LakeStore;
  beforeAll(async () => {
    store = await adapter.create();
  });

  it('returns undefined for a missing object, from get and getStream', async () => {
    expect(await store.get('missing/object.txt')).toBeUndefined();
    expect(await store.getStream('missing/object.txt')).toBeUndefined();
    expect(await store.exists('missing/object.txt')).toBe(false);
  });

  it('reads back exactly the bytes and text that were put', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await store.put('rw/bytes.bin', bytes);
    await store.put('rw/text.txt', 'café £5\n');
    expect(await store.get('rw/bytes.bin')).toEqual(bytes);
    expect(await getText(store, 'rw/text.txt')).toBe('café £5\n');
    expect(await store.exists('rw/text.txt')).toBe(true);
  });

  it('replaces an object on put', async () => {
    await store.put('rw/replace.txt', 'first');
    await store.put('rw/replace.txt', 'second');
    expect(await getText(store, 'rw/replace.txt')).toBe('second');
  });

  it('lists keys under a prefix in ascending order with their sizes', async () => {
    for (const key of ['ls/b/2.txt', 'ls/a.txt', 'ls/b/1.txt', 'ls/B.txt', 'lsx/other.txt']) {
      await store.put(key, key);
    }
    const listed = await store.list('ls/');
    expect(listed).toEqual([
      { key: 'ls/B.txt', bytes: 8 },
      { key: 'ls/a.txt', bytes: 8 },
      { key: 'ls/b/1.txt', bytes: 10 },
      { key: 'ls/b/2.txt', bytes: 10 },
    ]);
    expect((await store.list('ls/b/')).map((info) => info.key)).toEqual(['ls/b/1.txt', 'ls/b/2.txt']);
    expect(await store.list('nothing-here/')).toEqual([]);
  });

  it('deletes an object, and deleting a missing object is not an error', async () => {
    await store.put('del/x.txt', 'x');
    await store.delete('del/x.txt');
    expect(await store.exists('del/x.txt')).toBe(false);
    await expect(store.delete('del/x.txt')).resolves.toBeUndefined();
  });

  it('round-trips a multi-megabyte body through putStream and getStream', async () => {
    const body = bigBody(11 * 1024 * 1024 + 17);
    const expected = createHash('sha256').update(body).digest('hex');
    // Many small chunks, as a parser or gzip stream would produce them.
    const chunks = function* () {
      for (let offset = 0; offset < body.length; offset += 64 * 1024)
        yield body.subarray(offset, offset + 64 * 1024);
    };
    await store.putStream('stream/big.bin', Readable.from(chunks()), {
      contentType: 'application/octet-stream',
    });
    const stream = await store.getStream('stream/big.bin');
    expect(stream).toBeDefined();
    expect(await sha256Of(stream as Readable)).toEqual({ sha256: expected, bytes: body.length });
    expect(await store.list('stream/')).toEqual([{ key: 'stream/big.bin', bytes: body.length }]);
  });

  it('creates with putIfAbsent only when no object exists, leaving the first body in place', async () => {
    expect(await store.putIfAbsent('cond/manifest.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('cond/manifest.json', 'second')).toBe(false);
    expect(await getText(store, 'cond/manifest.json')).toBe('first');
  });

  it('lets exactly one of two concurrent putIfAbsent calls win where the store enforces it', async () => {
    const results = await Promise.all([
      store.putIfAbsent('race/lease.json', 'writer-a'),
      store.putIfAbsent('race/lease.json', 'writer-b'),
    ]);
    const text = await getText(store, 'race/lease.json');
    if (store.enforcesConditionalCreate) {
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(text).toBe(results[0] ? 'writer-a' : 'writer-b');
    } else {
      // Best effort only: at least one writer believes it won, and the object holds one whole body.
      expect(results.some(Boolean)).toBe(true);
      expect(['writer-a', 'writer-b']).toContain(text);
    }
  });

  it.each(['', '/abs/key', '../escape', 'a/../../escape', 'a//b', 'a/./b', 'a\\b'])(
    'refuses the unsafe key %j on every operation',
    async (key) => {
      await expect(store.get(key)).rejects.toThrow(RangeError);
      await expect(store.getStream(key)).rejects.toThrow(RangeError);
      await expect(store.put(key, 'x')).rejects.toThrow(RangeError);
      await expect(store.putIfAbsent(key, 'x')).rejects.toThrow(RangeError);
      await expect(store.putStream(key, Readable.from(['x']))).rejects.toThrow(RangeError);
      await expect(store.exists(key)).rejects.toThrow(RangeError);
      await expect(store.delete(key)).rejects.toThrow(RangeError);
    },
  );
});

describe('openLake', () => {
  it('opens a folder by path and by file:// URL', () => {
    const folder = path.join(tmpdir(), 'lake-open-test');
    expect(openLake(folder).location).toBe(openLake(`file://${folder}`).location);
    expect(openLake('./lake')).toBeInstanceOf(FolderLakeStore);
  });

  it('opens s3://bucket/prefix as an S3 lake, and honours the endpoint', async () => {
    const client = fauxqsS3Client(fauxqs);
    await client.send(new CreateBucketCommand({ Bucket: 'open-lake' }));
    const store = openLake('s3://open-lake/some/prefix/', {
      endpoint: fauxqs.endpoint,
      credentials: fauxqs.credentials,
      enforcesConditionalCreate: false,
    });
    expect(store).toBeInstanceOf(S3LakeStore);
    expect(store.location).toBe('s3://open-lake/some/prefix');
    expect(store.enforcesConditionalCreate).toBe(false);
    await store.put('hello.txt', 'hi');
    expect(await getText(store, 'hello.txt')).toBe('hi');
    expect(await store.list('')).toEqual([{ key: 'hello.txt', bytes: 2 }]);
  });

  it('defaults S3 lakes to enforced conditional create, as real S3 provides', () => {
    expect(openLake('s3://real-bucket').enforcesConditionalCreate).toBe(true);
  });

  it('refuses other schemes and invalid bucket names', () => {
    expect(() => openLake('http://example.com/lake')).toThrow(/folder path, file:\/\/ or s3:\/\//);
    expect(() => openLake('s3://Bad_Bucket/x')).toThrow(/valid bucket name/);
  });
});
