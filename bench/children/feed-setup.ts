// Child process: publish version 1 of the benchmark dataset, feed it, then publish version 2 (not yet fed), so the
// timed child starts from exactly "a new version is committed, its diff and feed are due".

import { syncFeed } from '../../lib/feed/publish-feed.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { benchRegistrationsDataset, twoVersions } from '../feed-dataset.ts';

const [lakeDir, rowsText] = process.argv.slice(2);
if (lakeDir === undefined) throw new Error('usage: feed-setup.ts <lake> [rows]');
const store = new FolderLakeStore(lakeDir);
const definitions = [benchRegistrationsDataset];
const { v1, v2 } = await twoVersions(Number(rowsText ?? 100_000), 8);
const common = { pipelineVersion: 'bench', lineage: [] };
const first = await publishDataset(store, benchRegistrationsDataset, v1, {
  ...common,
  asOf: '2021-01-01T00:00:00Z',
  createdAt: '2021-01-02T00:00:00Z',
});
await syncFeed(store, definitions);
const second = await publishDataset(store, benchRegistrationsDataset, v2, {
  ...common,
  asOf: '2021-02-01T00:00:00Z',
  createdAt: '2021-02-02T00:00:00Z',
});
process.stdout.write(
  `${JSON.stringify({ first: first.status, second: second.status, v1: v1.length, v2: v2.length })}\n`,
);
