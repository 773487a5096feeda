import { LakeDamagedError } from '../core/errors.ts';
import {
  editionFileNames,
  fileKey,
  isPartitioned,
  lakePaths,
  type Manifest,
  type ManifestFile,
  partFiles,
} from './manifest.ts';
import type { Row } from './rows.ts';
import { type LakeStore, repairHint } from './store.ts';
import { assertHash } from './versions.ts';

/**
 * The rows of a committed version whose line in the JSON edition contains every one of `needles`, checked against
 * the manifest's hash first. The JSON edition holds one row per line, so a text filter before parsing lets the
 * catalog take a few hundred headline rows out of a hundred thousand without decoding or parsing the rest. The caller must still check the parsed rows: a needle is a pre-filter, not a query.
 */
export async function readVersionRowsContaining(
  store: LakeStore,
  manifest: Manifest,
  needles: readonly string[],
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { key, file } of jsonFilesOf(manifest)) {
    const bytes = await store.get(key);
    if (bytes === undefined || file === undefined) {
      throw new LakeDamagedError(
        `Dataset ${manifest.dataset} v${manifest.version} is committed but ${store.location}/${key} is missing`,
        key,
        repairHint(key),
      );
    }
    assertHash(store, key, bytes, file);
    for (const line of linesContaining(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      needles,
    ))
      rows.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Row);
  }
  return rows;
}

/** The JSON files of a version: its edition, or (partitioned) each part, read one at a time. */
function jsonFilesOf(manifest: Manifest): { key: string; file: ManifestFile | undefined }[] {
  if (isPartitioned(manifest))
    return partFiles(manifest, 'json').map((file) => ({ key: fileKey(manifest, file), file }));
  const fileName = editionFileNames(manifest.dataset).json;
  return [
    {
      key: lakePaths.file(manifest.dataset, manifest.version, fileName),
      file: manifest.files.find((candidate) => candidate.name === fileName),
    },
  ];
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
