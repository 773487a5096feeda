/**
 * Helpers shared by the data-snapshot generator (`build-data-snapshots.ts`) and its 2023-2026 era module
 * (`era-data-snapshots.ts`): CSV writing, fixed tokens for opaque URL segments, HTTP dates, ZIP packing, and the
 * derivation of single-year-of-age GP files from organisation totals.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import yazl from 'yazl';
import type { SnapshotResource } from '../lib/sources/snapshot-manifest.ts';

export const BOM = '\ufeff';

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  eol: string,
): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join(eol) + eol;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A fixed, random-looking token: the live sites use opaque path segments that cannot be templated. */
export function token(seed: string, length: number, upper = true): string {
  const hex = createHash('sha256').update(seed).digest('hex').slice(0, length);
  return upper ? hex.toUpperCase() : hex;
}

export function httpDate(isoDateTime: string): string {
  return new Date(isoDateTime).toUTCString();
}

export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1000))} kB`;
}

export async function zipOne(entryName: string, body: Buffer, mtime: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(body, entryName, { mtime, mode: 0o100644, compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Records one served file of a snapshot: writes the body and remembers its resource entry. */
export type AddFile = (
  date: string,
  sourceId: string,
  url: string,
  relativeFile: string,
  body: string | Buffer,
  resource: Omit<SnapshotResource, 'url' | 'file' | 'status'>,
) => void;

/** The snapshot-relative file path for a URL (`<host><path>`, `index.html` for a path ending in `/`). */
export function fileForUrl(url: string, fallbackName = 'index.html'): string {
  const parsed = new URL(url);
  const pathname = parsed.pathname.endsWith('/') ? `${parsed.pathname}${fallbackName}` : parsed.pathname;
  return path.posix.join(parsed.host, pathname);
}

/** An ONS lookup or names-and-codes list as the portal serves it. */
export interface LookupDataset {
  slug: string;
  title: string;
  description: string;
  /** ISO date-time of publication (Last-Modified of the page and the CSV). */
  publishedAt: string;
  csv: string | Buffer;
  origin: 'real' | 'derived';
  note: string;
}

// ---------------------------------------------------------------------------------------------------------------
// GP registration files

export const SUB_ICB_ERA_HEADER = [
  'PUBLICATION',
  'EXTRACT_DATE',
  'TYPE',
  'SUB_ICB_LOCATION_CODE',
  'ONS_SUB_ICB_LOCATION_CODE',
  'CODE',
  'POSTCODE',
  'SEX',
  'AGE',
  'NUMBER_OF_PATIENTS',
];

export interface OrgTotal {
  orgCode: string;
  onsCode: string;
  patients: number;
}

export function scaleCount(count: number, ppm: number): number {
  return Math.floor((count * ppm + 500_000) / 1_000_000);
}

/** Split `total` in proportion to integer `weights`, largest remainder first (ties to the earlier slot). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = weights.map((weight) => Math.floor((total * weight) / weightSum));
  const remainders = weights.map((weight, index) => ({ index, remainder: (total * weight) % weightSum }));
  let left = total - shares.reduce((sum, share) => sum + share, 0);
  remainders.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

export const AGES = [...Array.from({ length: 95 }, (_, age) => String(age)), '95+'];
/** Within-band weights: flat in 0-17 and 18-64; in 65+ falling linearly from 31 at 65 to 2 at 94, and 2 for 95+. */
function ageWeight(index: number): number {
  if (index < 65) return 1;
  if (index <= 94) return 31 - (index - 65);
  return 2;
}
/** Male share in per mille: 512 under 18, 500 for 18-64, falling 6 per year from 480 at 65, 280 for 95+. */
function malePerMille(index: number): number {
  if (index < 18) return 512;
  if (index < 65) return 500;
  if (index <= 94) return 480 - (index - 65) * 6;
  return 280;
}

export const SING_AGE_METHOD =
  "Each organisation's total is the sum of its practices in this edition's totals file. It is split into the ONS mid-2019 bands 0-17, 18-64 and 65+ (file 05, summed to the organisation) by largest remainder; within a band ages are weighted 1 each for 0-94 below 65, 31 falling by 1 a year to 2 at 94 for 65-94, and 2 for 95+, again by largest remainder; males per age = round(n x m/1000) with m = 512 under 18, 500 for 18-64, 480 - 6 x (age - 65) for 65-94 and 280 for 95+, females = n - males. SEX=ALL rows are the sums, AGE=ALL rows the totals, so every figure adds up exactly to the organisation total.";

/**
 * The single-year-of-age file for organisation totals, by the method in SING_AGE_METHOD. `bandsOf` gives the
 * ONS (0-17, 18-64, 65+) weights of an organisation.
 */
export function singleYearOfAgeCsv(
  orgTotals: readonly OrgTotal[],
  bandsOf: (orgCode: string) => readonly [number, number, number] | undefined,
  orgType: string,
  extractDate: string,
): string {
  const rows: (string | number)[][] = [];
  for (const org of orgTotals) {
    const band = bandsOf(org.orgCode);
    if (!band) throw new Error(`no ONS age bands for ${org.orgCode}`);
    const [young, adult, old] = apportion(org.patients, band) as [number, number, number];
    const perAge = [
      ...apportion(
        young,
        AGES.slice(0, 18).map((_, i) => ageWeight(i)),
      ),
      ...apportion(
        adult,
        AGES.slice(18, 65).map((_, i) => ageWeight(i + 18)),
      ),
      ...apportion(
        old,
        AGES.slice(65).map((_, i) => ageWeight(i + 65)),
      ),
    ];
    const males = perAge.map((count, index) => Math.floor((count * malePerMille(index) + 500) / 1000));
    const females = perAge.map((count, index) => count - (males[index] ?? 0));
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    const prefix = ['GP_PRAC_PAT_LIST', extractDate, orgType, org.orgCode, org.onsCode];
    for (const [sex, counts] of [
      ['ALL', perAge],
      ['MALE', males],
      ['FEMALE', females],
    ] as const) {
      rows.push([...prefix, sex, 'ALL', sum(counts)]);
      counts.forEach((count, index) => {
        rows.push([...prefix, sex, AGES[index] ?? '', count]);
      });
    }
  }
  return toCsv(
    ['PUBLICATION', 'EXTRACT_DATE', 'ORG_TYPE', 'ORG_CODE', 'ONS_CODE', 'SEX', 'AGE', 'NUMBER_OF_PATIENTS'],
    rows,
    '\r\n',
  );
}
