import { InvalidArgumentError } from 'commander';

/** Parse a dataset version argument such as `3` or `v3` (commander argument parser). */
export function versionNumber(value: string): number {
  const match = /^v?([1-9]\d*)$/.exec(value);
  if (match?.[1] === undefined) throw new InvalidArgumentError('expected a version number such as 3 or v3');
  return Number(match[1]);
}
