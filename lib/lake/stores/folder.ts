import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, unlinkSync } from 'node:fs';
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { describeError, LakeIoError } from '../../core/errors.ts';
import { assertSafeKey, type LakeObjectInfo, type LakeStore } from '../store.ts';

/** Marks a temporary file; `list` never shows one and `sweepTemporary` removes them. */
const TEMP_MARKER = '.tmp-';

/**
 * The folder (under the root, on the same filesystem, so `rename` and `link` out of it stay atomic) where writes
 * are prepared: sweeping it costs one directory read however large the lake grows. No key can name it.
 */
const TEMP_FOLDER = '.tmp';

/** Writes a body into an open file. Injected by fault tests (a partial write, then ENOSPC). */
export type BodyWriter = (handle: FileHandle, body: Uint8Array | string) => Promise<void>;

/** Options for {@link FolderLakeStore}. */
export interface FolderLakeStoreOptions {
  /** How a body is written into its temporary file (default `handle.writeFile`). For fault injection only. */
  writeBody?: BodyWriter;
  /** fsync each file and its folder before it becomes visible (default true; a crash then loses nothing). */
  durable?: boolean;
}

/**
 * A lake in a local folder. Every write goes to a temporary file beside its target, is flushed to disk, and is
 * then moved into place in one atomic step: `rename` for `put`, `link` for `putIfAbsent` (which fails if the
 * target exists, so the filesystem enforces create-if-absent). A reader therefore sees the old object or the
 * new one, never part of one, whatever happens to the process or the disk mid-write. A temporary file left by a
 * killed process is invisible to `list` and removed by `sweepTemporary` at the start of the next run.
 */
export class FolderLakeStore implements LakeStore {
  readonly location: string;
  readonly enforcesConditionalCreate = true;
  private readonly root: string;
  private readonly writeBody: BodyWriter;
  private readonly durable: boolean;
  /** Temporary files this process is writing now, so a signal handler can remove them before exiting. */
  private readonly inFlight = new Set<string>();
  /** Set by abandonWrites: the process is stopping, so no new write may start (its temporary file would stay). */
  private abandoned = false;

  /** @param root the folder holding the lake; created on first write. */
  constructor(root: string, options: FolderLakeStoreOptions = {}) {
    this.root = path.resolve(root);
    this.location = pathToFileURL(this.root).href;
    this.writeBody = options.writeBody ?? ((handle, body) => handle.writeFile(body));
    this.durable = options.durable ?? true;
  }

  /** The absolute folder of the lake. */
  get folder(): string {
    return this.root;
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    if (key === TEMP_FOLDER || key.startsWith(`${TEMP_FOLDER}/`))
      throw new RangeError(
        `Unsafe lake key: ${JSON.stringify(key)} (${TEMP_FOLDER}/ holds writes in progress)`,
      );
    return path.join(this.root, ...key.split('/'));
  }

  private tempPathFor(target: string): string {
    const name = `${path.basename(target)}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;
    return path.join(this.root, TEMP_FOLDER, name);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if (isNotFound(error) || isDirectory(error)) return undefined;
      throw error;
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return createReadStream(file);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.pathOf(key);
    await this.writeTemp(
      key,
      target,
      (temp) => this.writeBytes(temp, body),
      (temp) => rename(temp, target),
    );
  }

  async putStream(key: string, body: Readable): Promise<void> {
    const target = this.pathOf(key);
    await this.writeTemp(
      key,
      target,
      async (temp) => {
        await pipeline(body, createWriteStream(temp));
        if (this.durable) await syncFile(temp);
      },
      (temp) => rename(temp, target),
    );
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const target = this.pathOf(key);
    let created = true;
    await this.writeTemp(
      key,
      target,
      (temp) => this.writeBytes(temp, body),
      async (temp) => {
        try {
          await link(temp, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          created = false;
        }
        await unlink(temp);
      },
    );
    return created;
  }

  /**
   * Write a temporary file beside `target` with `fill` (which flushes it), then `place` it (rename or link). On any
   * failure the temporary file is removed and the error names the key; the target is untouched.
   */
  private async writeTemp(
    key: string,
    target: string,
    fill: (temp: string) => Promise<void>,
    place: (temp: string) => Promise<void>,
  ): Promise<void> {
    if (this.abandoned)
      throw new LakeIoError(`Not writing ${this.location}/${key}: the process is stopping`, key);
    const dir = path.dirname(target);
    const temp = this.tempPathFor(target);
    this.inFlight.add(temp);
    try {
      await mkdir(dir, { recursive: true });
      await mkdir(path.dirname(temp), { recursive: true });
      await fill(temp);
      await place(temp);
      if (this.durable) await syncFolder(dir);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw new LakeIoError(`Could not write ${this.location}/${key}: ${describeError(error)}`, key);
    } finally {
      this.inFlight.delete(temp);
    }
  }

  /** Write bytes to a new file and flush them to disk. */
  private async writeBytes(file: string, body: Uint8Array | string): Promise<void> {
    const handle = await open(file, 'w');
    try {
      await this.writeBody(handle, body);
      if (this.durable) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Remove the temporary files of writes in progress in this process (called on SIGINT/SIGTERM). */
  abandonWrites(): number {
    this.abandoned = true;
    let removed = 0;
    for (const temp of this.inFlight) {
      try {
        unlinkSync(temp);
        removed += 1;
      } catch {
        // Already placed or removed.
      }
    }
    this.inFlight.clear();
    return removed;
  }

  /** Remove every temporary file in the lake (left by a process that died mid-write). Returns their keys. */
  async sweepTemporary(): Promise<string[]> {
    const swept: string[] = [];
    const sweep = async (key: string, file: string) => {
      if (!path.basename(file).includes(TEMP_MARKER) || this.inFlight.has(file)) return;
      await rm(file, { force: true });
      swept.push(key);
    };
    const tempFolder = path.join(this.root, TEMP_FOLDER);
    // A lake without the temporary folder was last written before it existed, when temporary files were made
    // beside their targets: sweep the whole lake once (the folder exists after the next write).
    const whole = !(await stat(tempFolder).then(
      (found) => found.isDirectory(),
      () => false,
    ));
    if (whole) await this.walk(this.root, '', sweep);
    else await this.walk(tempFolder, TEMP_FOLDER, sweep);
    return swept;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<LakeObjectInfo[]> {
    const found: LakeObjectInfo[] = [];
    await this.walk(
      this.root,
      '',
      async (key, file) => {
        if (!key.startsWith(prefix) || path.basename(file).includes(TEMP_MARKER)) return;
        found.push({ key, bytes: (await stat(file)).size });
      },
      (key) => key.startsWith(prefix) || prefix.startsWith(`${key}/`),
    );
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(
    dir: string,
    keyPrefix: string,
    visit: (key: string, file: string) => Promise<void>,
    descend: (key: string) => boolean = () => true,
  ): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (descend(key)) await this.walk(file, key, visit, descend);
      } else if (entry.isFile()) {
        await visit(key, file);
      }
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

/** fsync a file written through a stream. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a folder, so a rename or link in it survives a power cut. Some filesystems refuse; that is fine. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isDirectory(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EISDIR';
}
