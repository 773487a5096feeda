import type { Command } from 'commander';
import { registerChanges } from './changes.ts';
import { registerDiff } from './diff.ts';
import { registerGet } from './get.ts';
import { registerParse } from './parse.ts';
import { registerReplay } from './replay.ts';
import { registerRun } from './run.ts';
import { registerServeSnapshot } from './serve-snapshot.ts';
import { registerUnlock } from './unlock.ts';
import { registerVerify } from './verify.ts';
import { registerVersions } from './versions.ts';

/** A CLI command: a thin adapter that registers itself on the program and calls a core stage. */
export type RegisterCommand = (program: Command) => void;

/** Every subcommand, in help order. Add one import and one entry per command file. */
export const commands: RegisterCommand[] = [
  registerRun,
  registerReplay,
  registerServeSnapshot,
  registerParse,
  registerChanges,
  registerVersions,
  registerGet,
  registerDiff,
  registerVerify,
  registerUnlock,
];
