import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests that spawn bin/ics-lake.mjs run the compiled CLI: rebuild dist/cli first when a source changed.
    globalSetup: ['tests/helpers/build-cli.global.ts'],
    setupFiles: ['tests/helpers/cdk-outdir.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
