// Child process: run the GP parse+validate+aggregate stage once over one lake object and report peak RSS, so each
// file size is measured in a process of its own. The V8 heap is sampled too, to tell heap growth from buffers.
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import {
  aggregateGpRegistrationBatches,
  parseGpRegistrationBatches,
} from '../../lib/parse/gp-registrations.ts';
import { peakRssBytes } from '../memory.ts';

const [lakeDir, key] = process.argv.slice(2);
if (lakeDir === undefined || key === undefined) throw new Error('usage: csv-rss.ts <lake> <key>');
const store = new FolderLakeStore(lakeDir);
const baselineRssBytes = peakRssBytes();
let peakHeapTotalBytes = 0;
let peakHeapUsedBytes = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakHeapTotalBytes = Math.max(peakHeapTotalBytes, usage.heapTotal);
  peakHeapUsedBytes = Math.max(peakHeapUsedBytes, usage.heapUsed);
}, 50);
const stream = await store.getStream(key);
if (stream === undefined) throw new Error(`${key} is not in ${lakeDir}`);
const options = { sourceId: 'nhsd-gp-registrations', url: `bench:${key}` };
const started = performance.now();
const aggregate = await aggregateGpRegistrationBatches(parseGpRegistrationBatches(stream, options), options);
clearInterval(sampler);
process.stdout.write(
  `${JSON.stringify({
    ms: performance.now() - started,
    baselineRssBytes,
    peakRssBytes: peakRssBytes(),
    peakHeapTotalBytes,
    peakHeapUsedBytes,
    rows: aggregate.row_count,
    practices: aggregate.practice_count,
  })}\n`,
);
