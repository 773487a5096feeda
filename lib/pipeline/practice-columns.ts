import { z } from 'zod';
import type { GpPractice } from '../normalise/input.ts';
import {
  type PracticeKey,
  type PracticeTable,
  practiceKey,
  practiceTable,
} from '../normalise/resolved-inputs.ts';

/**
 * A GP file's practices in binary columns, the cache the re-based series reads for every edition on every run
 * (issue 15): a tenth of the time of JSON, and numeric practice keys that the re-basing compares without hashing
 * strings.
 *
 *   "ICSPRAC1" | header length (uint32 LE) | header (JSON, see Header) | padding to 8 bytes
 *   | patients (float64 LE × count)
 *   | practice keys (uint32 LE × count, base 36 of six-character codes; absent when `text_codes` holds them)
 *   | sub-ICB index into `subs` (uint16 LE × count)
 *
 * Every value is checked on reading; a file that fails is reported, and the caller derives it again.
 */

const MAGIC = 'ICSPRAC1';

const Header = z.object({
  count: z.int().nonnegative(),
  subs: z.array(z.string().min(3)).max(0xffff),
  /** The codes joined by commas, when any is not a six-character ODS code (keys are then the codes). */
  text_codes: z.string().nullable(),
});

/** The bytes of a practice table's cache file. */
export function encodePracticeColumns(unsorted: readonly GpPractice[]): Uint8Array {
  // In key order when every code is numeric, so the re-based series can merge an edition with the newest by key.
  const keyed = unsorted.map((practice) => [practiceKey(practice.practice_code), practice] as const);
  const practices = keyed.every(([key]) => typeof key === 'number')
    ? keyed.sort(([a], [b]) => (a as number) - (b as number)).map(([, practice]) => practice)
    : unsorted;
  const table = practiceTable(practices);
  const count = table.keys.length;
  const numeric = Array.from(table.keys).every((key) => typeof key === 'number');
  if (!numeric && practices.some((practice) => practice.practice_code.includes(',')))
    throw new RangeError('expected practice codes without commas');
  const header = Buffer.from(
    JSON.stringify({
      count,
      subs: table.subs,
      text_codes: numeric ? null : practices.map((practice) => practice.practice_code).join(','),
    }),
  );
  const start = align(MAGIC.length + 4 + header.length);
  const bytes = Buffer.alloc(start + count * (8 + 2 + (numeric ? 4 : 0)));
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(header.length, MAGIC.length);
  header.copy(bytes, MAGIC.length + 4);
  for (let index = 0; index < count; index++) {
    bytes.writeDoubleLE(table.patients[index] as number, start + index * 8);
    if (numeric) bytes.writeUInt32LE(table.keys[index] as number, start + count * 8 + index * 4);
    bytes.writeUInt16LE(table.sub[index] as number, start + count * (numeric ? 12 : 8) + index * 2);
  }
  return bytes;
}

/** A practice table from its cache file's bytes, or a one-line reason why they are not one. */
export function decodePracticeColumns(bytes: Uint8Array): PracticeTable | { problem: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < MAGIC.length + 4 || buffer.toString('latin1', 0, MAGIC.length) !== MAGIC)
    return { problem: `expected a file starting ${MAGIC}` };
  const headerLength = buffer.readUInt32LE(MAGIC.length);
  let header: z.infer<typeof Header>;
  try {
    header = Header.parse(
      JSON.parse(buffer.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)),
    );
  } catch {
    return { problem: 'expected a JSON header with count, subs and text_codes' };
  }
  const { count, subs } = header;
  const start = align(MAGIC.length + 4 + headerLength);
  const expected = start + count * (8 + 2 + (header.text_codes === null ? 4 : 0));
  if (buffer.length !== expected) return { problem: `expected ${expected} bytes, found ${buffer.length}` };
  // A copy: typed arrays need their own aligned memory, and the columns outlive the bytes read.
  const columns = new Uint8Array(buffer.subarray(start, expected)).buffer;
  const numeric = header.text_codes === null;
  const patients = new Float64Array(columns, 0, count);
  const keys = keysOf(header, columns, count);
  const sub = new Uint16Array(columns, count * (numeric ? 12 : 8), count);
  if (keys.length !== count) return { problem: `expected ${count} practice codes, found ${keys.length}` };
  let ascending = header.text_codes === null;
  for (let index = 0; index < count; index++) {
    if (ascending && index > 0 && (keys[index] as number) <= (keys[index - 1] as number)) ascending = false;
    const value = patients[index] as number;
    if (!Number.isSafeInteger(value) || value < 0)
      return { problem: `expected whole patient counts, found ${value} at practice ${index}` };
    if ((sub[index] as number) >= subs.length)
      return { problem: `expected sub-ICB indexes below ${subs.length} at practice ${index}` };
  }
  return { keys, subs, sub, patients, ascending };
}

function keysOf(header: z.infer<typeof Header>, columns: ArrayBuffer, count: number): ArrayLike<PracticeKey> {
  if (header.text_codes === null) return new Uint32Array(columns, count * 8, count);
  return header.text_codes === '' ? [] : header.text_codes.split(',').map(practiceKey);
}

function align(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}
