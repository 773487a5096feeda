import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DatasetDefinition } from '../lib/core/dataset.ts';
import { type Notifier, SnsNotifier } from '../lib/feed/notify.ts';
import { runFeedStage } from '../lib/feed/publish-feed.ts';
import type { LakeStore } from '../lib/lake/store.ts';
import { S3LakeStore } from '../lib/lake/stores/s3.ts';
import { datasetDefinitions } from '../lib/normalise/datasets.ts';
import { addStageToRunReport } from '../lib/pipeline/run-parts.ts';
import { FeedInput, type FeedOutcome } from '../lib/pipeline/stages.ts';
import { readHandlerEnvironment } from './shared/environment.ts';
import { runMetricNames } from './shared/metric-names.ts';
import { logger, metrics } from './shared/observability.ts';

/** The adapters the feed task runs with; tests pass emulator-backed ones. */
export interface FeedHandlerDeps {
  store: LakeStore;
  notifier: Notifier;
  definitions: readonly DatasetDefinition[];
  /** Where the NotificationsFailed metric goes (alarmed when > 0). */
  metrics?: Metrics;
  /** The public address of the lake, so feed links and `dataschema` are absolute. */
  baseUrl?: string;
}

/** Step Functions task after process: append the change events of new versions to the feed, then notify. */
export function createFeedHandler(deps: FeedHandlerDeps): (event: unknown) => Promise<FeedOutcome> {
  return async (event) => {
    const input = FeedInput.parse(event);
    const options = deps.baseUrl === undefined ? {} : { baseUrl: deps.baseUrl };
    const result = await runFeedStage(deps.store, deps.definitions, deps.notifier, options);
    // Events the notifier gave up on stay pending in the feed index and are sent by the next run.
    if (result.failed > 0) logger.warn('change events not yet notified', { runId: input.runId, ...result });
    deps.metrics?.addMetric(runMetricNames.notificationsFailed, MetricUnit.Count, result.failed);
    deps.metrics?.publishStoredMetrics();
    const outcome: FeedOutcome = { runId: input.runId, events: result.events, notified: result.notified };
    await addStageToRunReport(deps.store, input.runId, 'feed', result);
    logger.info('feed written', { outcome });
    return outcome;
  };
}

const environment = readHandlerEnvironment();
if (environment.CHANGE_TOPIC_ARN === undefined)
  throw new Error('Lambda environment: CHANGE_TOPIC_ARN is not set');
export const handler = createFeedHandler({
  store: new S3LakeStore({ client: new S3Client({}), bucket: environment.LAKE_BUCKET }),
  notifier: new SnsNotifier({
    client: new SNSClient({}),
    topicArn: environment.CHANGE_TOPIC_ARN,
    log: (line) => logger.warn(line),
  }),
  definitions: datasetDefinitions,
  metrics,
  ...(environment.PUBLIC_BASE_URL === undefined ? {} : { baseUrl: environment.PUBLIC_BASE_URL }),
});
