import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

// Created once per container; service name and namespace come from POWERTOOLS_* variables set by the stack.
/** The handlers' structured logger. */
export const logger = new Logger();
/** The handlers' EMF metrics (flushed with `metrics.publishStoredMetrics()`). */
export const metrics = new Metrics();
