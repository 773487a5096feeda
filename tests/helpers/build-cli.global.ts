import { buildCli } from '../../scripts/build-cli.mjs';

/** vitest globalSetup: rebuild the compiled CLI (dist/cli) when a source changed, so spawned CLIs run this code. */
export default async function setup(): Promise<void> {
  await buildCli({ ifStale: true });
}
