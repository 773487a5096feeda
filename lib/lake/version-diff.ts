import { createHash } from 'node:crypto';
import { type DatasetDefinition, rowKey } from '../core/dataset.ts';
import { LakeDamagedError } from '../core/errors.ts';
import { changedFields, diffRows, type RowsDiff } from './diff.ts';
import {
  editionFileNames,
  isPartitioned,
  lakePaths,
  type Manifest,
  type ManifestFile,
  partFiles,
} from './manifest.ts';
import { mergeDiffs } from './partitions.ts';
import { compareByPrimaryKey, type Row } from './rows.ts';
import { type LakeStore, repairHint } from './store.ts';
import { assertDigest, readManifest, readPartRows, readVersionRows } from './versions.ts';

/**
 * The diff of two committed versions read side by side as their JSON editions stream, line against line.
 *
 * Both editions are written by one canonical renderer (keys in schema order, rows sorted by primary key, one row
 * per line), so a line that is byte-identical in both is the same row, unchanged: it is skipped without being
 * parsed. Only lines that differ are parsed and merged by key. Memory holds the changes, not the versions, and
 * the time is a scan of the bytes plus the parse of what changed.
 *
 * The answer equals `diffRows` of the two versions read whole. Published versions are unique by `rowKey`, so a
 * key the walk cannot match as `rowKey` does (a `|` inside a value, a null) can only matter on a changed line;
 * a changed line with such a key, or an edition not laid out one row per line (written by hand), sends the diff
 * to `diffRows` on the versions read whole, which also reports any damage as it always has.
 */
export async function diffVersions(
  store: LakeStore,
  definition: DatasetDefinition,
  older: number,
  newer: number,
  observe?: LineObserver,
): Promise<{ diff: RowsDiff; previousRows: number; rows: number }> {
  const pair = await manifestPair(store, definition.name, older, newer);
  if (pair.partitioned === 'both') return diffPartitioned(store, definition, pair.before, pair.after);
  const walked =
    pair.partitioned === 'one'
      ? null
      : await walkLines(store, definition, older, newer, observe).catch((error: unknown) => {
          if (error instanceof NotLineLayout) return null;
          throw error;
        });
  if (walked !== null) return walked;
  observe?.reset();
  const before = older === 0 ? [] : await readVersionRows(store, definition.name, older);
  const after = await readVersionRows(store, definition.name, newer);
  if (observe !== undefined) {
    for (const row of before) observe.line('before', undefined, () => row);
    for (const row of after) observe.line('after', undefined, () => row);
  }
  return { diff: diffRows(definition, before, after), previousRows: before.length, rows: after.length };
}

/**
 * Sees every row line of both versions once, in order, as the walk passes it: the line's bytes (undefined when
 * the versions were read whole) and its row, parsed only if asked for. Lets a caller aggregate a version (per-key
 * counts, a few headline rows) in the same pass over the bytes, without holding or parsing it.
 */
export interface LineObserver {
  line(side: 'before' | 'after', line: Buffer | undefined, row: () => Row): void;
  /** Forget what was seen: the walk gave up part-way and the versions are read whole instead. */
  reset(): void;
}

/** The two manifests, and whether both, one or neither is stored in partitions. */
async function manifestPair(
  store: LakeStore,
  name: string,
  older: number,
  newer: number,
): Promise<
  { partitioned: 'both'; before: Manifest | undefined; after: Manifest } | { partitioned: 'one' | 'neither' }
> {
  const after = await readManifest(store, name, newer);
  const before = older === 0 ? undefined : await readManifest(store, name, older);
  const afterParts = after !== undefined && isPartitioned(after);
  const beforeParts = before === undefined ? afterParts : isPartitioned(before);
  if (after !== undefined && afterParts && beforeParts) return { partitioned: 'both', before, after };
  return { partitioned: afterParts || (before !== undefined && isPartitioned(before)) ? 'one' : 'neither' };
}

/**
 * Two partitioned versions: only partitions whose content hash differs are walked, line against line as their
 * JSON parts stream; a partition both versions share is never read. (No LineObserver: it would see only the
 * changed partitions; the feed profiles partitions on their own, see lib/feed/part-profiles.ts.)
 */
