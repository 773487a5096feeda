import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IcsLakeError, SourceDataError, SourceLayoutError } from '../../lib/core/errors.ts';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { parseDocument } from '../../lib/parse/dispatch.ts';
import { QuarantineRecord } from '../../lib/pipeline/parse-stage.ts';
import { createDefaultStages } from '../../lib/pipeline/process.ts';
import { runSnapshot } from '../../lib/pipeline/replay.ts';
import { sourceById } from '../../lib/sources/catalogue.ts';
import { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';

/**
 * Issue 3's bad-input cases, end to end: a good small snapshot is run first; then a snapshot in which one document
 * is replaced by a broken copy. The parser raises a typed error, the run quarantines the document with its reason
 * and still completes, and every dataset keeps the version built from the last good input.
 */

const GOOD = path.resolve(import.meta.dirname, '../fixtures/snapshots-small/2020-06-15');
const BAD_DATE = '2020-06-16';
const DATASETS = [
  'ics',
  'ics_coverage',
  'ics_designations',
  'ics_lifecycle_claims',
  'ics_lineage',
  'ics_population',
  'published_claims',
];

interface BadInputCase {
  name: string;
  sourceId: string;
  /** The document's path inside the snapshot folder. */
  file: string;
  breakDocument: (text: string) => string;
  error: new (message: string) => IcsLakeError;
  reason: RegExp;
}

const LOOKUP =
  'files/hub.arcgis.com/api/v3/datasets/4137a666fbd5bbe34fb977def5bb7962_0/downloads/data-format-csv.csv';
const POPULATION =
  'files/www.ons.gov.uk/file/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates/mid2019ccg2020/ccg2020mid2019populationestimates.csv';
const GP_TOTALS = 'files/files.digital.nhs.uk/67/F40228/gp-reg-pat-prac-all.csv';
const MAY_2020 =
  'files/www.england.nhs.uk/2020/05/four-more-areas-designated-as-integrated-care-systems/index.html';
const JUNE_2019 =
  'files/www.england.nhs.uk/2019/06/three-more-areas-to-become-integrated-care-systems/index.html';

/** Replace `pattern` in `text`, failing loudly if the fixture no longer has it (the case would test nothing). */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`fixture no longer matches ${pattern}`);
  return text.replace(pattern, replacement);
}

/** Rewrite the first data row of a CSV. */
function firstDataRow(text: string, rewrite: (row: string) => string): string {
  const lines = text.split('\n');
  const row = lines[1];
  if (row === undefined) throw new Error('fixture has no data row');
  const changed = rewrite(row);
  if (changed === row) throw new Error(`fixture row unchanged: ${row}`);
  lines[1] = changed;
  return lines.join('\n');
}

