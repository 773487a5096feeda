import { describeCrashShard } from '../helpers/crash-replay.ts';

// Half of the seeded crash runs; the other half is in crash-replay-1.test.ts (vitest runs files in parallel).
describeCrashShard(1, 2);
