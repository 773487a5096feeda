import { systemClock } from '../../core/clock.ts';
import { runOutcome, worstOutcome } from '../../pipeline/outcome.ts';
import { createProgress } from '../../pipeline/progress.ts';
import { type ReplayPlan, replaySnapshots } from '../../pipeline/replay.ts';
import { summaryLine } from '../../pipeline/run-report.ts';
import type { ConfigureCommand } from './index.ts';
import {
  notice,
  type PipelineCliOptions,
  pipelineFromOptions,
  runPipelineCommand,
  withPipelineOptions,
} from './pipeline-options.ts';

/** One line saying where a replay starts. */
function planLine(plan: ReplayPlan, location: string): string {
  const newest = plan.timeline?.newest_run_at;
  if (plan.pending.length === 0)
    return `nothing to replay: ${location} already holds every snapshot (newest run ${newest})`;
  if (plan.done.length === 0) return `replaying ${plan.pending.length} snapshot(s) into ${location}`;
  return `resuming at snapshot ${plan.pending[0]?.date}: ${location} already holds ${plan.done.length} snapshot(s) up to ${newest}${plan.timeline?.completed ? '' : ' (that run did not complete)'}`;
}

/** `ics-lake replay`: run the pipeline once per bundled snapshot not yet in the lake, oldest first. */
export const configureReplay: ConfigureCommand = (command) => {
  withPipelineOptions(command)
    .option('--snapshots <dir>', 'the folder holding the dated snapshots', 'snapshots')
    .action(async (options: PipelineCliOptions & { snapshots: string }) => {
      const { store, stages } = pipelineFromOptions(options);
      const progress = createProgress(process.stdout);
      const started = performance.now();
      await runPipelineCommand('replay', store, async () => {
        const summaries = await replaySnapshots({
          root: options.snapshots,
          store,
          progress,
          stages,
          log: () => {},
          notice,
          // The lease expires by the wall clock, not by the replayed snapshot's date.
          lease: { clock: systemClock },
          onPlan: (plan) => progress.line(planLine(plan, store.location)),
          onSnapshot: (ref) => progress.line(`== snapshot ${ref.date} -> ${store.location}`),
        });
        const outcomes = summaries.map((summary) => {
          progress.line(summaryLine(summary.report));
          const { outcome, reasons } = runOutcome(summary.report);
          for (const reason of reasons)
            process.stderr.write(`ics-lake replay: ${summary.runId}: ${reason}\n`);
          return outcome;
        });
        progress.line(
          `replayed ${summaries.length} snapshot(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        return worstOutcome(outcomes);
      });
    });
};
