/** Build dist/cli; with `ifStale`, only when it is missing or older than a source. Returns whether it built. */
export function buildCli(options?: { ifStale?: boolean }): Promise<boolean>;
