import { InvalidArgumentError } from 'commander';
import { parseAsOfInstant, parseInstant } from '../../core/instant.ts';
import type { Manifest } from '../../lake/manifest.ts';
import type { VersionSelector } from '../../lake/versions.ts';

/** Parse a dataset version argument such as `3` or `v3` (commander argument parser). */
export function versionNumber(value: string): number {
  const match = /^v?([1-9]\d*)$/.exec(value);
  if (match?.[1] === undefined) throw new InvalidArgumentError('expected a version number such as 3 or v3');
  return Number(match[1]);
}

/**
 * Parse a version argument of `diff`: a number (`3`, `v3`), `latest`, or an ISO date or date-time meaning the
 * version that was latest then (a date alone: the end of that day UTC).
 */
export function versionSelector(value: string): VersionSelector {
  if (value.toLowerCase() === 'latest') return {};
  if (/^v?\d+$/.test(value)) return { version: versionNumber(value) };
  try {
    parseInstant(value);
  } catch {
    throw new InvalidArgumentError(
      'expected a version number (3 or v3), latest, or an ISO date such as 2022-07-20 (the version latest then)',
    );
  }
  return { asOf: value };
}

/**
 * A commander option parser that checks a value with `check` (which throws a one-line error) and keeps the text:
 * a bad value is then an argument error, reported as one line plus where to find the command's help.
 */
export function checkedBy(check: (value: string) => unknown): (value: string) => string {
  return (value) => {
    try {
      check(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidArgumentError(message.replace(/^--[\w-]+: /, ''));
    }
    return value;
  };
}

/** The note saying which version an as-of question chose: version, its as_of, and the instant asked about. */
export function asOfNote(manifest: Manifest, asOf: string): string {
  return `${manifest.dataset}: v${manifest.version} (as_of ${manifest.as_of}) was the latest version at ${parseAsOfInstant(asOf, '--as-of').toISOString()}`;
}
