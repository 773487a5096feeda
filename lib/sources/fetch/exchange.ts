import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { FetchFailedError } from '../../core/errors.ts';
import type { FetchRequest } from '../fetch.ts';
import { type SpooledBody, spoolChunks } from '../spool.ts';
import { redactUrl } from '../url-guard.ts';
import type { FetchEnv } from './env.ts';

/** What one HTTP exchange returned: a status, headers and (for a 200) the body in memory or spooled. */
export interface ExchangeResult {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  spooled?: SpooledBody;
}

/** The request headers: a descriptive User-Agent, no compression, and the URL's own validators if asked. */
export function requestHeaders(
  env: FetchEnv,
  request: FetchRequest,
  sendValidators: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': env.userAgent,
    accept: '*/*',
    'accept-encoding': 'identity',
  };
  // Validators belong to the URL they were stored for; a redirect target gets an unconditional GET.
  if (sendValidators && request.validators?.etag) headers['if-none-match'] = request.validators.etag;
  if (sendValidators && request.validators?.lastModified)
    headers['if-modified-since'] = request.validators.lastModified;
  return headers;
}

/** Send the GET: to the loopback snapshot server (Host header kept) or over HTTPS with the guarded lookup. */
export function sendRequest(
  env: FetchEnv,
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing =
      env.mode === 'snapshot'
        ? http.request({
            host: '127.0.0.1',
            port: env.snapshotPort,
            method: 'GET',
            path: `${url.pathname}${url.search}`,
            headers: { ...headers, host: url.host },
            agent: env.agent,
            signal,
          })
        : https.request(url, { method: 'GET', headers, agent: env.agent, signal, lookup: env.lookup });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end();
  });
}

/** A response's headers with lower-case names, repeated headers joined. */
export function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The body's chunks, failing as soon as the total passes the cap (a declared oversize fails before reading). */
export async function* cappedBody(
  response: IncomingMessage,
  request: FetchRequest,
  url: URL,
  status: number,
): AsyncGenerator<Buffer> {
  const where = `${redactUrl(url.href)} (source ${request.sourceId})`;
  const overCap = (message: string) =>
    new FetchFailedError(message, request.sourceId, redactUrl(url.href), status);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    response.destroy();
    throw overCap(`Response for ${where} declares ${declared} bytes, over the cap of ${request.maxBytes}`);
  }
  let received = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > request.maxBytes) {
      response.destroy();
      throw overCap(
        `Response body for ${where} exceeded the byte cap of ${request.maxBytes} bytes while streaming`,
      );
    }
    yield chunk;
  }
}

/** A body up to this size is read and dropped when not wanted, so that its connection can serve the next request. */
const DRAIN_BYTES = 64 * 1024;

/**
 * Let go of a response whose body is not wanted (a 304, a redirect, an error). One without a body, or with a small
 * declared one, is drained, and its connection goes back to the pool for the next request (keep-alive: no new TCP
 * and TLS handshake for every 304 of a run that revalidates dozens of pages). Any other is cut: a large or
 * unannounced body is never read.
 */
function discard(response: IncomingMessage): void {
  const declared = Number(response.headers['content-length']);
  const bodiless = response.statusCode === 304 || response.statusCode === 204;
  if (bodiless || (Number.isFinite(declared) && declared <= DRAIN_BYTES)) {
    // Drained after the exchange has returned: a connection reset meanwhile loses nothing, and must not be an
    // unhandled 'error' event (that would end the process).
    response.on('error', () => {});
    response.resume();
  } else {
    response.destroy();
  }
}

/** One HTTP exchange, without redirects or retries; the host's concurrency slot is held throughout. */
export async function exchange(
  env: FetchEnv,
  url: URL,
  request: FetchRequest,
  signal: AbortSignal,
  sendValidators: boolean,
): Promise<ExchangeResult> {
  const release = await env.limiter.acquire(url.hostname);
  try {
    const response = await sendRequest(env, url, requestHeaders(env, request, sendValidators), signal);
    const headers = flattenHeaders(response);
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      discard(response);
      return { status, headers, body: new Uint8Array() };
    }
    const chunks = cappedBody(response, request, url, status);
    if (request.spoolDir !== undefined) {
      return {
        status,
        headers,
        body: new Uint8Array(),
        spooled: await spoolChunks(chunks, request.spoolDir),
      };
    }
    const buffers: Buffer[] = [];
    for await (const chunk of chunks) buffers.push(chunk);
    return { status, headers, body: new Uint8Array(Buffer.concat(buffers)) };
  } finally {
    release();
  }
}
