import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';

/** Entry point of the `ics-lake` CLI. Returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('ics-lake')
    .description("Open-data pipeline for England's Integrated Care Systems")
    .addHelpText('after', EXIT_CODE_HELP)
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  // Each call starts clean (tests and embedders call main more than once in one process).
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // `ics-lake get ics | head`: the reader went away; that is how pipes end, not an error.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`ics-lake: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
