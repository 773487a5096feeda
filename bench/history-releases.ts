import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { MONTHS } from '../lib/parse/text.ts';
import { extractArchive, looksLikeZip } from '../lib/sources/archive.ts';
import { catalogue } from '../lib/sources/catalogue.ts';
import type { SnapshotResource } from '../lib/sources/snapshot-manifest.ts';
import { listSnapshots, loadSnapshot, type SnapshotRef } from '../lib/sources/snapshots.ts';
import { seededRandom } from './generate.ts';

/**
 * The monthly GP releases of the history benchmark (issue 15): one snapshot per month from April 2013 to November
 * 2026, generated on the fly and never committed. Each month is served as the schedule would see it: the code
 * vintage in force (the newest bundled snapshot on or before the month, else the oldest), with its lookups, pages
 * and news, and a GP edition of its own at its own URLs. The edition's totals and single-year-of-age files derive
 * from that vintage's bundled GP files (themselves derived from the real January 2021 practice file and the ONS
 * age bands, see each snapshot's notes): every count is scaled by a slow monthly trend and a seeded jitter, and
 * the AGE=ALL and SEX=ALL rows are summed again, so every file adds up exactly.
 */

const GP_SOURCE = 'nhsd-gp-registrations';
const SERIES_URL =
  'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice';
const MON = MONTHS.map((name) => name.slice(0, 3).toUpperCase());

/** One monthly GP release. */
export interface Release {
  /** 1-based position in the series. */
  index: number;
  /** `YYYY-MM`. */
  month: string;
  /** The edition's extract date (the first of the month). */
  extractDate: string;
  /** The date the run sees (the 15th, after the second-Thursday publication). */
  snapshotDate: string;
  /** The bundled snapshot whose code vintage, pages and GP layout this month uses. */
  base: SnapshotRef;
}

