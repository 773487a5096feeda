import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { z } from 'zod';
import { SourceDataError, SourceLayoutError } from '../../lib/core/errors.ts';
import {
  aggregateGpRegistrationBatches,
  aggregateGpRegistrations,
  detectGpLayout,
  type GpRegistrationAggregate,
  isValidGpRegistrationRow,
  parseGpRegistrationBatches,
  parseGpRegistrations,
} from '../../lib/parse/gp-registrations.ts';
import { GpRegistrationRow } from '../../lib/parse/records.ts';
import { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';

const fixtureDir = path.resolve(import.meta.dirname, '../fixtures/csv/gp-registrations');
const snapshotsDir = path.resolve(import.meta.dirname, '../../snapshots');
const referenceDir = path.resolve(import.meta.dirname, '../fixtures/reference');
const URL_ = 'https://files.digital.nhs.uk/AB/CDEF12/gp-reg-pat-prac-all.csv';

function fixtureText(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8');
}

function golden(name: string): GpRegistrationRow[] {
  return JSON.parse(fixtureText(`${name}.golden.json`)) as GpRegistrationRow[];
}

/** A stream of the text in small chunks, so record boundaries fall inside chunks as they do on the wire. */
function streamOf(text: string | Buffer, chunkBytes = 64): Readable {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkBytes)
    chunks.push(bytes.subarray(offset, offset + chunkBytes));
  return Readable.from(chunks);
}

async function collect(text: string, url = URL_): Promise<GpRegistrationRow[]> {
  const rows: GpRegistrationRow[] = [];
  for await (const row of parseGpRegistrations(streamOf(text), { url })) rows.push(row);
  return rows;
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the parser to throw');
}

/** Sum of the last column of a simple (unquoted) CSV: an oracle independent of the parser. */
function naiveTotal(text: string): { rows: number; patients: number } {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  return {
    rows: lines.length - 1,
    patients: lines.slice(1).reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(',') + 1)), 0),
  };
}

interface ManifestEntry {
  url: string;
  file: string;
}

function attachment(
  date: string,
  name: 'gp-reg-pat-prac-all' | 'gp-reg-pat-prac-sing-age-regions',
): ManifestEntry {
  const entries = JSON.parse(
    readFileSync(path.join(snapshotsDir, date, 'resources', 'nhsd-gp-registrations.json'), 'utf8'),
  ) as ManifestEntry[];
  const entry = entries.find((candidate) => new RegExp(`/${name}\\.(csv|zip)$`).test(candidate.url));
  if (!entry) throw new Error(`no ${name} in ${date}`);
  return entry;
}

function zipEntry(file: string, entryName: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) =>
          streamError || !stream ? reject(streamError) : resolve(stream),
        );
      });
      zip.on('end', () => reject(new Error(`${entryName} not in ${file}`)));
      zip.readEntry();
    });
  });
}

async function attachmentStream(date: string, name: Parameters<typeof attachment>[1]): Promise<Readable> {
  const entry = attachment(date, name);
  const file = path.join(snapshotsDir, date, entry.file);
  return entry.file.endsWith('.zip') ? zipEntry(file, `${name}.csv`) : createReadStream(file);
}

