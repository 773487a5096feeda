import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { FetchRefusedError } from '../../core/errors.ts';
import { isForbiddenAddress } from '../url-guard.ts';

/** Resolves a host name to addresses (injectable so the resolved-address guard can be tested offline). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** A lookup that refuses, at connect time, any host resolving to a non-public address (defeats DNS rebinding). */
export function guardedLookup(resolver: Resolver): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
        if (bad || addresses.length === 0) {
          callback(
            new FetchRefusedError(
              `Refused to connect to ${hostname}: it resolves to ${bad?.address ?? 'no address'}, which is not a public address`,
            ),
            '',
            0,
          );
          return;
        }
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