async function diffPartitioned(
  store: LakeStore,
  definition: DatasetDefinition,
  older: Manifest | undefined,
  newer: Manifest,
): Promise<{ diff: RowsDiff; previousRows: number; rows: number }> {
  const before = jsonPartsByName(older);
  const after = jsonPartsByName(newer);
  const diffs: RowsDiff[] = [];
  for (const partition of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [left, right] = [before.get(partition), after.get(partition)];
    if (left !== undefined && right !== undefined && left.sha256 === right.sha256) continue;
    const walked = await walkCursors(
      definition,
      left === undefined ? LineCursor.empty() : await LineCursor.openFile(store, left),
      async () => (right === undefined ? LineCursor.empty() : await LineCursor.openFile(store, right)),
    ).catch((error: unknown) => {
      if (error instanceof NotLineLayout) return null;
      throw error;
    });
    diffs.push(
      walked?.diff ??
        diffRows(
          definition,
          left === undefined ? [] : await readPartRows(store, left),
          right === undefined ? [] : await readPartRows(store, right),
        ),
    );
  }
  const count = (parts: Map<string, ManifestFile>) =>
    [...parts.values()].reduce((sum, file) => sum + file.rows, 0);
  return { diff: mergeDiffs(definition, diffs), previousRows: count(before), rows: count(after) };
}

function jsonPartsByName(manifest: Manifest | undefined): Map<string, ManifestFile> {
  return new Map(
    manifest === undefined ? [] : partFiles(manifest, 'json').map((file) => [file.partition ?? '', file]),
  );
}

async function walkLines(
  store: LakeStore,
  definition: DatasetDefinition,
  older: number,
  newer: number,
  observe?: LineObserver,
): Promise<{ diff: RowsDiff; previousRows: number; rows: number } | null> {
  const before = older === 0 ? LineCursor.empty() : await LineCursor.open(store, definition.name, older);
  return walkCursors(definition, before, () => LineCursor.open(store, definition.name, newer), observe);
}

/** The line-against-line merge of two opened editions; null when a changed line's key needs the keyed path. */
async function walkCursors(
  definition: DatasetDefinition,
  before: LineCursor,
  openAfter: () => Promise<LineCursor>,
  observe?: LineObserver,
): Promise<{ diff: RowsDiff; previousRows: number; rows: number } | null> {
  const after = await openAfter().catch(async (error: unknown) => {
    await before.close();
    throw error;
  });
  try {
    const walk = new KeyedWalk(definition);
    while (true) {
      if (!before.ready) await before.fill();
      if (!after.ready) await after.fill();
      const left = before.line;
      const right = after.line;
      if (left === undefined && right === undefined) break;
      if (left !== undefined && right !== undefined && left.equals(right)) {
        pass(before, 'before', observe);
        pass(after, 'after', observe);
        continue;
      }
      const step = walk.step(
        left === undefined ? undefined : before.row(),
        right === undefined ? undefined : after.row(),
      );
      if (step === null) return null;
      if (step <= 0) pass(before, 'before', observe);
      if (step >= 0) pass(after, 'after', observe);
    }
    before.verify();
    after.verify();
    return { diff: walk.diff, previousRows: before.rows, rows: after.rows };
  } finally {
    // Release the files (or connections) when the walk stops early; a finished stream closes itself.
    await before.close();
    await after.close();
  }
}

/** Move a cursor past its current line, showing the line to the observer first. */
function pass(cursor: LineCursor, side: 'before' | 'after', observe: LineObserver | undefined): void {
  observe?.line(side, cursor.line, () => cursor.row());
  cursor.advance();
}

/** The merge by key of the lines that differ; null when a key cannot be matched as `rowKey` would. */
class KeyedWalk {
  readonly diff: RowsDiff = { created: [], updated: [], deleted: [] };
  private readonly compare: (a: Row, b: Row) => number;
  private readonly declared: string[];

  constructor(private readonly definition: DatasetDefinition) {
    this.compare = compareByPrimaryKey(definition);
    this.declared = Object.keys(definition.schema.shape);
  }

  /** -1: the older row was deleted; 1: the newer row was created; 0: same key (updated or equal). */
  step(before: Row | undefined, after: Row | undefined): -1 | 0 | 1 | null {
    if ((before && !this.plainKey(before)) || (after && !this.plainKey(after))) return null;
    const order = before === undefined ? 1 : after === undefined ? -1 : this.compare(before, after);
    if (order < 0) {
      this.diff.deleted.push(before as Row);
      return -1;
    }
    if (order > 0) {
      this.diff.created.push(after as Row);
      return 1;
    }
    const changed = changedFields(this.declared, before as Row, after as Row);
    if (changed.length > 0)
      this.diff.updated.push({
        key: rowKey(this.definition, after as Row),
        before: before as Row,
        after: after as Row,
        changed_fields: changed,
      });
    return 0;
  }

  private plainKey(row: Row): boolean {
    return this.definition.primaryKey.every((column) => {
      const value = row[column];
      return (
        (typeof value === 'string' && !value.includes('|')) ||
        (typeof value === 'number' && Number.isFinite(value))
      );
    });
  }
}

/** An edition the line walk cannot read; the versions are then read whole (which reports real damage). */
class NotLineLayout extends Error {}

const NEWLINE = 10;
const COMMA = 44;

