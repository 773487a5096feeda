import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { SnapshotResource } from './snapshot-manifest.ts';
import { type LoadedSnapshot, loadSnapshot } from './snapshots.ts';

/** One request the snapshot server answered, for tests that count hits. */
export interface SnapshotRequestLogEntry {
  method: string;
  /** The live URL the request stood for (`https://<host><path>`), or the raw path when it named none. */
  url: string;
  status: number;
  /** The User-Agent the client sent. */
  userAgent: string | undefined;
  /** The validators the client sent (a conditional GET carries at least one). */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/** A running snapshot server. */
export interface SnapshotServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  snapshot: LoadedSnapshot;
  /** Every request answered, in order. */
  requests: SnapshotRequestLogEntry[];
  /** TCP connections accepted so far (a client that keeps connections alive opens few). */
  readonly connections: number;
  close(): Promise<void>;
}

export interface SnapshotServerOptions {
  /** The snapshot folder (holding manifest.json). */
  dir: string;
  /** Port to listen on (default 0: any free port). Always bound to 127.0.0.1. */
  port?: number;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A resource's lookup key: host and path with query, scheme ignored (snapshot mode maps https to loopback http). */
export function resourceKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname.toLowerCase()}${parsed.pathname}${parsed.search}`;
}

/** What the server holds while it runs: the snapshot, its resources by key, cached bodies and the request log. */
interface ServedSnapshot {
  snapshot: LoadedSnapshot;
  byKey: Map<string, SnapshotResource>;
  /** How many simulated failures each resource has served so far. */
  failuresServed: Map<string, number>;
  bodies: Map<string, { bytes: Buffer; etag: string }>;
  requests: SnapshotRequestLogEntry[];
  /**
   * Every answer carries the snapshot's own date (noon UTC, like the replay clock), so provenance sidecars that
   * keep the Date header are byte-identical whenever the snapshot is replayed.
   */
  date: string;
}

/** A resource's body (its file, or simulated filler) with a content-derived ETag, read once. */
async function bodyOf(
  served: ServedSnapshot,
  resource: SnapshotResource,
): Promise<{ bytes: Buffer; etag: string } | undefined> {
  const cached = served.bodies.get(resource.url);
  if (cached) return cached;
  let bytes: Buffer;
  if (resource.file !== undefined) {
    const file = path.resolve(served.snapshot.dir, resource.file);
    if (!file.startsWith(served.snapshot.dir + path.sep)) {
      throw new RangeError(
        `Snapshot resource ${resource.url} names a file outside the snapshot: ${resource.file}`,
      );
    }
    bytes = await readFile(file);
  } else if (resource.simulate?.fillerBytes !== undefined) {
    bytes = Buffer.alloc(resource.simulate.fillerBytes, 0x78);
  } else {
    return undefined;
  }
  const body = { bytes, etag: `"${createHash('sha256').update(bytes).digest('hex')}"` };
  served.bodies.set(resource.url, body);
  return body;
}

/** The HTML index of a snapshot, served at `/` on a loopback name. */
function indexPage(snapshot: LoadedSnapshot): string {
  const items = snapshot.resources
    .map((resource) => {
      const key = resourceKey(resource.url);
      return `<li><a href="/${escapeHtml(key)}">${escapeHtml(resource.url)}</a> (${resource.status})</li>`;
    })
    .join('\n');
  return `<!doctype html><title>Snapshot ${snapshot.date}</title><h1>Snapshot ${snapshot.date}</h1><p>${escapeHtml(snapshot.description)}</p><ul>\n${items}\n</ul>\n`;
}

/**
 * The resource key a request asks for: the Host header and path as the live URL (`www.example.org/path`), or,
 * on a loopback name, the path itself (`/www.example.org/path`); null for the loopback index page.
 */
function requestedKey(request: IncomingMessage): string | null {
  const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  const url = request.url ?? '/';
  if (!LOOPBACK_NAMES.has(host)) return `${host}${url}`;
  return url === '/' ? null : url.slice(1);
}

/** Serve a simulated failure if the resource still has some to give; true when one was served. */
function serveSimulatedFailure(
  served: ServedSnapshot,
  resource: SnapshotResource,
  response: ServerResponse,
  method: string,
  record: (status: number) => void,
): boolean {
  const failFirst = resource.simulate?.failFirst;
  if (!failFirst) return false;
  const count = served.failuresServed.get(resource.url) ?? 0;
  if (count >= failFirst.count) return false;
  served.failuresServed.set(resource.url, count + 1);
  record(failFirst.status);
  response.writeHead(failFirst.status, { 'content-type': 'text/plain; charset=utf-8', ...failFirst.headers });
  response.end(method === 'HEAD' ? undefined : `simulated failure ${count + 1}\n`);
  return true;
}

/** The response headers of a resource as the manifest describes it (redirect, type, validators). */
function resourceHeaders(
  served: ServedSnapshot,
  resource: SnapshotResource,
  body: { etag: string } | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { date: served.date, ...resource.headers };
  if (resource.status >= 300 && resource.status < 400 && resource.location)
    headers.location = resource.location;
  if (resource.contentType) headers['content-type'] = resource.contentType;
  if (resource.lastModified) headers['last-modified'] = resource.lastModified;
  if (body && resource.status === 200) headers.etag = resource.etag ?? body.etag;
  else if (resource.etag) headers.etag = resource.etag;
  return headers;
}

/** Serve a resource: 304 for a matching validator, else its status, headers and body (with any misbehaviour). */
async function serveResource(
  served: ServedSnapshot,
  resource: SnapshotResource,
  request: IncomingMessage,
  response: ServerResponse,
  record: (status: number) => void,
): Promise<void> {
  const method = request.method ?? 'GET';
  const simulate = resource.simulate;
  const body = await bodyOf(served, resource);
  const headers = resourceHeaders(served, resource, body);
  if (
    body &&
    resource.status === 200 &&
    headers.etag &&
    isNotModified(request, headers.etag, resource.lastModified)
  ) {
    record(304);
    response.writeHead(304, {
      etag: headers.etag,
      ...(resource.lastModified && { 'last-modified': resource.lastModified }),
    });
    response.end();
    return;
  }
  const bytes = body?.bytes ?? Buffer.alloc(0);
  record(resource.status);
  if (simulate?.declaredLength !== undefined) {
    writeRawResponse(
      request,
      resource.status,
      headers,
      simulate.declaredLength,
      method === 'HEAD' ? undefined : bytes,
    );
    return;
  }
  if (!simulate?.omitLength) headers['content-length'] = String(bytes.length);
  response.writeHead(resource.status, headers);
  if (method === 'HEAD') {
    response.end();
    return;
  }
  await sendBody(response, bytes, simulate?.drip, simulate?.resetAfterBytes);
}

/** Answer one request: the loopback index, a 404/405, a simulated failure, or the resource. */
async function handle(
  served: ServedSnapshot,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.sendDate = false;
  response.setHeader('date', served.date);
  const method = request.method ?? 'GET';
  const userAgent = request.headers['user-agent'];
  const key = requestedKey(request);
  if (key === null) {
    served.requests.push({ method, url: request.url ?? '/', status: 200, userAgent });
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(method === 'HEAD' ? undefined : indexPage(served.snapshot));
    return;
  }
  const resource = served.byKey.get(key);
  const liveUrl = `https://${key}`;
  const { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince } = request.headers;
  const record = (status: number) =>
    served.requests.push({
      method,
      url: liveUrl,
      status,
      userAgent,
      ...(ifNoneMatch !== undefined && { ifNoneMatch }),
      ...(ifModifiedSince !== undefined && { ifModifiedSince }),
    });
  if (!resource || (method !== 'GET' && method !== 'HEAD')) {
    const status = resource ? 405 : 404;
    record(status);
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(
      method === 'HEAD' ? undefined : `${status}: ${liveUrl} is not in snapshot ${served.snapshot.date}\n`,
    );
    return;
  }
  if (serveSimulatedFailure(served, resource, response, method, record)) return;
  await serveResource(served, resource, request, response, record);
}