async function attachmentText(date: string, name: Parameters<typeof attachment>[1]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await attachmentStream(date, name)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function aggregateAttachment(date: string, name: Parameters<typeof attachment>[1]) {
  const entry = attachment(date, name);
  return aggregateGpRegistrations(
    parseGpRegistrations(await attachmentStream(date, name), { url: entry.url }),
    {
      url: entry.url,
    },
  );
}

describe('parseGpRegistrations: layouts', () => {
  it('parses the CCG-era totals file (01JAN2021 dates) into the golden rows', async () => {
    expect(await collect(fixtureText('ccg-era-totals.csv'))).toEqual(golden('ccg-era-totals'));
  });

  it('parses the sub-ICB-era header with ISO extract dates', async () => {
    expect(await collect(fixtureText('sub-icb-era-totals.csv'))).toEqual(golden('sub-icb-era-totals'));
  });

  it('reads the published April 2026 sub-ICB-era sample row', async () => {
    const [row] = await collect(fixtureText('sub-icb-era-2026-sample.csv'));
    expect(row).toEqual({
      extract_date: '2026-04-01',
      sub_icb_code: '16C',
      sub_icb_ons_code: 'E38000247',
      org_code: 'A81001',
      org_type: 'practice',
      sex: 'ALL',
      age: 'ALL',
      patients: 3747,
    });
  });

  it('parses practice-level single-year-of-age rows keyed by ORG_CODE, including 95+', async () => {
    expect(await collect(fixtureText('sing-age-practice-male.csv'))).toEqual(
      golden('sing-age-practice-male'),
    );
  });

  it('keeps only the CCG / sub-ICB rows of an organisation-level regions file', async () => {
    const rows = await collect(fixtureText('sing-age-regions.csv'));
    expect(rows).toEqual(golden('sing-age-regions'));
    expect(rows.some((row) => row.org_code === 'Y63')).toBe(false);
  });

  it('tolerates a BOM, CRLF, a title line, spaced mixed-case headers, quoted cells and a thousands separator', async () => {
    expect(await collect(fixtureText('ccg-era-totals-variant.csv'))).toEqual(
      golden('ccg-era-totals').slice(0, 2),
    );
  });

  it('reads LF, CRLF and blank lines alike when the line break is guessed once for the whole stream', async () => {
    const crlf = fixtureText('ccg-era-totals.csv');
    expect(crlf).toContain('\r\n');
    const lf = crlf.replaceAll('\r\n', '\n');
    const withBlankLines = crlf.replaceAll('\r\n', '\r\n\r\n  \r\n');
    const expected = golden('ccg-era-totals');
    expect(await collect(crlf)).toEqual(expected);
    expect(await collect(lf)).toEqual(expected);
    expect(await collect(withBlankLines)).toEqual(expected);
  });

  it('refuses a quoted cell that is never closed as malformed CSV, naming the URL', async () => {
    const lines = fixtureText('ccg-era-totals.csv').split('\r\n');
    const broken = [lines[0], lines[1], (lines[2] ?? '').replace('A8', '"A8'), lines[3]].join('\r\n');
    const error = await failure(() => collect(broken));
    expect(error.message).toContain(URL_);
    expect(error.message).toMatch(/malformed CSV \(Quoted field unterminated\)/);
  });

  it('keeps a multi-byte character whole when a chunk boundary splits it', async () => {
    const text = fixtureText('ccg-era-totals.csv').replace('A84002', 'A8400\u00e9');
    const rows: GpRegistrationRow[] = [];
    for await (const row of parseGpRegistrations(streamOf(text, 1), { url: URL_ })) rows.push(row);
    expect(rows[0]?.org_code).toBe('A8400\u00e9');
    expect(rows).toHaveLength(5);
  });

  it('classifies headers by era and level', () => {
    const header = (name: string) => fixtureText(name).split(/\r?\n/)[0]?.split(',') ?? [];
    expect(detectGpLayout(header('ccg-era-totals.csv'))).toEqual({ era: 'ccg', level: 'practice' });
    expect(detectGpLayout(header('sub-icb-era-totals.csv'))).toEqual({ era: 'sub_icb', level: 'practice' });
    expect(detectGpLayout(header('sing-age-regions.csv'))).toEqual({ era: 'ccg', level: 'org' });
    expect(detectGpLayout(['CCG20CD', 'CCG20CDH'])).toBeNull();
  });
});

describe('parseGpRegistrations: bad input', () => {
  const good = fixtureText('ccg-era-totals.csv');

  it('names the source, URL and missing column when NUMBER_OF_PATIENTS is absent', async () => {
    const error = await failure(() => collect(good.replace('NUMBER_OF_PATIENTS', 'PATIENT_TOTAL')));
    expect(error).toBeInstanceOf(SourceLayoutError);
    expect(error.message).toContain('nhsd-gp-registrations');
    expect(error.message).toContain(URL_);
    expect(error.message).toContain('NUMBER_OF_PATIENTS');
    expect(error.message).not.toContain('\n');
  });

  it('names every missing column at once', async () => {
    const error = await failure(() =>
      collect(good.replace('CCG_CODE,', 'AREA,').replace(',SEX,', ',GENDER,')),
    );
    expect(error).toBeInstanceOf(SourceLayoutError);
    expect(error.message).toContain(
      'expected columns SUB_ICB_LOCATION_CODE (or CCG_CODE), SEX but the header has',
    );
  });

  it('refuses a file that is not a GP registrations file', async () => {
    const error = await failure(() => collect('CCG20CD,CCG20CDH\r\nE38000004,07L\r\n'));
    expect(error).toBeInstanceOf(SourceLayoutError);
  });

  it('refuses an empty file and a header-only file as empty tables', async () => {
    expect(await failure(() => collect(''))).toBeInstanceOf(SourceDataError);
    const headerOnly = await failure(() => collect(`${good.split('\r\n')[0]}\r\n`));
    expect(headerOnly).toBeInstanceOf(SourceDataError);
    expect(headerOnly.message).toContain('empty table');
  });

  it('refuses a non-numeric count', async () => {
    const error = await failure(() => collect(good.replace(',5903', ',n/a')));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toMatch(/row 2: expected a whole number in NUMBER_OF_PATIENTS but found "n\/a"/);
  });

  it('refuses a negative count', async () => {
    const error = await failure(() => collect(good.replace(',5903', ',-5903')));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('zero or more');
  });

  it('refuses a decimal count and a badly grouped thousands separator', async () => {
    expect(await failure(() => collect(good.replace(',5903', ',5903.5')))).toBeInstanceOf(SourceDataError);
    expect(await failure(() => collect(good.replace(',5903', ',"59,03"')))).toBeInstanceOf(SourceDataError);
  });

  it('refuses extract dates in an unknown format', async () => {
    for (const date of ['01/01/2021', '2021/01/01', '01JANUARY2021', '31FEB2021']) {
      const error = await failure(() => collect(good.replace('01JAN2021', date)));
      expect(error, date).toBeInstanceOf(SourceDataError);
      expect(error.message).toContain('EXTRACT_DATE');
    }
  });

  it('refuses an unknown sex and an age outside 0-94, 95+ and ALL', async () => {
    expect(await failure(() => collect(good.replace('ALL,ALL,5903', 'U,ALL,5903')))).toBeInstanceOf(
      SourceDataError,
    );
    expect(await failure(() => collect(good.replace('ALL,ALL,5903', 'ALL,96,5903')))).toBeInstanceOf(
      SourceDataError,
    );
  });

  it('refuses a row with fewer fields than the header', async () => {
    const error = await failure(() => collect(good.replace(',NE65 7UW', '')));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('expected 10 fields');
  });
});

describe('aggregateGpRegistrations', () => {
  const aggregate = (text: string) =>
    aggregateGpRegistrations(parseGpRegistrations(streamOf(text), { url: URL_ }), { url: URL_ });

  it('sums practice totals to CCGs', async () => {
    const result = await aggregate(fixtureText('ccg-era-totals.csv'));
    expect(result.extract_date).toBe('2021-01-01');
    expect(result.basis).toBe('practice');
    expect(result.practice_count).toBe(5);
    expect(result.total_patients).toBe(5903 + 14738 + 12066 + 3519 + 17303);
    expect(result.totals).toEqual([
      {
        sub_icb_code: '00L',
        sub_icb_ons_code: 'E38000130',
        patients: 5903 + 14738 + 12066,
        practice_count: 3,
      },
      { sub_icb_code: '00N', sub_icb_ons_code: 'E38000163', patients: 3519 + 17303, practice_count: 2 },
    ]);
    expect(result.by_sex_age).toEqual([]);
  });

  it('gives sex x age counts from organisation-level rows, skipping other levels', async () => {
    const result = await aggregate(fixtureText('sing-age-regions.csv'));
    expect(result.basis).toBe('org');
    expect(result.totals.map((total) => [total.sub_icb_code, total.patients])).toEqual([
      ['00L', 330138],
      ['00N', 157104],
    ]);
    expect(result.by_sex_age).toEqual([
      { sub_icb_code: '00L', sex: 'ALL', age: '0', patients: 3359 },
      { sub_icb_code: '00L', sex: 'MALE', age: '0', patients: 1720 },
      { sub_icb_code: '00L', sex: 'FEMALE', age: '0', patients: 1639 },
      { sub_icb_code: '00L', sex: 'FEMALE', age: '95+', patients: 233 },
      { sub_icb_code: '00N', sex: 'MALE', age: '0', patients: 840 },
    ]);
  });

  it('keeps zero counts and per-sex all-age rows of practice-level single-age files', async () => {
    const result = await aggregate(fixtureText('sing-age-practice-male.csv'));
    expect(result.totals).toEqual([]);
    expect(result.by_sex_age).toEqual([
      { sub_icb_code: '00L', sex: 'MALE', age: '0', patients: 21 },
      { sub_icb_code: '00L', sex: 'MALE', age: '94', patients: 4 },
      { sub_icb_code: '00L', sex: 'MALE', age: '95+', patients: 3 },
      { sub_icb_code: '00L', sex: 'MALE', age: 'ALL', patients: 2960 },
      { sub_icb_code: '00N', sex: 'MALE', age: '0', patients: 0 },
      { sub_icb_code: '00N', sex: 'MALE', age: 'ALL', patients: 1741 },
    ]);
  });

  it("sums the same whether an organisation's rows come together or interleaved with another's", async () => {
    const [header, ...rows] = fixtureText('sing-age-practice-male.csv').split(/\r?\n/).filter(Boolean);
    const interleaved = rows.map((_, i) => rows[i % 2 === 0 ? i / 2 : rows.length - 1 - (i - 1) / 2]);
    expect(interleaved).not.toEqual(rows);
    expect([...interleaved].sort()).toEqual([...rows].sort());
    const grouped = await aggregate([header, ...rows].join('\n'));
    expect(await aggregate([header, ...interleaved].join('\n'))).toEqual(grouped);
    const repeated = [header, ...rows, ...rows.slice(0, 1)].join('\n');
    await expect(aggregate(repeated)).rejects.toThrow(/duplicate key: practice A84002, SEX MALE, AGE ALL/);
  });

  it('refuses a duplicate (practice, sex, age) key', async () => {
    const lines = fixtureText('ccg-era-totals.csv').split('\r\n');
    const error = await failure(() =>
      aggregate([...lines.slice(0, 3), lines[1], ...lines.slice(3)].join('\r\n')),
    );
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('duplicate key: practice A84002, SEX ALL, AGE ALL');
  });

  it('refuses rows from two different extracts', async () => {
    const text = fixtureText('ccg-era-totals.csv').replace(/01JAN2021(?![\s\S]*01JAN2021)/, '01FEB2021');
    const error = await failure(() => aggregate(text));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain('2021-01-01 and 2021-02-01');
  });

  it('refuses an empty row stream', async () => {
    async function* none(): AsyncGenerator<GpRegistrationRow> {}
    expect(await failure(() => aggregateGpRegistrations(none()))).toBeInstanceOf(SourceDataError);
  });
});

describe('GP registration snapshot files', () => {
  it('January 2021 (2021-04-12) is the real file: 6,658 practices, 60,606,345 patients', async () => {
    const result = await aggregateAttachment('2021-04-12', 'gp-reg-pat-prac-all');
    expect(result.extract_date).toBe('2021-01-01');
    expect(result.practice_count).toBe(6658);
    expect(result.total_patients).toBe(60_606_345);
    expect(result.totals).toHaveLength(135);
    const real = readFileSync(
      path.join(snapshotsDir, '2021-04-12', attachment('2021-04-12', 'gp-reg-pat-prac-all').file),
    );
    expect(real.byteLength).toBe(490_522);
  });

  it.each([
    ['2020-06-15', '2020-05-01', 135],
    ['2020-12-14', '2020-12-01', 135],
    ['2022-07-20', '2022-07-01', 106],
  ])(
    'the derived totals file of %s sums to the same figure as its raw text',
    async (date, extractDate, orgs) => {
      const result = await aggregateAttachment(date, 'gp-reg-pat-prac-all');
      const oracle = naiveTotal(await attachmentText(date, 'gp-reg-pat-prac-all'));
      expect(result.extract_date).toBe(extractDate);
      expect(result.practice_count).toBe(6658);
      expect(result.row_count).toBe(oracle.rows);
      expect(result.total_patients).toBe(oracle.patients);
      expect(result.totals).toHaveLength(orgs);
    },
  );

  it('the July 2022 file uses exactly the 106 sub-ICB location codes of the July 2022 ICB list', async () => {
    const result = await aggregateAttachment('2022-07-20', 'gp-reg-pat-prac-all');
    const icbList = readFileSync(path.join(referenceDir, '01_icb_42_list_2022.csv'), 'utf8');
    const codes = icbList
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .flatMap((line) => (line.split(',').at(-1) ?? '').split(';'))
      .sort();
    expect(result.totals.map((total) => total.sub_icb_code)).toEqual(codes);
    expect(result.totals.every((total) => /^E38\d{6}$/.test(total.sub_icb_ons_code ?? ''))).toBe(true);
  });

  it.each(['2020-06-15', '2020-12-14', '2021-04-12', '2022-07-20'])(
    'the single-year-of-age file of %s adds up to its totals file, by sex and by age',
    async (date) => {
      const [totals, ages] = await Promise.all([
        aggregateAttachment(date, 'gp-reg-pat-prac-all'),
        aggregateAttachment(date, 'gp-reg-pat-prac-sing-age-regions'),
      ]);
      const byCode = (result: GpRegistrationAggregate) =>
        result.totals.map((total) => [total.sub_icb_code, total.patients]);
      expect(ages.basis).toBe('org');
      expect(ages.extract_date).toBe(totals.extract_date);
      expect(byCode(ages)).toEqual(byCode(totals));
      const cell = new Map(
        ages.by_sex_age.map((count) => [`${count.sub_icb_code}|${count.sex}|${count.age}`, count]),
      );
      const allAgesByCode = new Map<string, number>();
      for (const count of ages.by_sex_age) {
        if (count.sex !== 'ALL' || count.age === 'ALL') continue;
        allAgesByCode.set(count.sub_icb_code, (allAgesByCode.get(count.sub_icb_code) ?? 0) + count.patients);
        const male = cell.get(`${count.sub_icb_code}|MALE|${count.age}`)?.patients ?? Number.NaN;
        const female = cell.get(`${count.sub_icb_code}|FEMALE|${count.age}`)?.patients ?? Number.NaN;
        if (male + female !== count.patients)
          expect(`${count.sub_icb_code} ${count.age}: ${male} + ${female}`).toBe(count.patients);
      }
      expect(ages.totals.map((total) => [total.sub_icb_code, allAgesByCode.get(total.sub_icb_code)])).toEqual(
        byCode(ages),
      );
      expect(ages.by_sex_age.filter((count) => count.age === '95+').length).toBe(3 * ages.totals.length);
    },
  );
});

describe('parseGpRegistrations: streaming', () => {
  it('streams a multi-MB file through parse and aggregate without reading it all first', async () => {
    const practices = 150;
    const header =
      'PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,PRACTICE_NAME,SEX,AGE,NUMBER_OF_PATIENTS\r\n';
    // A long name column makes the stream several MB without making the test slow.
    const practiceName = `"${'THE HEALTH CENTRE, HIGH STREET '.repeat(3)}"`;
    const ages = [...Array.from({ length: 95 }, (_, age) => String(age)), '95+'];
    let bytesProduced = 0;
    function* source(): Generator<Buffer> {
      bytesProduced += header.length;
      yield Buffer.from(header);
      for (let practice = 0; practice < practices; practice += 1) {
        const ccg = `0${String(practice % 9)}X`;
        const lines = ['MALE', 'FEMALE'].flatMap((sex) =>
          ages.map(
            (age, index) =>
              `GP_SYOA_PAT_LIST,01JAN2021,GP,${ccg},E38000${String(100 + (practice % 9))},P${String(practice).padStart(5, '0')},AB1 2CD,${practiceName},${sex},${age},${(practice + index) % 50}\r\n`,
          ),
        );
        const chunk = Buffer.from(lines.join(''));
        bytesProduced += chunk.length;
        yield chunk;
      }
    }
    const rowsPerPractice = 2 * ages.length;
    let bytesAtFirstRow = -1;
    async function* watched(rows: AsyncIterable<GpRegistrationRow>): AsyncGenerator<GpRegistrationRow> {
      for await (const row of rows) {
        if (bytesAtFirstRow < 0) bytesAtFirstRow = bytesProduced;
        yield row;
      }
    }
    const result = await aggregateGpRegistrations(
      watched(parseGpRegistrations(Readable.from(source()), { url: URL_ })),
    );
    let expectedPatients = 0;
    for (let practice = 0; practice < practices; practice += 1) {
      for (let index = 0; index < ages.length; index += 1) expectedPatients += 2 * ((practice + index) % 50);
    }
    expect(bytesProduced).toBeGreaterThan(3_000_000);
    expect(bytesAtFirstRow).toBeGreaterThan(0);
    expect(bytesAtFirstRow).toBeLessThan(bytesProduced / 10);
    expect(result.row_count).toBe(practices * rowsPerPractice);
    expect(result.practice_count).toBe(practices);
    expect(result.by_sex_age.reduce((sum, count) => sum + count.patients, 0)).toBe(expectedPatients);
    expect(new Set(result.by_sex_age.map((count) => count.sub_icb_code)).size).toBe(9);
  });
});

describe('snapshot resources of the data sources', () => {
  const dates = ['2020-06-15', '2020-12-14', '2021-04-12', '2022-07-20'];
  const sources = ['nhsd-gp-registrations', 'ons-code-lookups', 'ons-population'];

  function resources(date: string, sourceId: string): SnapshotResource[] {
    const text = readFileSync(path.join(snapshotsDir, date, 'resources', `${sourceId}.json`), 'utf8');
    return z.array(SnapshotResource).parse(JSON.parse(text));
  }

  it.each(sources)(
    'every %s resource has a body, a Last-Modified no later than its snapshot and a provenance',
    (sourceId) => {
      for (const date of dates) {
        const list = resources(date, sourceId);
        expect(list.length, date).toBeGreaterThan(0);
        for (const resource of list) {
          const where = `${date} ${resource.url}`;
          expect(resource.status, where).toBe(200);
          expect(resource.file && existsSync(path.join(snapshotsDir, date, resource.file)), where).toBe(true);
          const lastModified = Date.parse(resource.lastModified ?? '');
          expect(lastModified, where).toBeLessThanOrEqual(Date.parse(`${date}T23:59:59Z`));
          expect(resource.origin, where).toBeDefined();
          if (resource.origin === 'derived') expect(resource.note?.length ?? 0, where).toBeGreaterThan(40);
        }
      }
    },
  );

  it.each(sources)(
    'a %s URL served in two snapshots has the same bytes exactly when it has the same Last-Modified',
    (sourceId) => {
      const seen = new Map<string, { lastModified: string | undefined; bytes: Buffer }>();
      for (const date of dates) {
        for (const resource of resources(date, sourceId)) {
          const bytes = readFileSync(path.join(snapshotsDir, date, resource.file ?? ''));
          const earlier = seen.get(resource.url);
          if (earlier)
            expect(earlier.bytes.equals(bytes), resource.url).toBe(
              earlier.lastModified === resource.lastModified,
            );
          seen.set(resource.url, { lastModified: resource.lastModified, bytes });
        }
      }
    },
  );
});

describe('isValidGpRegistrationRow', () => {
  it('accepts exactly the rows the GpRegistrationRow schema accepts', () => {
    const nearlyValid = fc.record({
      extract_date: fc.oneof(
        fc.constantFrom(
          '2021-01-01',
          '2022-07-01',
          '2021-02-29',
          '2024-02-29',
          '2021-13-01',
          '01JAN2021',
          '',
        ),
        fc.string(),
      ),
      sub_icb_code: fc.oneof(fc.constantFrom('00L', 'A3A8R', '16', ''), fc.string()),
      sub_icb_ons_code: fc.oneof(fc.constant(null), fc.constantFrom('E38000130'), fc.string()),
      org_code: fc.oneof(fc.constantFrom('A84002', ''), fc.string()),
      org_type: fc.constantFrom('practice', 'ccg', 'sub_icb'),
      sex: fc.constantFrom('ALL', 'MALE', 'FEMALE', 'male', 'U', ''),
      age: fc.oneof(
        fc.constantFrom('ALL', '95+', '0', '9', '10', '94', '95', '96', '-1', '05', '1.5', 'all', '95 +'),
        fc.integer({ min: -5, max: 120 }).map(String),
      ),
      patients: fc.oneof(
        fc.integer({ min: -10, max: 10_000_000 }),
        fc.constantFrom(0, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, Number.MAX_SAFE_INTEGER),
      ),
    });
    fc.assert(
      fc.property(nearlyValid, (candidate) => {
        const row = candidate as GpRegistrationRow;
        expect(isValidGpRegistrationRow(row)).toBe(GpRegistrationRow.safeParse(row).success);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseGpRegistrationBatches', () => {
  it('gives the same aggregate as the row-at-a-time path, for both the totals and the single-age files', async () => {
    for (const name of ['gp-reg-pat-prac-all', 'gp-reg-pat-prac-sing-age-regions'] as const) {
      const { url } = attachment('2022-07-20', name);
      const byBatch = await aggregateGpRegistrationBatches(
        parseGpRegistrationBatches(await attachmentStream('2022-07-20', name), { url }),
        { url },
      );
      expect(byBatch).toEqual(await aggregateAttachment('2022-07-20', name));
      expect(byBatch.row_count).toBeGreaterThan(0);
    }
  });

  it('still refuses a duplicate key that falls in a later batch', async () => {
    const header =
      'PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n';
    const row = 'GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\n';
    const filler = Array.from({ length: 200 }, (_, index) =>
      row.replace('A84002', `Z${String(index).padStart(5, '0')}`),
    ).join('');
    const url = 'https://files.digital.nhs.uk/00/000000/gp-reg-pat-prac-all.csv';
    const run = aggregateGpRegistrationBatches(
      parseGpRegistrationBatches(streamOf(`${header}${row}${filler}${row}`, 97), { url }),
      { url },
    );
    await expect(run).rejects.toBeInstanceOf(SourceDataError);
  });
});
