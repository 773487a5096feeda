import { Command, CommanderError, Help } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { describeCliError } from './cli-errors.ts';
import { commands } from './commands/index.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';

/** `ics-lake --version`: the package version. */
export const CLI_VERSION = packageJson.version;

/**
 * The subcommand an argument list asks for (`get` in `get ics`, and in `help get`), or undefined for the program's
 * own `--help` and `--version`. The program has no options that take a value, so the first operand is the name.
 */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const operands = argv.filter((arg) => !arg.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

function synopsisOf(command: Command): string {
  return (
    commands.find((entry) => entry.name === command.name())?.synopsis ?? new Help().subcommandTerm(command)
  );
}

/** The program with every subcommand named and described, and only the requested one loaded and configured. */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('ics-lake')
    .description("Open-data pipeline for England's Integrated Care Systems")
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .addHelpText('after', EXIT_CODE_HELP)
    .showHelpAfterError('see `ics-lake --help`')
    .enablePositionalOptions()
    .exitOverride()
    // Unloaded commands have no arguments or options yet: list each by its synopsis instead.
    .configureHelp({ subcommandTerm: synopsisOf });
  const wanted = requestedCommand(argv);
  for (const entry of commands) {
    const command = program
      .command(entry.name)
      .description(entry.description)
      .showHelpAfterError(`see \`ics-lake ${entry.name} --help\``);
    if (entry.name === wanted) (await entry.load())(command);
  }
  return program;
}

/** Entry point of the `ics-lake` CLI. Returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  // Each call starts clean (tests and embedders call main more than once in one process).
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // `ics-lake get ics | head`: the reader went away; that is how pipes end, not an error.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`ics-lake: ${describeCliError(error)}\n`);
    return 1;
  }
}
