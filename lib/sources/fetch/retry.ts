import { FetchFailedError, FetchRefusedError } from '../../core/errors.ts';
import type { FetchRequest, FetchResult } from '../fetch.ts';
import { redactUrl } from '../url-guard.ts';
import { type FetchEnv, RetryableError } from './env.ts';
import { fetchOnce } from './redirects.ts';

/** How one failed attempt ends the request, or that it may be retried. */
type Verdict = { final: FetchRefusedError | FetchFailedError } | { retry: RetryableError };

/** Sort an attempt's error: refusals and definite failures are final; everything else may be retried. */
export function classifyAttemptError(error: unknown, request: FetchRequest): Verdict {
  const safeUrl = redactUrl(request.url);
  if (error instanceof FetchRefusedError) {
    return {
      final:
        error.sourceId === undefined
          ? new FetchRefusedError(
              `${error.message} (source ${request.sourceId}, URL ${safeUrl})`,
              request.sourceId,
              safeUrl,
            )
          : error,
    };
  }
  if (error instanceof FetchFailedError) return { final: error };
  if (error instanceof RetryableError) return { retry: error };
  return {
    retry: new RetryableError(`network error: ${error instanceof Error ? error.message : String(error)}`),
  };
}

/** The wait before attempt `attempt + 1`: the server's Retry-After, else exponential backoff with full jitter. */
export function retryDelay(env: FetchEnv, attempt: number, retryable: RetryableError): number {
  if (retryable.retryAfterMs !== undefined) return Math.max(retryable.retryAfterMs, 0);
  return env.random() * Math.min(env.maxDelayMs, env.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * A request with retries: each attempt follows redirects; 5xx, 429 and network errors are retried up to
 * `maxAttempts` with backoff, all within the request's overall deadline (which also bounds body transfer).
 */
export async function fetchWithRetries(env: FetchEnv, request: FetchRequest): Promise<FetchResult> {
  const started = env.now();
  const deadline = AbortSignal.timeout(request.deadlineMs);
  const safeUrl = redactUrl(request.url);
  let lastStatus: number | undefined;
  const failure = (error: FetchRefusedError | FetchFailedError, attempts: number): FetchResult => ({
    ok: false,
    requestedUrl: request.url,
    error,
    attempts,
    ms: env.now() - started,
    ...(lastStatus !== undefined && { status: lastStatus }),
  });
  const failed = (attempt: number, cause: string, reason: string) =>
    failure(
      new FetchFailedError(
        `Fetching ${safeUrl} for source ${request.sourceId} failed after ${attempt} attempt(s): ${cause}; ${reason}`,
        request.sourceId,
        safeUrl,
        lastStatus,
      ),
      attempt,
    );
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetchOnce(env, request, deadline);
      return { ok: true, ...response, attempts: attempt, ms: env.now() - started };
    } catch (error) {
      if (deadline.aborted) {
        return failure(
          new FetchFailedError(
            `Fetching ${safeUrl} for source ${request.sourceId} failed: overall deadline of ${request.deadlineMs} ms exceeded (attempt ${attempt})`,
            request.sourceId,
            safeUrl,
            lastStatus,
          ),
          attempt,
        );
      }
      const verdict = classifyAttemptError(error, request);
      if ('final' in verdict) {
        if (verdict.final instanceof FetchFailedError) lastStatus = verdict.final.status ?? lastStatus;
        return failure(verdict.final, attempt);
      }
      lastStatus = verdict.retry.status ?? lastStatus;
      if (attempt >= env.maxAttempts) return failed(attempt, verdict.retry.message, 'retry limit reached');
      const wait = retryDelay(env, attempt, verdict.retry);
      if (env.now() + wait >= started + request.deadlineMs) {
        return failed(
          attempt,
          verdict.retry.message,
          `waiting ${Math.round(wait)} ms before retrying would pass the ${request.deadlineMs} ms deadline`,
        );
      }
      try {
        await env.sleep(wait, deadline);
      } catch {
        return failed(
          attempt,
          verdict.retry.message,
          `the ${request.deadlineMs} ms deadline passed while waiting to retry`,
        );
      }
    }
  }
}
