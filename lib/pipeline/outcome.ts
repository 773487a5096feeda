import type { RunReport } from './run-report.ts';

/**
 * How a run ended, for exit codes and alarms. In order of precedence when several apply:
 * - `run_failed`: the run itself failed (a stage threw, the lake failed) or no source could be fetched at all;
 * - `sources_failed`: some sources failed; the datasets were built from their last good documents;
 * - `notify_failed`: the feed was written but some change events were not delivered to the notifier (they stay
 *   pending and are sent again by the next run);
 * - `ok`: everything worked (documents may still have been quarantined; the report lists them).
 */
export type RunOutcome = 'ok' | 'sources_failed' | 'notify_failed' | 'run_failed';

const PRECEDENCE: readonly RunOutcome[] = ['run_failed', 'sources_failed', 'notify_failed', 'ok'];

/** The outcome of one run, with one line per reason. */
export function runOutcome(report: RunReport): { outcome: RunOutcome; reasons: string[] } {
  const reasons: string[] = [];
  const failed = report.sources.filter((source) => source.status === 'failed');
  let outcome: RunOutcome = 'ok';
  const raise = (next: RunOutcome) => {
    if (PRECEDENCE.indexOf(next) < PRECEDENCE.indexOf(outcome)) outcome = next;
  };
  if (report.status === 'failed') {
    raise('run_failed');
    reasons.push(`the run failed: ${report.error ?? 'unknown error'}`);
  }
  if (failed.length > 0 && failed.length === report.sources.length) {
    raise('run_failed');
    reasons.push(`nothing could be fetched: all ${failed.length} sources failed`);
  } else if (failed.length > 0) {
    raise('sources_failed');
    reasons.push(
      `${failed.length} of ${report.sources.length} sources failed (datasets use their last good documents): ${failed.map((source) => source.sourceId).join(', ')}`,
    );
  }
  for (const source of failed) reasons.push(`  ${source.sourceId}: ${source.error ?? 'failed'}`);
  const feed = report.stages.feed as { failed?: number; notified?: number } | null | undefined;
  if (feed !== undefined && feed !== null && (feed.failed ?? 0) > 0) {
    raise('notify_failed');
    reasons.push(
      `${feed.failed} change events were not delivered to the notifier (${feed.notified ?? 0} were); they will be sent again by the next run`,
    );
  }
  return { outcome, reasons };
}

/** The most severe of several outcomes (a replay's runs). */
export function worstOutcome(outcomes: readonly RunOutcome[]): RunOutcome {
  return PRECEDENCE.find((candidate) => outcomes.includes(candidate)) ?? 'ok';
}
