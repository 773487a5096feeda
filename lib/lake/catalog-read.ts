import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LakeDamagedError } from '../core/errors.ts';
import { isPartitioned, type Manifest, type ManifestFile } from './manifest.ts';
import type { Row } from './rows.ts';
import { getJson, type LakeStore, putJson, repairHint } from './store.ts';
import { assertDigest, jsonSources } from './versions.ts';

/**
 * The rows of a committed version whose line in the JSON edition (or, partitioned, in each JSON part) contains
 * every one of `needles`, each file checked against the manifest's hash as it streams. The JSON edition holds one
 * row per line, so a text filter before parsing lets the catalog take a few hundred headline rows out of a hundred
 * thousand without decoding or parsing the rest. The caller must still check the parsed rows: a needle is a
 * pre-filter, not a query.
 */
export async function readVersionRowsContaining(
  store: LakeStore,
  manifest: Manifest,
  needles: readonly string[],
): Promise<Row[]> {
  const cache = isPartitioned(manifest) ? await readLineCache(store, manifest.dataset, needles) : undefined;
  const kept: Record<string, string[]> = {};
  let scanned = 0;
  const rows: Row[] = [];
  for (const { key, file } of jsonSources(manifest)) {
    let lines = file === undefined ? undefined : cache?.[file.sha256];
    if (lines === undefined) {
      lines = await scanFile(store, manifest, key, file, needles);
      scanned += 1;
    }
    if (cache !== undefined && file !== undefined) kept[file.sha256] = lines;
    for (const line of lines) rows.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Row);
  }
  if (cache !== undefined && (scanned > 0 || Object.keys(cache).length !== Object.keys(kept).length)) {
    await putJson(store, lineCacheKey(manifest.dataset), { needles: [...needles], parts: kept });
  }
  return rows;
}

async function scanFile(
  store: LakeStore,
  manifest: Manifest,
  key: string,
  file: ManifestFile | undefined,
  needles: readonly string[],
): Promise<string[]> {
  const stream = file === undefined ? undefined : await store.getStream(key);
  if (stream === undefined || file === undefined) {
    throw new LakeDamagedError(
      `Dataset ${manifest.dataset} v${manifest.version} is committed but ${store.location}/${key} is missing`,
      key,
      repairHint(key),
    );
  }
  return streamLinesContaining(store, key, file, stream as AsyncIterable<Uint8Array>, needles);
}

/**
 * `state/catalog/<name>-lines.json`: the matching lines of each JSON part, by the part's sha256. Parts are
 * content-addressed and never change, so a release scans only the parts it wrote and takes the rest from here
 * (a full-history scan would read every part, ~700 MB, to draw one chart). Derived and rebuildable: a cache that
 * does not parse or was made for other needles is ignored.
 */
function lineCacheKey(name: string): string {
  return `state/catalog/${name}-lines.json`;
}

const LineCache = z.object({
  needles: z.array(z.string()),
  parts: z.record(z.string(), z.array(z.string())),
});

async function readLineCache(
  store: LakeStore,
  name: string,
  needles: readonly string[],
): Promise<Record<string, string[]>> {
  const parsed = LineCache.safeParse(await getJson(store, lineCacheKey(name)).catch(() => undefined));
  if (!parsed.success || JSON.stringify(parsed.data.needles) !== JSON.stringify(needles)) return {};
  return parsed.data.parts;
}

/**
 * The lines of a file that contain every needle, found chunk by chunk as it streams (a chunk's complete lines at a
 * time, the unfinished last line carried over), so no file is ever one buffer. The file's bytes are hashed on the
 * way and checked against the manifest before any line is returned.
 */
async function streamLinesContaining(
  store: LakeStore,
  key: string,
  expected: { sha256: string; bytes: number },
  chunks: AsyncIterable<Uint8Array>,
  needles: readonly string[],
): Promise<string[]> {
  const hash = createHash('sha256');
  let size = 0;
  let carry: Buffer = Buffer.alloc(0);
  const found: string[] = [];
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
    const text = carry.length === 0 ? Buffer.from(chunk) : Buffer.concat([carry, chunk]);
    const end = text.lastIndexOf(NEWLINE);
    if (end === -1) {
      carry = text;
      continue;
    }
    found.push(...linesContaining(text.subarray(0, end), needles));
    carry = Buffer.from(text.subarray(end + 1));
  }
  if (carry.length > 0) found.push(...linesContaining(carry, needles));
  assertDigest(store, key, hash.digest('hex'), size, expected);
  return found;
}

const NEWLINE = 0x0a;

/**
 * The lines of `text` that contain every needle, found by searching the bytes for the first needle (memchr-fast)
 * and decoding only the lines it hits, so the rest of a large file never becomes a JavaScript string.
 */
export function linesContaining(text: Buffer, needles: readonly string[]): string[] {
  const [first, ...others] = needles.map((needle) => Buffer.from(needle));
  if (first === undefined) throw new RangeError('linesContaining needs at least one needle');
  const lines: string[] = [];
  let at = text.indexOf(first);
  while (at !== -1) {
    const start = text.lastIndexOf(NEWLINE, at) + 1;
    const newline = text.indexOf(NEWLINE, at);
    const end = newline === -1 ? text.length : newline;
    const line = text.subarray(start, end);
    if (others.every((needle) => line.includes(needle))) lines.push(line.toString('utf8'));
    at = newline === -1 ? -1 : text.indexOf(first, end);
  }
  return lines;
}
