#!/usr/bin/env node
// The benchmark runs TypeScript directly through tsx, like the CLI (bin/ics-lake.mjs).
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
