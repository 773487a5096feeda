import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetColumns } from '../../lib/lake/columns.ts';
import { csvEditionPieces, renderCsv } from '../../lib/lake/formats/csv.ts';
import { jsonEditionPieces, parseJsonEditionStream, renderJson } from '../../lib/lake/formats/json.ts';
import type { Row } from '../../lib/lake/rows.ts';
import { regionsDataset } from '../fixtures/lake/datasets.ts';

// Issue 15: a full-history ics_population edition passes V8's string limit, so editions are written and read in
// pieces. The bytes must stay exactly what the one-string renderers wrote before.

const columns = datasetColumns(regionsDataset);

/** Text with the characters that matter to line splitting and UTF-8: newlines, quotes, commas, multi-byte. */
const awkwardText = fc.string({
  unit: fc.constantFrom('a', 'Z', ',', '"', '\n', '\r', '[', ']', '{', '}', 'é', '€', '𝄞', '\u2028', ' '),
  maxLength: 12,
});

const region = fc.record({
  region_code: fc.constantFrom('E01', 'E02', 'E03'),
  name: awkwardText,
  population: fc.integer({ min: -5, max: 1_000_000 }),
  share_pct: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  designated: fc.boolean(),
  designated_on: fc.option(fc.constantFrom('2021-04-01', '2022-07-01'), { nil: null }),
  sub_icb_codes: fc.array(awkwardText, { maxLength: 3 }),
  kind: fc.constantFrom('ics', 'stp'),
}) as fc.Arbitrary<Row>;

/** The renderers as they were before pieces (one string), kept here as the reference. */
function oneStringJson(rows: readonly Row[]): string {
  const lines = rows.map((row) =>
    JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]))),
  );
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** Split bytes into chunks at the given cut points (any byte, even inside a multi-byte character). */
async function* chunked(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

describe('edition pieces', () => {
  it('join to exactly the JSON the one-string renderer wrote', () => {
    fc.assert(
      fc.property(fc.array(region, { maxLength: 30 }), (rows) => {
        expect([...jsonEditionPieces(columns, rows)].join('')).toBe(oneStringJson(rows));
        expect(renderJson(columns, rows)).toBe(oneStringJson(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('join to the same CSV and JSON, in more than one piece for a large edition', () => {
    const rows = Array.from({ length: 4500 }, (_, i) => ({
      region_code: 'E01',
      name: `n${i}`,
      population: i,
      share_pct: null,
      designated: true,
      designated_on: null,
      sub_icb_codes: ['00L'],
      kind: 'ics',
    }));
    const pieces = [...csvEditionPieces(columns, rows)];
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(renderCsv(columns, rows));
    expect(pieces.join('').split('\r\n')).toHaveLength(rows.length + 2);
    const jsonPieces = [...jsonEditionPieces(columns, rows)];
    expect(jsonPieces.length).toBeGreaterThan(2);
    expect(jsonPieces.join('')).toBe(oneStringJson(rows));
  });
});

describe('parseJsonEditionStream', () => {
  it('reads back any JSON edition, however its bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(region, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (rows, cuts) => {
          const bytes = Buffer.from(oneStringJson(rows), 'utf8');
          expect(await parseJsonEditionStream(chunked(bytes, cuts))).toEqual(
            JSON.parse(bytes.toString('utf8')),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads a small array in another layout whole', async () => {
    const pretty = Buffer.from(JSON.stringify([{ a: 1 }, { a: 2 }], null, 2));
    expect(await parseJsonEditionStream(chunked(pretty, [3, 10]))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses text that is not an array of rows', async () => {
    await expect(parseJsonEditionStream(chunked(Buffer.from('{"a":1}\n'), []))).rejects.toThrow(
      /array of rows/,
    );
    await expect(parseJsonEditionStream(chunked(Buffer.from('[\n{"a":1},\n{"a":'), []))).rejects.toThrow(
      SyntaxError,
    );
  });
});
