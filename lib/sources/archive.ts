import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ArchiveRefusedError } from '../core/errors.ts';

/** Limits applied to every archive; the defaults fit NHS Digital's attachments with a wide margin. */
export interface ArchiveLimits {
  /** Largest uncompressed size of one entry, declared and actual (default 512 MiB). */
  maxEntryBytes: number;
  /** Largest uncompressed size of all extracted entries together (default 1 GiB). */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of one entry, declared and actual (default 200). */
  maxCompressionRatio: number;
  /** Most entries the central directory may list (default 64). */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxEntries: 64,
};

/** One extracted entry. */
export interface ArchiveEntry {
  /** The entry's path inside the archive. */
  name: string;
  bytes: Uint8Array;
}

export interface ExtractOptions {
  /** Regular expression on each entry's base name; only matching entries are extracted. */
  entryPattern: string;
  sourceId: string;
  /** The archive's URL, for error messages. */
  url: string;
  limits?: Partial<ArchiveLimits>;
}

/** Entries that archivers add on their own and that are skipped rather than refused. */
const IGNORABLE = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)/;

/** Whether bytes start with a ZIP local file header. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

/**
 * Extract the entries of a ZIP that match the source's pattern, streaming each through inflate under the limits.
 * Refuses (ArchiveRefusedError) unsafe names, bomb-like sizes or ratios, unexpected files, and archives with no
 * matching entry. Entries are collected in memory: for small archives (tests); acquisition uses extractArchiveFile.
 */
export async function extractArchive(archive: Uint8Array, options: ExtractOptions): Promise<ArchiveEntry[]> {
  const opened = () =>
    new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(Buffer.from(archive), ZIP_OPTIONS, (error, file) =>
        error ? reject(error) : resolve(file),
      ),
    );
  const entries = await walkArchive(opened, options, async (_name, chunks) => {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return new Uint8Array(Buffer.concat(parts));
  });
  return entries.map(({ name, result }) => ({ name, bytes: result }));
}

/**
 * As extractArchive, for an archive in a local file: yauzl reads the central directory and each entry from the file,
 * and each matching entry's inflated bytes are handed to `consume` as they stream (under the same limits), so
 * neither the archive nor an entry is ever whole in memory. Returns what `consume` returned, per entry.
 */
export function extractArchiveFile<T>(
  file: string,
  options: ExtractOptions,
  consume: (name: string, chunks: AsyncIterable<Buffer>) => Promise<T>,
): Promise<{ name: string; result: T }[]> {
  const opened = () =>
    new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(file, ZIP_OPTIONS, (error, zip) => (error ? reject(error) : resolve(zip))),
    );
  return walkArchive(opened, options, consume);
}

const ZIP_OPTIONS = { lazyEntries: true, validateEntrySizes: true, strictFileNames: true } as const;

async function walkArchive<T>(
  open: () => Promise<ZipFile>,
  options: ExtractOptions,
  consume: (name: string, chunks: AsyncIterable<Buffer>) => Promise<T>,
): Promise<{ name: string; result: T }[]> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const pattern = new RegExp(options.entryPattern);
  const refuse = (reason: string) =>
    new ArchiveRefusedError(
      `Refused archive ${options.url} (source ${options.sourceId}): ${reason}`,
      options.sourceId,
      options.url,
    );
  let zip: ZipFile;
  try {
    zip = await open();
  } catch (error) {
    throw refuse(`not a readable ZIP: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw refuse(`${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
  }
  const extracted: { name: string; result: T }[] = [];
  const total = { bytes: 0 };
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      const unsafe = unsafeNameReason(name);
      if (unsafe) throw refuse(`entry ${JSON.stringify(name)} ${unsafe}`);
      if (IGNORABLE.test(name)) continue;
      const baseName = name.split('/').at(-1) ?? name;
      if (!pattern.test(baseName)) {
        throw refuse(
          `unexpected entry ${JSON.stringify(name)} (expected names matching /${options.entryPattern}/)`,
        );
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        throw refuse(
          `entry ${name} declares ${entry.uncompressedSize} bytes, over the limit of ${limits.maxEntryBytes}`,
        );
      }
      const compressed = Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize / compressed > limits.maxCompressionRatio) {
        throw refuse(
          `entry ${name} declares a compression ratio of ${Math.round(entry.uncompressedSize / compressed)}:1, over the limit of ${limits.maxCompressionRatio}:1`,
        );
      }
      const actualLimit = Math.min(limits.maxEntryBytes, compressed * limits.maxCompressionRatio);
      const result = await consume(
        name,
        readEntry(zip, entry, actualLimit, limits.maxTotalBytes, total, refuse),
      );
      extracted.push({ name, result });
    }
  } catch (error) {
    if (error instanceof ArchiveRefusedError) throw error;
    throw refuse(error instanceof Error ? error.message : String(error));
  } finally {
    zip.close();
  }
  if (extracted.length === 0) throw refuse(`no entry matches /${options.entryPattern}/`);
  return extracted;
}

function unsafeNameReason(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').some((segment) => segment === '..')) return 'escapes the archive (path traversal)';
  if (name.includes('\u0000')) return 'contains a NUL byte';
  return undefined;
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** An entry's inflated chunks, refused as soon as they pass the entry's limit or the archive's running total. */
async function* readEntry(
  zip: ZipFile,
  entry: Entry,
  entryLimit: number,
  maxTotalBytes: number,
  total: { bytes: number },
  refuse: (reason: string) => ArchiveRefusedError,
): AsyncGenerator<Buffer> {
  const stream = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
  );
  let received = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      received += chunk.length;
      total.bytes += chunk.length;
      if (received > entryLimit) {
        throw refuse(
          `entry ${entry.fileName} inflates past ${entryLimit} bytes (size or compression-ratio limit; declared ${entry.uncompressedSize})`,
        );
      }
      if (total.bytes > maxTotalBytes) throw refuse('the archive inflates past the total size limit');
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}
