import type { Command } from 'commander';

/** A CLI command: a thin adapter that registers itself on the program and calls a core stage. */
export type RegisterCommand = (program: Command) => void;

/** Every subcommand, in help order. Add one import and one entry per command file. */
export const commands: RegisterCommand[] = [];
