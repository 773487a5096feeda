// Child process: acquire the GP source once from a snapshot server on the given port into the given lake, then
// print JSON with the peak RSS (VmHWM), so nothing else in the benchmark contaminates the figure.
import { fixedClock } from '../../lib/core/clock.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { acquireSourceDetailed } from '../../lib/pipeline/acquire.ts';
import { sourceById } from '../../lib/sources/catalogue.ts';
import { createFetcher } from '../../lib/sources/fetch.ts';
import { peakRssBytes } from '../memory.ts';

const [lakeDir, port, landingUrl] = process.argv.slice(2);
if (lakeDir === undefined || port === undefined || landingUrl === undefined) {
  throw new Error('usage: acquire.ts <lake-dir> <snapshot-port> <landing-url>');
}
const base = sourceById('nhsd-gp-registrations');
const entry = { ...base, landingUrls: [landingUrl], discovery: base.discovery.slice(1) };
const fetcher = createFetcher({ mode: 'snapshot', snapshotPort: Number(port) });
const baselineRssBytes = peakRssBytes();
const started = performance.now();
const detail = await acquireSourceDetailed(
  { sourceId: entry.id, runId: 'bench-acquire' },
  {
    store: new FolderLakeStore(lakeDir),
    clock: fixedClock('2021-02-11T12:00:00Z'),
    log: () => {},
    fetcher,
    catalogue: [entry],
  },
);
fetcher.close();
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, baselineRssBytes, peakRssBytes: peakRssBytes(), outcome: detail.outcome })}\n`,
);