/**
 * The row lines of one JSON edition as its bytes stream: `line` is the current row's text without its trailing
 * comma. Lines of one chunk are cut at once, so moving on is synchronous until the chunk runs out (`fill`).
 * Hashes every byte, checked against the manifest by `verify`.
 */
class LineCursor {
  rows = 0;
  private lines: Buffer[] = [];
  private index = 0;
  private carry: Buffer = Buffer.alloc(0);
  private done = false;
  private opened = false;
  private closed = false;
  private parsed: Row | undefined;
  private readonly hash = createHash('sha256');
  private size = 0;

  private constructor(
    private readonly chunks: AsyncIterator<Uint8Array> | undefined,
    private readonly where: { store?: LakeStore; key: string; expected?: { sha256: string; bytes: number } },
  ) {
    if (chunks === undefined) {
      this.done = true;
      this.opened = true;
      this.closed = true;
    }
  }

  static empty(): LineCursor {
    return new LineCursor(undefined, { key: '' });
  }

  static async open(store: LakeStore, name: string, version: number): Promise<LineCursor> {
    const key = lakePaths.file(name, version, editionFileNames(name).json);
    const manifest = await readManifest(store, name, version);
    const stream = manifest === undefined ? undefined : await store.getStream(key);
    if (manifest === undefined || stream === undefined) {
      // Let the whole-version reader report what is missing, exactly as it always has.
      await readVersionRows(store, name, version);
      throw new LakeDamagedError(`${store.location}/${key} could not be read`, key, repairHint(key));
    }
    const expected = manifest.files.find((file) => file.name === editionFileNames(name).json);
    return new LineCursor((stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](), {
      store,
      key,
      ...(expected && { expected }),
    });
  }

  /** A partition's JSON part, by the lake key its manifest entry records. */
  static async openFile(store: LakeStore, file: ManifestFile): Promise<LineCursor> {
    const key = file.path ?? file.name;
    const stream = await store.getStream(key);
    if (stream === undefined)
      throw new LakeDamagedError(
        `${store.location}/${key} is missing, but listed in its manifest`,
        key,
        repairHint(key),
      );
    return new LineCursor((stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](), {
      store,
      key,
      expected: file,
    });
  }

  get ready(): boolean {
    return this.index < this.lines.length || this.done;
  }

  get line(): Buffer | undefined {
    return this.lines[this.index];
  }

  row(): Row {
    if (this.parsed === undefined) {
      try {
        this.parsed = JSON.parse((this.line as Buffer).toString('utf8')) as Row;
      } catch (error) {
        throw this.damaged(`a row line is not JSON (${(error as Error).message})`);
      }
    }
    return this.parsed;
  }

  advance(): void {
    this.index += 1;
    this.parsed = undefined;
  }

  /** Read chunks until at least one row line is buffered or the edition ends. */
  async fill(): Promise<void> {
    while (this.index >= this.lines.length && !this.done) {
      const next = await (this.chunks as AsyncIterator<Uint8Array>).next();
      if (next.done) {
        this.done = true;
        this.take(this.carry);
        this.carry = Buffer.alloc(0);
      } else {
        const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        this.hash.update(chunk);
        this.size += chunk.length;
        this.cut(this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]));
      }
    }
  }

  /** After the last line: the edition was complete and its bytes are the ones the manifest committed. */
  verify(): void {
    if (this.chunks === undefined) return;
    if (!this.closed) throw this.damaged('it ends before its closing "]"');
    // A mismatch is damage, whatever the layout: report it as the whole-version reader does.
    const { store, key, expected } = this.where;
    if (expected && store) assertDigest(store, key, this.hash.digest('hex'), this.size, expected);
  }

  /** Stop reading: destroys the underlying stream if it is still open. */
  async close(): Promise<void> {
    if (!this.done) await this.chunks?.return?.();
    this.done = true;
  }

  private cut(text: Buffer): void {
    this.lines = [];
    this.index = 0;
    let start = 0;
    for (let end = text.indexOf(NEWLINE, start); end !== -1; end = text.indexOf(NEWLINE, start)) {
      this.take(text.subarray(start, end));
      start = end + 1;
    }
    this.carry = Buffer.from(text.subarray(start));
  }

  private take(line: Buffer): void {
    if (line.length === 0 && (this.closed || this.done)) return;
    if (!this.opened) {
      this.opened = true;
      const text = line.toString('utf8');
      if (text === '[]') this.closed = true;
      else if (text !== '[') throw this.damaged('it does not start with "["');
      return;
    }
    if (this.closed) throw this.damaged('it has text after its closing "]"');
    if (line.length === 1 && line[0] === 93) {
      this.closed = true;
      return;
    }
    this.lines.push(line[line.length - 1] === COMMA ? line.subarray(0, -1) : line);
    this.rows += 1;
  }

  private damaged(what: string): Error {
    return new NotLineLayout(`${this.where.key} is not one row per line: ${what}`);
  }
}
