import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3LakeStore } from '../../../lib/lake/stores/s3.ts';

/**
 * fauxqs ignores If-None-Match, so this is a minimal S3-compatible PutObject endpoint that enforces it the way
 * AWS documents: 412 PreconditionFailed when the key exists. It records the headers the adapter sends.
 */
const objects = new Map<string, Buffer>();
const seenIfNoneMatch: (string | undefined)[] = [];
let server: Server;
let client: S3Client;

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const key = request.url ?? '';
    if (request.method !== 'PUT') {
      response.writeHead(501).end();
      return;
    }
    const ifNoneMatch = request.headers['if-none-match'];
    seenIfNoneMatch.push(typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined);
    if (key.includes('explode')) {
      response.writeHead(500, { 'content-type': 'application/xml' });
      response.end('<Error><Code>InternalError</Code><Message>boom</Message></Error>');
      return;
    }
    if (ifNoneMatch === '*' && objects.has(key)) {
      response.writeHead(412, { 'content-type': 'application/xml' });
      response.end(
        '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
      );
      return;
    }
    objects.set(key, Buffer.concat(chunks));
    response.writeHead(200, { etag: '"etag"' }).end();
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('S3LakeStore.putIfAbsent against a server that enforces If-None-Match', () => {
  it('sends If-None-Match: * and reports false on 412, leaving the first object in place', async () => {
    const store = new S3LakeStore({ client, bucket: 'lake', prefix: 'p' });
    expect(store.enforcesConditionalCreate).toBe(true);
    expect(await store.putIfAbsent('datasets/x/v1/manifest.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('datasets/x/v1/manifest.json', 'second')).toBe(false);
    expect(seenIfNoneMatch.slice(-2)).toEqual(['*', '*']);
    expect([...objects].map(([key, body]) => [key, body.toString()])).toContainEqual([
      expect.stringMatching(/^\/lake\/p\/datasets\/x\/v1\/manifest\.json/),
      'first',
    ]);
  });

  it('propagates other failures instead of reporting the object as existing', async () => {
    const store = new S3LakeStore({ client, bucket: 'lake' });
    await expect(store.putIfAbsent('explode.json', 'x')).rejects.toThrow(/boom|InternalError/);
  });
});