/** Every month from `from` to `to` (inclusive, `YYYY-MM`), each with its code vintage. */
export function monthlyReleases(from = '2013-04', to = '2026-11', root = 'snapshots'): Release[] {
  const bundled = listSnapshots(root);
  const oldest = bundled[0];
  if (oldest === undefined) throw new RangeError(`no bundled snapshots under ${root}`);
  const releases: Release[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  while (`${year}-${String(month).padStart(2, '0')}` <= to) {
    const ym = `${year}-${String(month).padStart(2, '0')}`;
    const snapshotDate = `${ym}-15`;
    const base = bundled.filter((ref) => ref.date <= snapshotDate).at(-1) ?? oldest;
    releases.push({ index: releases.length + 1, month: ym, extractDate: `${ym}-01`, snapshotDate, base });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return releases;
}

/** A base snapshot's GP files as CSV rows (header first), read once per vintage. */
interface BaseGpFiles {
  totals: string[][];
  regions: string[][];
  resources: SnapshotResource[];
}

const baseCache = new Map<string, Promise<BaseGpFiles>>();

async function csvOf(dir: string, resource: SnapshotResource): Promise<string[][]> {
  const bytes = await readFile(path.join(dir, resource.file ?? ''));
  let text: string;
  if (looksLikeZip(bytes)) {
    const entries = await extractArchive(bytes, {
      entryPattern: '\\.csv$',
      sourceId: GP_SOURCE,
      url: resource.url,
    });
    text = Buffer.from(entries[0]?.bytes ?? new Uint8Array()).toString('utf8');
  } else text = bytes.toString('utf8');
  return Papa.parse<string[]>(text.replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
}

function readBase(base: SnapshotRef): Promise<BaseGpFiles> {
  let cached = baseCache.get(base.dir);
  if (cached === undefined) {
    cached = (async () => {
      const loaded = await loadSnapshot(base.dir);
      const gp = loaded.resources.filter((r) => r.url.startsWith('https://files.digital.nhs.uk/'));
      const totals = gp.find((r) => r.url.includes('gp-reg-pat-prac-all'));
      const regions = gp.find((r) => r.url.includes('gp-reg-pat-prac-sing-age-regions'));
      if (!totals || !regions) throw new Error(`snapshot ${base.date} has no GP totals and regions files`);
      return {
        totals: await csvOf(base.dir, totals),
        regions: await csvOf(base.dir, regions),
        resources: loaded.resources,
      };
    })();
    baseCache.set(base.dir, cached);
  }
  return cached;
}

/** The extract date written the way the vintage writes it (`01MAY2020` or `2026-11-01`). */
function extractDateLike(example: string, iso: string): string {
  if (!/^\d{2}[A-Z]{3}\d{4}$/.test(example)) return iso;
  const [year, month, day] = iso.split('-');
  return `${day}${MON[Number(month) - 1]}${year}`;
}

/** Months between two `YYYY-MM-DD` dates. */
function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/** A count scaled by the month's trend (0.05% a month from the vintage's own month) and a seeded jitter. */
function scaler(release: Release): (count: number) => number {
  const random = seededRandom(20130401 + release.index);
  const trend = 1 + 0.0005 * monthsBetween(release.base.date, release.snapshotDate);
  return (count) => Math.max(0, Math.round(count * trend * (0.995 + random() * 0.01)));
}

function column(header: readonly string[], name: string): number {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`expected a ${name} column in the GP file, found ${header.join(',')}`);
  return index;
}

/**
 * The totals file for a month: the vintage's practices that are open that month, counts scaled, extract date set.
 * Practices open and close as real ones do (`practiceOpen`), so the newest edition never holds quite the same
 * practices as the one before.
 */
export function monthTotals(base: readonly string[][], release: Release): string[][] {
  const [header, ...rows] = base;
  if (!header) throw new Error('the base totals file is empty');
  const date = column(header, 'EXTRACT_DATE');
  const patients = column(header, 'NUMBER_OF_PATIENTS');
  const code = column(header, 'CODE');
  const scale = scaler(release);
  const extract = extractDateLike(rows[0]?.[date] ?? '', release.extractDate);
  return [
    header,
    ...rows
      .filter((row) => practiceOpen(row[code] ?? '', release.index))
      .map((row) =>
        row.map((cell, index) =>
          index === date ? extract : index === patients ? String(scale(Number(cell))) : cell,
        ),
      ),
  ];
}

/** Of every 100 practices, how many open during the series and how many close (about two changes a month). */
const CHURN_PERCENT = 2;

/**
 * Whether a practice is open in release `index` (1-based): by a hash of its code, 2% of practices open at some
 * release of the series (absent before it) and 2% close at one (absent from it on); the rest are always open.
 */
export function practiceOpen(code: string, index: number): boolean {
  let hash = 0x811c9dc5;
  for (let at = 0; at < code.length; at++) hash = Math.imul(hash ^ code.charCodeAt(at), 0x01000193) >>> 0;
  const share = (hash / 2 ** 32) * 100;
  const releases = 164;
  if (share < CHURN_PERCENT) return index >= 1 + Math.floor((share / CHURN_PERCENT) * releases);
  if (share < 2 * CHURN_PERCENT)
    return index < 1 + Math.floor(((share - CHURN_PERCENT) / CHURN_PERCENT) * releases);
  return true;
}

/**
 * The single-year-of-age file for a month: each organisation's MALE and FEMALE cells scaled; the AGE=ALL and
 * SEX=ALL rows summed from them, so the file adds up exactly as the real ones do.
 */
export function monthRegions(base: readonly string[][], release: Release): string[][] {
  const [header, ...rows] = base;
  if (!header) throw new Error('the base single-year-of-age file is empty');
  const [date, org, sex, age, patients] = [
    'EXTRACT_DATE',
    'ORG_CODE',
    'SEX',
    'AGE',
    'NUMBER_OF_PATIENTS',
  ].map((name) => column(header, name)) as [number, number, number, number, number];
  const scale = scaler(release);
  const extract = extractDateLike(rows[0]?.[date] ?? '', release.extractDate);
  const cells = new Map<string, number>();
  const key = (row: readonly string[], s = row[sex], a = row[age]) => `${row[org]}|${s}|${a}`;
  for (const row of rows) {
    if (row[sex] !== 'ALL' && row[age] !== 'ALL') cells.set(key(row), scale(Number(row[patients])));
  }
  const totals = summedTotals(cells);
  return [
    header,
    ...rows.map((row) => {
      const value =
        row[sex] !== 'ALL' && row[age] !== 'ALL'
          ? (cells.get(key(row)) ?? 0)
          : (totals.get(`${row[org]}|${row[sex]}|${row[age]}`) ?? 0);
      return row.map((cell, index) => (index === date ? extract : index === patients ? String(value) : cell));
    }),
  ];
}

/** Sums of the sex-and-age cells to every (organisation, sex|ALL, age|ALL) pair, in one pass. */
function summedTotals(cells: ReadonlyMap<string, number>): Map<string, number> {
  const totals = new Map<string, number>();
  const add = (key: string, value: number) => totals.set(key, (totals.get(key) ?? 0) + value);
  for (const [cellKey, value] of cells) {
    const [org, sex, age] = cellKey.split('|');
    add(`${org}|${sex}|ALL`, value);
    add(`${org}|ALL|${age}`, value);
    add(`${org}|ALL|ALL`, value);
  }
  return totals;
}

/** Two fixed-looking path tokens per file, as files.digital.nhs.uk uses (`/1A/CD65B0/`), unique per month. */
function fileUrl(release: Release, name: string, salt: number): string {
  const token = ((release.index * 7919 + salt * 104729) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `https://files.digital.nhs.uk/${token.slice(0, 2)}/${token.slice(2, 8)}/${name}`;
}

function editionUrl(release: Release): string {
  const [year, month] = release.month.split('-');
  return `${SERIES_URL}/${MONTHS[Number(month) - 1]}-${year}`;
}

function seriesPage(release: Release): string {
  return `<!doctype html><html><body><h1>Patients Registered at a GP Practice</h1>
<div id="latest-statistics"><h2>Latest statistics</h2><a href="${editionUrl(release)}">Patients Registered at a GP Practice, ${release.month}</a></div>
</body></html>\n`;
}

function editionPage(urls: readonly string[]): string {
  const links = urls.map((url) => `<li><a href="${url}">${url.split('/').at(-1)}</a></li>`).join('\n');
  return `<!doctype html><html><body><h1>Patients Registered at a GP Practice</h1>
<div id="resources"><ul>\n${links}\n</ul></div></body></html>\n`;
}

const toCsv = (rows: readonly string[][]) => `${Papa.unparse(rows as string[][], { newline: '\r\n' })}\r\n`;

/**
 * Write one month's snapshot folder under `work`: the base vintage's resources (its `files/` linked, not copied)
 * with the GP source replaced by this month's series page, edition page and two generated files.
 */
export async function writeReleaseSnapshot(work: string, release: Release): Promise<SnapshotRef> {
  const dir = path.join(work, release.snapshotDate);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await mkdir(path.join(dir, 'gp'), { recursive: true });
  await symlink(path.join(release.base.dir, 'files'), path.join(dir, 'files'));
  const base = await readBase(release.base);
  const modified = new Date(`${release.month}-12T09:30:00Z`).toUTCString();
  const totalsUrl = fileUrl(release, 'gp-reg-pat-prac-all.csv', 1);
  const regionsUrl = fileUrl(release, 'gp-reg-pat-prac-sing-age-regions.csv', 2);
  const gpFiles: [string, string, string, string][] = [
    [SERIES_URL, 'gp/series.html', seriesPage(release), 'text/html; charset=utf-8'],
    [
      editionUrl(release),
      'gp/edition.html',
      editionPage([totalsUrl, regionsUrl]),
      'text/html; charset=utf-8',
    ],
    [totalsUrl, 'gp/totals.csv', toCsv(monthTotals(base.totals, release)), 'text/csv'],
    [regionsUrl, 'gp/regions.csv', toCsv(monthRegions(base.regions, release)), 'text/csv'],
  ];
  for (const [, file, body] of gpFiles) await writeFile(path.join(dir, file), body);
  const gpHosts = ['digital.nhs.uk', 'files.digital.nhs.uk'];
  const others = base.resources.filter((r) => !gpHosts.includes(new URL(r.url).hostname));
  const gp: SnapshotResource[] = gpFiles.map(([url, file, , contentType]) => ({
    url,
    file,
    status: 200,
    contentType,
    lastModified: modified,
    origin: 'derived',
  }));
  await writeFile(path.join(dir, 'resources', 'all.json'), JSON.stringify([...others, ...gp]));
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      date: release.snapshotDate,
      description: `History benchmark: GP edition ${release.month} on the code vintage of ${release.base.date}`,
      resources: [],
    }),
  );
  return { date: release.snapshotDate, dir: path.resolve(dir) };
}

/** Whether the GP source's discovery would follow the generated file URLs (guards against a catalogue change). */
export function gpUrlsFollowed(release: Release): boolean {
  const entry = catalogue.find((source) => source.id === GP_SOURCE);
  const pattern = entry?.discovery.at(-1)?.hrefPattern;
  if (pattern === undefined) return false;
  return [1, 2].every((salt) =>
    new RegExp(pattern).test(
      fileUrl(release, salt === 1 ? 'gp-reg-pat-prac-all.csv' : 'gp-reg-pat-prac-sing-age-regions.csv', salt),
    ),
  );
}
