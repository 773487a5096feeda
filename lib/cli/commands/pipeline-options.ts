import type { Command } from 'commander';
import { createNotifier, parseNotifyTarget } from '../../feed/notify.ts';
import { openLake } from '../../lake/open.ts';
import type { LakeStore } from '../../lake/store.ts';
import { createDefaultStages } from '../../pipeline/process.ts';
import type { PipelineStage } from '../../pipeline/run.ts';

/** Options shared by `run` and `replay`: where the lake is and where change events go. */
export interface PipelineCliOptions {
  lake: string;
  endpoint?: string;
  notify?: string;
  baseUrl?: string;
}

/** Add `--lake`, `--endpoint`, `--notify` and `--base-url` to a command. */
export function withPipelineOptions(command: Command): Command {
  return command
    .option('--lake <dir|s3://bucket/prefix>', 'the lake: a folder or an S3 location', './lake')
    .option('--endpoint <url>', 'S3/SNS-compatible endpoint (e.g. a local emulator)')
    .option('--notify <target>', 'also publish change events to SNS: sns:<topic-arn> (default: files only)')
    .option('--base-url <url>', 'public URL of the lake, for absolute links in events and feeds');
}

/** Build the lake store and the stages after acquire from the command-line options. */
export function pipelineFromOptions(options: PipelineCliOptions): {
  store: LakeStore;
  stages: PipelineStage[];
} {
  const endpoint = options.endpoint === undefined ? {} : { endpoint: options.endpoint };
  const store = openLake(options.lake, endpoint);
  const notifier = createNotifier(parseNotifyTarget(options.notify), endpoint);
  return {
    store,
    stages: createDefaultStages({ notifier, ...(options.baseUrl && { baseUrl: options.baseUrl }) }),
  };
}