const CASES: BadInputCase[] = [
  {
    name: 'a missing required column (the lookup lost STP20CDH)',
    sourceId: 'ons-code-lookups',
    file: LOOKUP,
    breakDocument: (text) => replaceOnce(text, /\bSTP20CDH\b/, 'STP20_ODS'),
    error: SourceLayoutError,
    reason: /expected column STP20CDH/,
  },
  {
    name: 'an empty table (population estimates with a header and no rows)',
    sourceId: 'ons-population',
    file: POPULATION,
    breakDocument: (text) => `${text.split('\n')[0]}\n`,
    error: SourceDataError,
    reason: /empty table|no data row/,
  },
  {
    name: 'a maintenance page served with status 200 in place of a news article',
    sourceId: 'nhse-news',
    file: JUNE_2019,
    breakDocument: () =>
      '<!DOCTYPE html><html><head><title>Site maintenance - NHS England</title></head><body><main><h1>Site maintenance</h1><p>We will be back soon.</p></main></body></html>',
    error: SourceLayoutError,
    reason: /maintenance/,
  },
  {
    name: 'an article that promises a list of areas but has none',
    sourceId: 'nhse-news',
    file: MAY_2020,
    breakDocument: (text) =>
      replaceOnce(
        text,
        /(integrated care systems are:<\/p>\s*)<ul>[\s\S]*?<\/ul>/,
        '$1<p>The list will be confirmed shortly.</p>',
      ),
    error: SourceLayoutError,
    // Issue 12: the headline announces four designations and no area is found, so the page fails closed.
    reason: /layout_drift at .*: the headline or lead announces designations but no area was found/,
  },
  {
    name: 'duplicate keys (a CCG listed twice in the lookup)',
    sourceId: 'ons-code-lookups',
    file: LOOKUP,
    breakDocument: (text) => {
      const [header, first, ...rest] = text.split('\n');
      return [header, first, first, ...rest].join('\n');
    },
    error: SourceDataError,
    reason: /duplicate key: CCG20CDH/,
  },
  {
    name: 'a non-numeric count of registered patients',
    sourceId: 'nhsd-gp-registrations',
    file: GP_TOTALS,
    breakDocument: (text) => firstDataRow(text, (row) => row.replace(/,\d+(\r?)$/, ',n/a$1')),
    error: SourceDataError,
    reason: /expected a whole number in NUMBER_OF_PATIENTS but found "n\/a"/,
  },
  {
    name: 'a negative count of registered patients',
    sourceId: 'nhsd-gp-registrations',
    file: GP_TOTALS,
    breakDocument: (text) => firstDataRow(text, (row) => row.replace(/,(\d+)(\r?)$/, ',-$1$2')),
    error: SourceDataError,
    reason: /expected a count of zero or more in NUMBER_OF_PATIENTS/,
  },
  {
    name: 'an extract date in a format we do not know',
    sourceId: 'nhsd-gp-registrations',
    file: GP_TOTALS,
    breakDocument: (text) => firstDataRow(text, (row) => row.replace('01MAY2020', '05/01/2020')),
    error: SourceDataError,
    reason: /expected EXTRACT_DATE like 01JAN2021 or 2021-01-01 but found "05\/01\/2020"/,
  },
];

let scratch: string;
let goodLake: string;

/** sha256 of every file under `dir`, keyed by relative path. */
async function hashTree(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    hashes[path.relative(dir, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return hashes;
}

/**
 * A copy of the good snapshot, dated a day later, with one document replaced by `bytes`. The replaced resource
 * loses its validators, so the conditional GET sees new content.
 */
async function badSnapshot(file: string, bytes: Buffer): Promise<{ date: string; dir: string; url: string }> {
  const dir = path.join(await mkdtemp(path.join(scratch, 'snapshot-')), BAD_DATE);
  await cp(GOOD, dir, { recursive: true });
  await writeFile(path.join(dir, file), bytes);
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  await writeFile(manifestPath, JSON.stringify({ ...manifest, date: BAD_DATE }, null, 2));
  let url: string | undefined;
  const resourcesDir = path.join(dir, 'resources');
  for (const name of await readdir(resourcesDir)) {
    const listPath = path.join(resourcesDir, name);
    const resources = SnapshotResource.array().parse(JSON.parse(await readFile(listPath, 'utf8')));
    const rewritten = resources.map((resource) => {
      if (resource.file !== file) return resource;
      url = resource.url;
      const { etag: _etag, lastModified: _lastModified, ...rest } = resource;
      return rest;
    });
    await writeFile(listPath, JSON.stringify(rewritten, null, 2));
  }
  if (url === undefined) throw new Error(`no snapshot resource serves ${file}`);
  return { date: BAD_DATE, dir, url };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'ics-lake-bad-input-'));
  goodLake = path.join(scratch, 'good-lake');
  const good = await runSnapshot(
    { date: '2020-06-15', dir: GOOD },
    { store: new FolderLakeStore(goodLake), stages: createDefaultStages() },
  );
  expect(good.status).toBe('completed');
  expect(good.report.quarantine).toEqual([]);
}, 60_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('bad input', () => {
  it.each(CASES)(
    '$name: typed error, quarantined with its reason, last good datasets kept',
    async (badCase) => {
      const original = await readFile(path.join(GOOD, badCase.file), 'utf8');
      const bytes = Buffer.from(badCase.breakDocument(original));
      const snapshot = await badSnapshot(badCase.file, bytes);
      const source = sourceById(badCase.sourceId);

      // The parser itself raises the typed error, naming the source and the URL.
      const parsing = parseDocument(source, bytes, { url: snapshot.url });
      await expect(parsing).rejects.toBeInstanceOf(badCase.error);
      await expect(parsing).rejects.toThrow(badCase.reason);
      await expect(parsing).rejects.toMatchObject({ sourceId: badCase.sourceId, url: snapshot.url });

      // The run over the bad snapshot completes, quarantines the document and keeps the last good datasets.
      const lakeDir = path.join(scratch, `lake-${path.basename(path.dirname(snapshot.dir))}`);
      await cp(goodLake, lakeDir, { recursive: true });
      const datasetsBefore = await hashTree(path.join(lakeDir, 'datasets'));
      const run = await runSnapshot(snapshot, {
        store: new FolderLakeStore(lakeDir),
        stages: createDefaultStages(),
      });
      expect(run.status).toBe('completed');

      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const record = QuarantineRecord.parse(
        JSON.parse(
          await readFile(path.join(lakeDir, 'quarantine', badCase.sourceId, `${sha256}.json`), 'utf8'),
        ),
      );
      const code = new badCase.error('').code;
      expect(record).toMatchObject({
        sourceId: badCase.sourceId,
        stage: 'parse',
        url: snapshot.url,
        sha256,
        code,
      });
      expect(record.reason).toMatch(badCase.reason);
      expect(run.report.quarantine).toContainEqual(
        expect.objectContaining({ sourceId: badCase.sourceId, url: snapshot.url, code }),
      );

      expect(await hashTree(path.join(lakeDir, 'datasets'))).toEqual(datasetsBefore);
      const datasets = (run.report.stages.process as { datasets: Record<string, { status: string }> })
        .datasets;
      expect(Object.keys(datasets).sort()).toEqual(DATASETS);
      for (const [name, dataset] of Object.entries(datasets)) expect(dataset.status, name).toBe('unchanged');
    },
  );
});

