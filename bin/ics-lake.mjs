#!/usr/bin/env node
// The CLI runs the JavaScript that `npm ci` (the prepare script) or `npm run build` compiled into dist/cli from
// the TypeScript in lib/. When that build is missing or older than one of its sources, the sources run through
// tsx instead (a slower start, said on stderr), so a stale build never answers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BUILD_DIR, cliBuildState } from './cli-build.mjs';

// The AWS SDK's Node-version support notice is for the operator of a deployment, not for each CLI call.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `ics-lake changes | head -1`: a closed pipe ends the command quietly (exit 0), as it does for any Unix tool.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const root = fileURLToPath(new URL('..', import.meta.url));
const build = cliBuildState(root);
let main;
if (build.fresh) {
  ({ main } = await import(path.join(root, CLI_BUILD_DIR, 'main.js')));
} else {
  process.stderr.write(
    `ics-lake: ${build.reason}; running the TypeScript sources through tsx (slower start; npm run build)\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../lib/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
