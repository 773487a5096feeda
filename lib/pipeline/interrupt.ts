/**
 * What a run must undo when the process is told to stop (SIGINT, SIGTERM): release its lease, drop the
 * temporary files of writes in flight, remove scratch folders. Work that was never committed needs no undoing:
 * nothing is visible before its commit point, and the next run sweeps the leftovers.
 *
 * Signals belong to the whole process, so the registry does too. Library code registers a cleanup while it
 * holds something and disposes of it when done; only the CLI installs the signal handlers (Lambdas never do).
 */
type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();

/** Set once a signal has begun stopping the process: from then on no new work may start. */
let stopping = false;

/** Thrown by `onInterrupt` once the process is stopping: the work it was about to guard must not start. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/**
 * Register a cleanup to run if the process is interrupted; call the returned function when it is no longer needed.
 * Throws an InterruptedError when a signal is already stopping the process: the cleanups have been taken, so
 * whatever this one would guard (a lease, a scratch folder) would be left behind if the work went ahead.
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (stopping) throw new InterruptedError('the process is stopping on a signal: not starting new work');
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Run every registered cleanup (most recent first), each bounded by `timeoutMs`; failures are reported, not thrown. */
export async function runInterruptCleanups(
  timeoutMs = 2000,
  report: (line: string) => void = () => {},
): Promise<void> {
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const cleanup of pending) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(cleanup),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`cleanup took longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      report(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The exit code of a process stopped by a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 1;
}

/**
 * Stop the process cleanly on SIGINT/SIGTERM/SIGHUP: say so on stderr, run the cleanups, exit with 128 + the
 * signal number. A second signal while cleaning up exits at once. Returns a function that removes the handlers.
 */
export function installSignalHandlers(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const code = signalExitCode(signal);
    if (stopping) return exit(code);
    stopping = true;
    // Work being torn down may fail on its way out (a stream whose scratch file was just removed): that is
    // the point of stopping, not a crash, so it must neither replace the signal's exit code nor cut the
    // cleanups short (exiting on it at once left the lease behind); the exit below follows the cleanups,
    // each bounded by its timeout.
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    write(`ics-lake: interrupted by ${signal}; discarding uncommitted work and releasing the lease`);
    void runInterruptCleanups(2000, write).finally(() => exit(code));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
    stopping = false;
  };
}
