import { describeError } from '../core/errors.ts';
import { lakePaths } from '../lake/manifest.ts';
import { getJson, type LakeStore, putJson } from '../lake/store.ts';
import type { Finding } from '../lake/verify.ts';
import { parseControlFile } from '../lake/versions.ts';
import { FEED_INDEX_KEY, FEED_PAGES_PREFIX, FeedIndex, readPage, rebuildFeedIndex } from './feed-files.ts';

/**
 * Check the feed: `feed/index.json` reads; its pages form one chain from sequence 1 (each page starts right after
 * the previous one, the cursor is the last page's end); every page matches its recorded hash and holds valid
 * events; every event names a committed dataset version.
 */
export async function verifyFeed(store: LakeStore): Promise<Finding[]> {
  let index: FeedIndex | undefined;
  try {
    index = parseControlFile(store, FEED_INDEX_KEY, FeedIndex, await getJson(store, FEED_INDEX_KEY));
  } catch (error) {
    return [indexProblem(describeError(error).replace(/ Repair: .*$/, ''))];
  }
  const pages = (await store.list(FEED_PAGES_PREFIX)).length;
  if (index === undefined)
    return pages === 0 ? [] : [indexProblem(`missing, although ${pages} feed page(s) exist`)];
  return [...chainFindings(index), ...(await pageFindings(store, index))];
}

function indexProblem(message: string): Finding {
  return {
    level: 'problem',
    key: FEED_INDEX_KEY,
    message,
    hint: 'Repair: ics-lake verify --repair rebuilds it from the pages, without rewriting any page',
  };
}

function chainFindings(index: FeedIndex): Finding[] {
  const findings: Finding[] = [];
  let expected = 1;
  for (const page of index.pages) {
    if (page.first !== expected)
      findings.push({
        level: 'problem',
        key: page.key,
        message: `starts at sequence ${page.first}, expected ${expected}: the page chain is broken`,
      });
    expected = page.last + 1;
  }
  if (index.cursor !== expected - 1)
    findings.push(indexProblem(`cursor ${index.cursor} but the pages end at sequence ${expected - 1}`));
  if (index.notified_cursor > index.cursor)
    findings.push(
      indexProblem(`notified_cursor ${index.notified_cursor} is beyond the cursor ${index.cursor}`),
    );
  return findings;
}

async function pageFindings(store: LakeStore, index: FeedIndex): Promise<Finding[]> {
  const findings: Finding[] = [];
  const committed = new Map<string, boolean>();
  for (const page of index.pages) {
    try {
      for (const { event } of await readPage(store, page)) {
        const key = lakePaths.manifest(event.data.dataset, event.data.version);
        if (!committed.has(key)) committed.set(key, await store.exists(key));
        if (committed.get(key) === false)
          findings.push({
            level: 'problem',
            key: page.key,
            message: `holds an event for ${event.data.dataset} v${event.data.version}, which is not committed`,
          });
      }
    } catch (error) {
      findings.push({
        level: 'problem',
        key: page.key,
        message: describeError(error).replace(/ Repair: .*$/, ''),
        hint: 'Repair: restore the page from a backup or S3 object version; feed pages are never rewritten',
      });
    }
  }
  return findings;
}

/** `verify --repair` for the feed: rebuild a missing or damaged index from the pages, rewriting no page. */
export async function repairFeedIndex(store: LakeStore): Promise<FeedIndex> {
  const index = await rebuildFeedIndex(store);
  await putJson(store, FEED_INDEX_KEY, index);
  return index;
}
