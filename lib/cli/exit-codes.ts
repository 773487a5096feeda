import type { RunOutcome } from '../pipeline/outcome.ts';

/**
 * The CLI's exit codes (also in the README and `ics-lake --help`):
 *
 * | code | meaning |
 * |---|---|
 * | 0 | all well |
 * | 1 | the command failed: bad arguments, a damaged or missing lake, an older run refused, a document that failed to parse |
 * | 2 | some sources failed; the published data fell back to their last good documents |
 * | 3 | the run failed: nothing could be fetched, or a stage failed |
 * | 4 | change events were not delivered to the notifier (SNS); they stay pending for the next run |
 * | 75 | another run holds the lake's lease (EX_TEMPFAIL: try again later) |
 * | 130, 143 | stopped by SIGINT or SIGTERM (uncommitted work discarded, lease released) |
 */
export const ExitCode = {
  ok: 0,
  error: 1,
  sourcesFailed: 2,
  runFailed: 3,
  notifyFailed: 4,
  leaseHeld: 75,
} as const;

/** The exit code for a run outcome. */
export function exitCodeFor(outcome: RunOutcome): number {
  switch (outcome) {
    case 'ok':
      return ExitCode.ok;
    case 'sources_failed':
      return ExitCode.sourcesFailed;
    case 'notify_failed':
      return ExitCode.notifyFailed;
    case 'run_failed':
      return ExitCode.runFailed;
  }
}

/** The table above, for `--help`. */
export const EXIT_CODE_HELP = `
Exit codes:
  0        all well
  1        the command failed (bad arguments, damaged or missing lake, an older run refused, a parse error)
  2        some sources failed; published data fell back to their last good documents
  3        the run failed: nothing could be fetched, or a stage failed
  4        change events were not delivered to the notifier; they stay pending for the next run
  75       another run holds the lake's lease (try again later, or ics-lake unlock)
  130/143  stopped by SIGINT/SIGTERM (uncommitted work discarded, lease released)`;
