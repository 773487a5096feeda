import { systemClock } from '../../core/clock.ts';
import { runOutcome } from '../../pipeline/outcome.ts';
import { createProgress } from '../../pipeline/progress.ts';
import { runSnapshot } from '../../pipeline/replay.ts';
import { type RunSummary, runPipeline } from '../../pipeline/run.ts';
import { summaryLine } from '../../pipeline/run-report.ts';
import { createFetcher } from '../../sources/fetch.ts';
import { resolveSnapshot } from '../../sources/snapshots.ts';
import type { ConfigureCommand } from './index.ts';
import {
  notice,
  type PipelineCliOptions,
  pipelineFromOptions,
  runPipelineCommand,
  withPipelineOptions,
} from './pipeline-options.ts';

interface RunOptions extends PipelineCliOptions {
  snapshot?: string;
  live?: boolean;
  only: string[];
}

/** `ics-lake run`: one pipeline run over a snapshot (default: the newest) or the live sources. */
export const configureRun: ConfigureCommand = (command) => {
  withPipelineOptions(command)
    .option('--snapshot <date|dir>', 'replay this snapshot (a date under ./snapshots, or a folder)')
    .option('--live', 'fetch the live sources over HTTPS (allowlisted hosts only)')
    .option(
      '--only <source-id>',
      'only this source (repeatable)',
      (id: string, ids: string[]) => [...ids, id],
      [],
    )
    .action(async (options: RunOptions) => {
      if (options.live && options.snapshot) throw new Error('--live and --snapshot cannot be combined');
      const { store, stages } = pipelineFromOptions(options);
      const progress = createProgress(process.stdout);
      // The lease expires by the wall clock even when a snapshot's date drives the run's own clock.
      const common = {
        store,
        only: options.only,
        progress,
        stages,
        lease: { clock: systemClock },
        log: () => {},
        notice,
      };
      await runPipelineCommand('run', store, async () => {
        let summary: RunSummary;
        if (options.live) {
          const fetcher = createFetcher({ mode: 'live' });
          try {
            summary = await runPipeline({ ...common, clock: systemClock, fetcher, mode: 'live' });
          } finally {
            fetcher.close();
          }
        } else {
          const snapshot = resolveSnapshot(options.snapshot);
          progress.line(`Replaying snapshot ${snapshot.date} into ${store.location}`);
          summary = await runSnapshot(snapshot, common);
        }
        progress.finish();
        progress.line(summaryLine(summary.report));
        progress.line(`report: ${summary.reportKey}`);
        const { outcome, reasons } = runOutcome(summary.report);
        for (const reason of reasons) process.stderr.write(`ics-lake run: ${reason}\n`);
        return outcome;
      });
    });
};
