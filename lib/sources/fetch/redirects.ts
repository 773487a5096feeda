import { FetchFailedError, FetchRefusedError } from '../../core/errors.ts';
import type { FetchRequest, FetchResponse } from '../fetch.ts';
import { checkUrl, redactUrl } from '../url-guard.ts';
import { type FetchEnv, RetryableError } from './env.ts';
import { type ExchangeResult, exchange } from './exchange.ts';
import { parseRetryAfter } from './retry-after.ts';

/** At most this many redirects are followed per request. */
export const MAX_REDIRECTS = 5;

const isRedirect = (status: number) => status >= 300 && status < 400 && status !== 304;

/**
 * Where a redirect may go: the Location resolved against the current URL, re-checked against the source's
 * allowlist and SSRF guards, at most {@link MAX_REDIRECTS} hops, never back to a URL already visited.
 */
export function redirectTarget(
  env: FetchEnv,
  request: FetchRequest,
  from: URL,
  answer: ExchangeResult,
  visited: ReadonlySet<string>,
  hops: number,
): URL {
  const refuse = (reason: string) =>
    new FetchRefusedError(
      `Refused redirect from ${redactUrl(from.href)} (source ${request.sourceId}, requested ${redactUrl(request.url)}): ${reason}`,
      request.sourceId,
      redactUrl(request.url),
    );
  const location = answer.headers.location;
  if (!location) throw refuse(`status ${answer.status} without a Location header`);
  if (hops >= MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
  let target: string;
  try {
    target = new URL(location, from).href;
  } catch {
    throw refuse(`unparseable Location ${JSON.stringify(location)}`);
  }
  // A relative Location is resolved against the current URL, but an absolute one is checked as sent, so the
  // raw-text guards (look-alike hosts, credentials) see what the server wrote.
  let next: URL;
  try {
    next = checkUrl(/^[a-z][a-z0-9+.-]*:/i.test(location) ? location : target, policyOf(env, request));
  } catch (error) {
    if (!(error instanceof FetchRefusedError)) throw error;
    throw refuse(
      `target ${redactUrl(target)} refused: ${error.message.replace(/^Refused to fetch \S+ for source \S+: /, '')}`,
    );
  }
  if (visited.has(next.href)) throw refuse(`redirect loop back to ${redactUrl(next.href)}`);
  return next;
}

/** What a final (non-redirect) answer means: a response, a retryable failure, or a final failure. */
export function finalAnswer(
  env: FetchEnv,
  request: FetchRequest,
  url: URL,
  answer: ExchangeResult,
): Omit<FetchResponse, 'requestedUrl' | 'attempts' | 'redirects' | 'ms'> {
  const { status } = answer;
  if (status === 429 || status >= 500) {
    throw new RetryableError(
      `HTTP ${status} from ${redactUrl(url.href)}`,
      status,
      parseRetryAfter(answer.headers['retry-after'], answer.headers.date, env.now),
    );
  }
  if (status !== 200 && status !== 304) {
    throw new FetchFailedError(
      `Fetching ${redactUrl(url.href)} for source ${request.sourceId} failed: HTTP ${status} (expected 200 or 304)`,
      request.sourceId,
      redactUrl(request.url),
      status,
    );
  }
  return {
    finalUrl: url.href,
    status,
    notModified: status === 304,
    headers: answer.headers,
    body: answer.body,
    ...(answer.spooled && { spooled: answer.spooled }),
  };
}

/** One attempt: the exchange, following allowed redirects, to a final answer. */
export async function fetchOnce(
  env: FetchEnv,
  request: FetchRequest,
  signal: AbortSignal,
): Promise<FetchResponse> {
  const started = env.now();
  let url = checkUrl(request.url, policyOf(env, request));
  const visited = new Set<string>([url.href]);
  const redirects: string[] = [];
  for (;;) {
    const answer = await exchange(env, url, request, signal, redirects.length === 0);
    if (!isRedirect(answer.status)) {
      return {
        ...finalAnswer(env, request, url, answer),
        requestedUrl: request.url,
        attempts: 1,
        redirects,
        ms: env.now() - started,
      };
    }
    const next = redirectTarget(env, request, url, answer, visited, redirects.length);
    visited.add(next.href);
    redirects.push(url.href);
    url = next;
  }
}

function policyOf(env: FetchEnv, request: FetchRequest) {
  return { mode: env.mode, allowedHosts: request.allowedHosts, sourceId: request.sourceId };
}
