import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractArchiveFile, looksLikeZip } from '../../sources/archive.ts';
import { extensionFor, storeRawFile } from '../../sources/raw-zone.ts';
import { type SpooledBody, spoolChunks } from '../../sources/spool.ts';
import { redactUrl } from '../../sources/url-guard.ts';
import { remember } from './fetch-object.ts';
import type { AcquireSession, FetchedObject } from './session.ts';

/**
 * Record a document and, when it is a ZIP the source expects (its catalogue names an entry pattern), store each
 * matching entry as a raw object of its own. Entries already extracted from these very bytes are reused, so an
 * unchanged archive costs no inflate.
 */
export async function unpack(
  session: AcquireSession,
  document: FetchedObject,
  parentUrl: string,
): Promise<void> {
  const pattern = session.entry.archiveEntryPattern;
  const isArchive = pattern !== undefined && looksLikeZip(document.head);
  remember(session, document, 'document', { parentUrl, isArchive, parse: !isArchive });
  if (!isArchive || (await reuseKnownEntries(session, document))) return;
  session.deps.onProgress?.(`unpacking ${redactUrl(document.url)}`);
  const archiveFile = document.spooledPath ?? (await copyToScratch(session, document.stored.key));
  const entries = await extractArchiveFile(
    archiveFile,
    {
      entryPattern: pattern,
      sourceId: session.entry.id,
      url: redactUrl(document.url),
      ...(session.deps.archiveLimits && { limits: session.deps.archiveLimits }),
    },
    (_name, chunks) => spoolChunks(chunks, session.scratch),
  );
  for (const { name, result } of entries) await storeEntry(session, document, name, result);
}

/** The entries of an archive with these bytes, if an earlier acquire extracted them all and they are still stored. */
async function reuseKnownEntries(session: AcquireSession, document: FetchedObject): Promise<boolean> {
  const known = session.previous.objects.filter(
    (object) => object.role === 'archive-entry' && object.parentSha256 === document.stored.sha256,
  );
  if (known.length === 0) return false;
  const present = await Promise.all(known.map((object) => session.deps.store.exists(object.key)));
  if (!present.every(Boolean)) return false;
  session.objects.push(...known);
  return true;
}

/** Store one extracted entry with the archive's provenance, and record it as a document to parse. */
async function storeEntry(
  session: AcquireSession,
  document: FetchedObject,
  name: string,
  spooledEntry: SpooledBody,
): Promise<void> {
  const ext = extensionFor(
    `https://archive.invalid/${encodeURIComponent(name)}`,
    undefined,
    spooledEntry.head,
  );
  const stored = await storeRawFile(session.deps.store, session.entry.id, spooledEntry, ext, {
    role: 'archive-entry',
    requestedUrl: redactUrl(document.url),
    finalUrl: redactUrl(document.finalUrl),
    status: 200,
    headers: { 'content-type': null, etag: null, 'last-modified': null, 'content-length': null, date: null },
    fetchedAt: session.now,
    runId: session.input.runId,
    parentUrl: redactUrl(document.url),
    parentSha256: document.stored.sha256,
    archiveEntry: name,
  });
  await rm(spooledEntry.path, { force: true });
  if (stored.created) session.newObjects++;
  remember(
    session,
    {
      url: document.url,
      finalUrl: document.finalUrl,
      stored: { key: stored.key, sha256: stored.sha256, ext, fetchedAt: stored.provenance.fetchedAt },
      contentType: null,
    },
    'archive-entry',
    {
      parentUrl: redactUrl(document.url),
      parentSha256: document.stored.sha256,
      archiveEntry: name,
      parse: true,
    },
  );
}

/** Stream a stored object into a scratch file (an unchanged archive whose entries must be extracted again). */
async function copyToScratch(session: AcquireSession, key: string): Promise<string> {
  const source = await session.deps.store.getStream(key);
  if (source === undefined)
    throw new RangeError(`Raw object ${key} is named in the lake's state but missing`);
  const file = path.join(session.scratch, `copy-${path.basename(key)}`);
  await pipeline(source, createWriteStream(file));
  return file;
}