describe('an unresolved name', () => {
  it('is reported and quarantined with its document and evidence, and never attached to a guessed ICS', async () => {
    const original = await readFile(path.join(GOOD, JUNE_2019), 'utf8');
    const bytes = Buffer.from(
      replaceOnce(
        original,
        /<strong>South East London<\/strong> – the first integrated care system in the capital/,
        '<strong>Atlantis and the Sunken Isles</strong> – a place no lookup has ever named',
      ),
    );
    const snapshot = await badSnapshot(JUNE_2019, bytes);
    const lakeDir = path.join(scratch, 'lake-unresolved');
    await cp(goodLake, lakeDir, { recursive: true });
    const store = new FolderLakeStore(lakeDir);
    const run = await runSnapshot(snapshot, { store, stages: createDefaultStages() });
    expect(run.status).toBe('completed');
    expect((run.report.stages.process as { unresolved: number }).unresolved).toBe(1);

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const files = (await readdir(path.join(lakeDir, 'quarantine', 'nhse-news'))).filter((name) =>
      name.startsWith(`${sha256}-`),
    );
    expect(files).toHaveLength(1);
    const record = QuarantineRecord.parse(
      JSON.parse(await readFile(path.join(lakeDir, 'quarantine', 'nhse-news', files[0] ?? ''), 'utf8')),
    );
    expect(record).toMatchObject({
      sourceId: 'nhse-news',
      stage: 'normalise',
      code: 'unresolved_name',
      url: snapshot.url,
      sha256,
      name: 'Atlantis and the Sunken Isles',
      evidence: 'Atlantis and the Sunken Isles – a place no lookup has ever named',
    });
    expect(run.report.quarantine).toContainEqual(
      expect.objectContaining({ sourceId: 'nhse-news', code: 'unresolved_name', url: snapshot.url }),
    );

    // The other areas of the same article still count; the unknown one is attached to nothing.
    const latest = JSON.parse(
      await readFile(path.join(lakeDir, 'datasets/ics_designations/latest.json'), 'utf8'),
    );
    const rows = JSON.parse(
      await readFile(
        path.join(lakeDir, `datasets/ics_designations/v${latest.version}/ics_designations.json`),
        'utf8',
      ),
    ) as { name_as_published: string; source_url: string }[];
    const fromArticle = rows
      .filter((row) => row.source_url === snapshot.url)
      .map((row) => row.name_as_published);
    expect(fromArticle.sort()).toEqual([
      'Buckinghamshire, Oxfordshire and Berkshire West',
      'North East and North Cumbria',
    ]);
  });
});
