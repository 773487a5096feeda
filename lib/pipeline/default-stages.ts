import type { PipelineStage } from './run.ts';

/** The stages `ics-lake run` and `replay` run after acquire, in order. Later issues append parse, normalise, publish, feed. */
export const defaultStages: PipelineStage[] = [];
