import { Option } from 'commander';
import { knownEventTypes } from '../../feed/events.ts';
import type { FeedRecord } from '../../feed/feed-files.ts';
import { readFeedIndex } from '../../feed/feed-files.ts';
import { followEvents, parseSince, readEvents } from '../../feed/read.ts';
import type { LakeStore } from '../../lake/store.ts';
import { datasetDefinitions } from '../../normalise/datasets.ts';
import { checkedBy } from './arguments.ts';
import type { ConfigureCommand } from './index.ts';
import { openExistingLake } from './lake-options.ts';

/** One human-readable line per event. */
export function describeRecord({ sequence, event }: FeedRecord): string {
  const { data } = event;
  // A per-ICS population event says its totals in its summary ("QE1: registered patients … → …; 292 rows created").
  const what =
    data.op === 'published'
      ? `${data.dataset} v${data.version} published: ${data.summary?.text ?? ''}`
      : data.summary !== undefined
        ? `${data.dataset} v${data.version} ${data.summary.text}`
        : `${data.dataset} v${data.version} ${data.key}${data.changed_fields.length > 0 && data.op === 'updated' ? ` (${data.changed_fields.join(', ')})` : ''}`;
  return `${sequence}\t${event.time.slice(0, 10)}\t${event.type}\t${what}`.replace(/[\r\n]+/g, ' ');
}

/**
 * Refuse filters that can match nothing, listing what exists: an unknown dataset or event type, or a cursor
 * beyond the end of this lake's feed (a cursor from another lake, or a typo).
 */
async function checkFilters(store: LakeStore, options: ChangesOptions): Promise<void> {
  const index = await readFeedIndex(store);
  const datasets = [
    ...new Set([...datasetDefinitions.map((definition) => definition.name), ...Object.keys(index.versions)]),
  ].sort();
  if (options.dataset !== undefined && !datasets.includes(options.dataset))
    throw new RangeError(
      `--dataset: no dataset "${options.dataset}"; the datasets are: ${datasets.join(', ')}`,
    );
  const types = knownEventTypes(datasets);
  const type = options.type;
  if (type !== undefined) {
    const matches = type.endsWith('*')
      ? types.some((known) => known.startsWith(type.slice(0, -1)))
      : types.includes(type);
    if (!matches) throw new RangeError(`--type: no event type "${type}"; the types are: ${types.join(', ')}`);
  }
  const since = parseSince(options.since);
  if ('cursor' in since && since.cursor > index.cursor) {
    throw new RangeError(
      `--since: cursor ${since.cursor} is beyond the end of the feed of ${store.location} (its newest event is ${index.cursor}); cursors belong to one lake`,
    );
  }
}

interface ChangesOptions {
  since?: string;
  dataset?: string;
  type?: string;
  json?: boolean;
  follow?: boolean;
  interval: string;
  lake: string;
  endpoint?: string;
}

/** `ics-lake changes`: print the feed's events in order, optionally following new ones. */
export const configureChanges: ConfigureCommand = (command) => {
  command
    .addOption(
      new Option(
        '--since <cursor|date>',
        'a cursor (events after it) or an ISO date-time (events at or after it; a date alone: from 00:00 UTC that day)',
      ).argParser(checkedBy(parseSince)),
    )
    .option('--dataset <name>', 'only events of this dataset')
    .option('--type <type>', 'only events of this type (a trailing * matches a prefix)')
    .option('--json', 'print CloudEvents as JSON Lines')
    .option('--follow', 'keep polling feed/index.json for new events (Ctrl-C stops)')
    .option('--interval <ms>', 'poll interval for --follow', '5000')
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake')
    .action(async (options: ChangesOptions) => {
      const store = await openExistingLake(options);
      await checkFilters(store, options);
      const filters = {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
        ...(options.type === undefined ? {} : { type: options.type }),
      };
      const print = (record: FeedRecord) =>
        process.stdout.write(`${options.json ? JSON.stringify(record.event) : describeRecord(record)}\n`);
      if (!options.follow) {
        for await (const record of readEvents(store, filters)) print(record);
        return;
      }
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      try {
        const intervalMs = Number(options.interval);
        if (!Number.isFinite(intervalMs) || intervalMs < 100)
          throw new RangeError('--interval: expected >= 100 (ms)');
        for await (const record of followEvents(store, { ...filters, intervalMs, signal: stop.signal }))
          print(record);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
};
