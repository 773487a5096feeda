#!/usr/bin/env node
// The CLI runs TypeScript directly through tsx, so there is no build step between a clone and `npm start`.
import { register } from 'tsx/esm/api';

register();
// `ics-lake changes | head -1`: a closed pipe ends the command quietly (exit 0), as it does for any Unix tool.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
