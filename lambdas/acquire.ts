import { S3Client } from '@aws-sdk/client-s3';
import { type Clock, systemClock } from '../lib/core/clock.ts';
import type { LakeStore } from '../lib/lake/store.ts';
import { S3LakeStore } from '../lib/lake/stores/s3.ts';
import { acquireSourceDetailed } from '../lib/pipeline/acquire.ts';
import { writeSourcePart } from '../lib/pipeline/run-parts.ts';
import type { RequestRecord } from '../lib/pipeline/run-report.ts';
import { AcquireInput, type SourceOutcome } from '../lib/pipeline/stages.ts';
import { createFetcher, type Fetcher } from '../lib/sources/fetch.ts';
import { readHandlerEnvironment } from './shared/environment.ts';
import { logger } from './shared/observability.ts';

/** The adapters the acquire task runs with; tests pass emulator-backed ones. */
export interface AcquireHandlerDeps {
  store: LakeStore;
  fetcher: Fetcher;
  clock: Clock;
}

/** Step Functions task for one Map item: fetch one source into the raw zone and return its outcome. */
export function createAcquireHandler(deps: AcquireHandlerDeps): (event: unknown) => Promise<SourceOutcome> {
  return async (event) => {
    const input = AcquireInput.parse(event);
    const started = Date.now();
    const requests: RequestRecord[] = [];
    const detail = await acquireSourceDetailed(input, {
      ...deps,
      requests,
      log: (line) => logger.info(line, { runId: input.runId, sourceId: input.sourceId }),
    });
    const { outcome } = detail;
    await writeSourcePart(deps.store, input.runId, {
      source: {
        ...outcome,
        ...(detail.errorCode && { errorCode: detail.errorCode }),
        ms: Date.now() - started,
      },
      requests,
      quarantine: detail.quarantined ?? [],
    });
    logger.info('source acquired', { runId: input.runId, outcome });
    return outcome;
  };
}

// Built once per container: the client, store and fetcher (with its connection pool) outlive invocations.
const environment = readHandlerEnvironment();
export const handler = createAcquireHandler({
  store: new S3LakeStore({ client: new S3Client({}), bucket: environment.LAKE_BUCKET }),
  fetcher: createFetcher({ mode: 'live' }),
  clock: systemClock,
});
