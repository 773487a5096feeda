import { systemClock } from '../../core/clock.ts';
import { LeaseHeldError } from '../../core/errors.ts';
import { LEASE_HELD_EXIT_CODE } from '../../pipeline/lease.ts';
import { createProgress } from '../../pipeline/progress.ts';
import { replaySnapshots } from '../../pipeline/replay.ts';
import { summaryLine } from '../../pipeline/run-report.ts';
import type { RegisterCommand } from './index.ts';
import { type PipelineCliOptions, pipelineFromOptions, withPipelineOptions } from './pipeline-options.ts';

/** `ics-lake replay`: run the pipeline once per bundled snapshot, oldest first, each at its own date. */
export const registerReplay: RegisterCommand = (program) => {
  withPipelineOptions(program.command('replay'))
    .description('replay every bundled snapshot, oldest first, so the lake builds up real history')
    .option('--snapshots <dir>', 'the folder holding the dated snapshots', 'snapshots')
    .action(async (options: PipelineCliOptions & { snapshots: string }) => {
      const { store, stages } = pipelineFromOptions(options);
      const progress = createProgress(process.stdout);
      const started = performance.now();
      let summaries: Awaited<ReturnType<typeof replaySnapshots>>;
      try {
        summaries = await replaySnapshots({
          root: options.snapshots,
          store,
          progress,
          stages,
          // The lease expires by the wall clock, not by the replayed snapshot's date.
          lease: { clock: systemClock },
          onSnapshot: (ref) => progress.line(`== snapshot ${ref.date} -> ${store.location}`),
        });
      } catch (thrown) {
        if (!(thrown instanceof LeaseHeldError)) throw thrown;
        progress.finish();
        process.stderr.write(
          `ics-lake replay: skipped, another run is writing this lake. ${thrown.message}\n`,
        );
        process.exitCode = LEASE_HELD_EXIT_CODE;
        return;
      }
      for (const summary of summaries) progress.line(summaryLine(summary.report));
      const failed = summaries.find((summary) => summary.status === 'failed');
      progress.line(
        `replayed ${summaries.length} snapshot(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      if (failed) {
        process.stderr.write(
          `ics-lake replay: run ${failed.runId} failed: ${failed.report.error ?? 'unknown error'}\n`,
        );
        process.exitCode = 1;
      }
    });
};