/**
 * Serve a snapshot on 127.0.0.1. Requests are routed by their Host header plus path and query; a request whose
 * Host is the loopback address itself may name the live host as the first path segment (for browsing).
 */
export async function startSnapshotServer(options: SnapshotServerOptions): Promise<SnapshotServer> {
  const snapshot = await loadSnapshot(options.dir);
  const served: ServedSnapshot = {
    snapshot,
    byKey: new Map(snapshot.resources.map((resource) => [resourceKey(resource.url), resource])),
    failuresServed: new Map(),
    bodies: new Map(),
    requests: [],
    date: new Date(`${snapshot.date}T12:00:00Z`).toUTCString(),
  };
  const server = createServer((request, response) => {
    handle(served, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`snapshot server error: ${error instanceof Error ? error.message : String(error)}\n`);
      } else {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    snapshot,
    requests: served.requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isNotModified(request: IncomingMessage, etag: string, lastModified: string | undefined): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const wanted = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return wanted.includes('*') || wanted.includes(etag.replace(/^W\//, ''));
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince !== undefined && lastModified !== undefined) {
    const since = Date.parse(ifModifiedSince);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** Write a response by hand, so its Content-Length can disagree with the body (Node's server refuses to). */
function writeRawResponse(
  request: IncomingMessage,
  status: number,
  headers: Record<string, string>,
  declaredLength: number,
  body: Buffer | undefined,
): void {
  const lines = [
    `HTTP/1.1 ${status} X`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  lines.push(`content-length: ${declaredLength}`, 'connection: close', '', '');
  const socket = request.socket;
  socket.write(lines.join('\r\n'));
  if (body) socket.write(body);
  socket.end();
}

async function sendBody(
  response: ServerResponse,
  bytes: Buffer,
  drip: { chunkBytes: number; intervalMs: number } | undefined,
  resetAfterBytes: number | undefined,
): Promise<void> {
  const limit = resetAfterBytes ?? bytes.length;
  const chunkBytes = drip?.chunkBytes ?? 64 * 1024;
  let sent = 0;
  while (sent < Math.min(limit, bytes.length)) {
    if (response.destroyed || response.socket?.destroyed) return;
    const end = Math.min(sent + chunkBytes, limit, bytes.length);
    const flushed = response.write(bytes.subarray(sent, end));
    sent = end;
    if (drip && drip.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, drip.intervalMs));
    else if (!flushed) {
      await new Promise<void>((resolve) => {
        const settle = () => {
          response.off('drain', settle);
          response.off('close', settle);
          resolve();
        };
        response.on('drain', settle);
        response.on('close', settle);
      });
    }
  }
  if (resetAfterBytes !== undefined && resetAfterBytes < bytes.length) {
    const socket = response.socket;
    if (socket && 'resetAndDestroy' in socket && typeof socket.resetAndDestroy === 'function')
      socket.resetAndDestroy();
    else socket?.destroy();
    return;
  }
  response.end();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
