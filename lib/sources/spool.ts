import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/** How many leading bytes of a spooled body are kept in memory (enough for magic-number checks). */
export const SPOOL_HEAD_BYTES = 64;

/** A body written to a local scratch file while it streamed past, with its hash and size. */
export interface SpooledBody {
  /** The scratch file; the caller removes it once the body is stored. */
  path: string;
  sha256: string;
  bytes: number;
  /** The first bytes, for sniffing (ZIP magic) without reading the file back. */
  head: Uint8Array;
}

/**
 * Write chunks to a fresh file in `directory`, hashing them on the way, so a large body never sits in memory.
 * If the chunks throw (byte cap, reset, abort), the partial file is removed and the error passes on.
 */
export async function spoolChunks(
  chunks: AsyncIterable<Uint8Array>,
  directory: string,
): Promise<SpooledBody> {
  const file = path.join(directory, `spool-${randomBytes(8).toString('hex')}`);
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      if (headBytes < SPOOL_HEAD_BYTES) {
        const slice = chunk.slice(0, SPOOL_HEAD_BYTES - headBytes);
        head.push(slice);
        headBytes += slice.length;
      }
      // events.once rejects if the stream emits 'error' while we wait.
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    // The file is opened asynchronously: wait until the stream has closed (its open done) before removing it, or
    // an open that completes after the removal leaves the partial file behind.
    await new Promise<void>((resolve) => {
      if (out.closed) resolve();
      else out.once('close', () => resolve());
      out.destroy();
    });
    await rm(file, { force: true });
    throw error;
  }
  return { path: file, sha256: hash.digest('hex'), bytes, head: new Uint8Array(Buffer.concat(head)) };
}
