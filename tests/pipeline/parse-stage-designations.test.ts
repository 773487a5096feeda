import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { referenceGazetteer } from '../../lib/parse/dispatch.ts';
import { parseSources, QuarantineRecord } from '../../lib/pipeline/parse-stage.ts';
import type { QuarantineEntry } from '../../lib/pipeline/run-report.ts';
import type { Gazetteer } from '../../lib/reference/gazetteer.ts';
import { sourceById } from '../../lib/sources/catalogue.ts';
import { sha256Of } from '../../lib/sources/raw-zone.ts';
import { type AcquiredPage, acquirePages } from '../helpers/acquired-documents.ts';

/**
 * Issue 12: a designation page that fails closed is quarantined with its reason and the areas found, the last good
 * parse of its URL stands in for it, and the other documents are parsed as usual.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = path.join(ROOT, 'tests/fixtures/designations');
const FOUR_AREAS = readFileSync(path.join(CORPUS, 'nl04-nhse-2020-05-four.html'), 'utf8');
const OTHER_PAGE = readFileSync(path.join(CORPUS, 'nl02-nhse-2018-05-four.html'), 'utf8');
const URL_MAY = 'https://www.england.nhs.uk/2020/05/four-more-areas-given-integrated-care-system-status/';
const URL_2018 = 'https://www.england.nhs.uk/2018/05/four-more-areas-join-integrated-care-systems-programme/';
const source = sourceById('nhse-news');

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(path.join(ROOT, 'snapshots'));
});

/** Make the given pages the source's current documents, as a finished acquire would. */
function acquired(store: MemoryLakeStore, pages: AcquiredPage[]): Promise<void> {
  return acquirePages(store, source.id, pages);
}

async function parseRun(store: MemoryLakeStore, runId: string) {
  const quarantine: QuarantineEntry[] = [];
  const result = await parseSources({
    store,
    runId,
    catalogue: [source],
    quarantine: (entry) => quarantine.push(entry),
    gazetteerFor: () => gazetteer,
  });
  return { ...result, quarantine };
}

const areaNames = (announcement: { areas: { name_as_published: string }[] }) =>
  announcement.areas.map((area) => area.name_as_published);

describe('parse stage: designation pages that fail closed', () => {
  it('quarantines a count_mismatch page with the areas found, keeps the last good parse of its URL, and goes on', async () => {
    const store = new MemoryLakeStore();
    await acquired(store, [{ url: URL_MAY, html: FOUR_AREAS, at: '2020-05-21T12:00:00.000Z' }]);
    const first = await parseRun(store, 'run-1');
    expect(first.quarantine).toEqual([]);
    expect(first.input.announcements.map(({ announcement }) => announcement.areas.length)).toEqual([4]);

    // The page is republished with one of its four list items lost, next to an unrelated good page.
    const truncated = FOUR_AREAS.replace(/<li><strong>Sussex Health and Care Partnership[\s\S]*?<\/li>/, '');
    expect(truncated).not.toBe(FOUR_AREAS);
    await acquired(store, [
      { url: URL_MAY, html: truncated, at: '2020-05-22T12:00:00.000Z' },
      { url: URL_2018, html: OTHER_PAGE, at: '2020-05-22T12:00:00.000Z' },
    ]);
    const second = await parseRun(store, 'run-2');

    expect(second.quarantine).toEqual([
      expect.objectContaining({
        sourceId: 'nhse-news',
        stage: 'parse',
        url: URL_MAY,
        code: 'count_mismatch',
        reason: expect.stringMatching(
          /count_mismatch at .*: the page says 4 areas .* but 3 were found \(Hertfordshire and West Essex, Humber, Coast and Vale, South West London Health and Care Partnership\)/,
        ),
      }),
    ]);
    const sha256 = sha256Of(new TextEncoder().encode(truncated));
    const record = QuarantineRecord.parse(
      JSON.parse(new TextDecoder().decode(store.objects.get(`quarantine/nhse-news/${sha256}.json`))),
    );
    expect(record.areas).toEqual([
      { name_as_published: 'Hertfordshire and West Essex', ics_code: 'QM7' },
      { name_as_published: 'Humber, Coast and Vale', ics_code: 'QOQ' },
      { name_as_published: 'South West London Health and Care Partnership', ics_code: 'QWE' },
    ]);

    const byUrl = new Map(second.input.announcements.map((item) => [item.provenance.url, item]));
    expect(byUrl.get(URL_MAY)?.provenance.sha256).toBe(sha256Of(new TextEncoder().encode(FOUR_AREAS)));
    expect(areaNames(byUrl.get(URL_MAY)?.announcement ?? { areas: [] })).toHaveLength(4);
    expect(areaNames(byUrl.get(URL_2018)?.announcement ?? { areas: [] })).toEqual([
      'Gloucestershire',
      'Suffolk and North East Essex',
      'West, North and East Cumbria',
      'West Yorkshire and Harrogate',
    ]);
    expect(second.report['nhse-news']).toMatchObject({ documents: 2, parsed: 1, quarantined: 1 });
  });

  it('quarantines a layout_drift page that has no earlier good version, and the run still completes', async () => {
    const store = new MemoryLakeStore();
    const mapOnly = readFileSync(path.join(CORPUS, 'ld01-nhse-2020-05-map-only.html'), 'utf8');
    await acquired(store, [
      { url: URL_MAY, html: mapOnly, at: '2020-05-21T12:00:00.000Z' },
      { url: URL_2018, html: OTHER_PAGE, at: '2020-05-21T12:00:00.000Z' },
    ]);
    const run = await parseRun(store, 'run-1');
    expect(run.quarantine.map((entry) => [entry.url, entry.code])).toEqual([[URL_MAY, 'layout_drift']]);
    expect(run.input.announcements.map((item) => item.provenance.url)).toEqual([URL_2018]);
  });
});
