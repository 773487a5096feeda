import type { Command } from 'commander';
import { ClockBehindLakeError, LeaseHeldError } from '../../core/errors.ts';
import { createNotifier, parseNotifyTarget } from '../../feed/notify.ts';
import { openLake } from '../../lake/open.ts';
import type { LakeStore } from '../../lake/store.ts';
import { installSignalHandlers, onInterrupt } from '../../pipeline/interrupt.ts';
import type { RunOutcome } from '../../pipeline/outcome.ts';
import { createDefaultStages } from '../../pipeline/process.ts';
import type { PipelineStage } from '../../pipeline/run.ts';
import { EXIT_CODE_HELP, ExitCode, exitCodeFor } from '../exit-codes.ts';
import { checkLakeConfig } from './lake-options.ts';

/** Options shared by `run` and `replay`: where the lake is and where change events go. */
export interface PipelineCliOptions {
  lake: string;
  endpoint?: string;
  notify?: string;
  baseUrl?: string;
}

/** Add `--lake`, `--endpoint`, `--notify` and `--base-url` to a command, and the exit codes to its help. */
export function withPipelineOptions(command: Command): Command {
  return command
    .option('--lake <dir|s3://bucket/prefix>', 'the lake: a folder or an S3 location', './lake')
    .option('--endpoint <url>', 'S3/SNS-compatible endpoint (e.g. a local emulator)')
    .option('--notify <target>', 'also publish change events to SNS: sns:<topic-arn> (default: files only)')
    .option('--base-url <url>', 'public URL of the lake, for absolute links in events and feeds')
    .addHelpText('after', EXIT_CODE_HELP);
}

/** Lines the operator must see (warnings, lease takeovers, notifier failures): stderr. */
export const notice = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Build the lake store and the stages after acquire from the command-line options. */
export function pipelineFromOptions(options: PipelineCliOptions): {
  store: LakeStore;
  stages: PipelineStage[];
} {
  const endpoint = options.endpoint === undefined ? {} : { endpoint: options.endpoint };
  const store = openLake(options.lake, endpoint);
  const notifier = createNotifier(parseNotifyTarget(options.notify), { ...endpoint, log: notice });
  return {
    store,
    stages: createDefaultStages({ notifier, ...(options.baseUrl && { baseUrl: options.baseUrl }) }),
  };
}

/**
 * Run a pipeline command: stop cleanly on SIGINT/SIGTERM (exit 130/143, lease released, temporary files
 * removed), turn a held lease into exit 75 and an older clock into exit 1 with one line each, and set the exit
 * code from the outcome `work` returns.
 */
export async function runPipelineCommand(
  name: string,
  store: LakeStore,
  work: () => Promise<RunOutcome>,
): Promise<void> {
  await checkLakeConfig(store);
  const removeHandlers = installSignalHandlers();
  const disposeWrites = onInterrupt(() => {
    store.abandonWrites?.();
  });
  try {
    process.exitCode = exitCodeFor(await work());
  } catch (thrown) {
    if (thrown instanceof LeaseHeldError) {
      process.stderr.write(
        `ics-lake ${name}: skipped, another run is writing this lake. ${thrown.message}\n`,
      );
      process.exitCode = ExitCode.leaseHeld;
      return;
    }
    if (thrown instanceof ClockBehindLakeError) {
      process.stderr.write(`ics-lake ${name}: ${thrown.message}\n`);
      process.exitCode = ExitCode.error;
      return;
    }
    throw thrown;
  } finally {
    disposeWrites();
    removeHandlers();
  }
}
