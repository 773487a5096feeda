// Child process: the feed stage for the newly committed version (read both versions, diff by key, write events,
// pages, index, Atom and JSON Feed), timed, with this process's peak RSS.

import { filesOnlyNotifier } from '../../lib/feed/notify.ts';
import { runFeedStage } from '../../lib/feed/publish-feed.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { benchRegistrationsDataset } from '../feed-dataset.ts';
import { peakRssBytes } from '../memory.ts';

const [lakeDir] = process.argv.slice(2);
if (lakeDir === undefined) throw new Error('usage: feed-run.ts <lake>');
const store = new FolderLakeStore(lakeDir);
const baselineRssBytes = peakRssBytes();
const started = performance.now();
const result = await runFeedStage(store, [benchRegistrationsDataset], filesOnlyNotifier);
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, baselineRssBytes, peakRssBytes: peakRssBytes(), events: result.events })}\n`,
);
