import { systemClock } from '../../core/clock.ts';
import { breakLease, describeLease } from '../../pipeline/lease.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ConfigureCommand } from './index.ts';
import { type LakeCliOptions, openExistingLake, withLakeOptions } from './lake-options.ts';

/**
 * `ics-lake unlock`: break the lake's run lease after saying whose it was. A lease held by a live process on
 * this machine is kept unless `--force` (that run is still writing).
 */
export const configureUnlock: ConfigureCommand = (command) => {
  withLakeOptions(
    command.option('--force', 'break it even if its owner is a running process on this machine'),
  ).action(async (options: LakeCliOptions & { force?: boolean }) => {
    const store = await openExistingLake(options);
    const result = await breakLease(store, { force: options.force === true, clock: systemClock });
    if (result.lease === undefined) {
      process.stdout.write(`${store.location}: no lease held; nothing to do\n`);
    } else if (result.removed) {
      process.stdout.write(`${store.location}: removed the lease of ${describeLease(result.lease)}\n`);
    } else {
      process.stderr.write(
        `ics-lake unlock: kept the lease of ${describeLease(result.lease)}: ${result.refused}\n`,
      );
      process.exitCode = ExitCode.error;
    }
  });
};
