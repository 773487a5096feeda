import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpUrlsFollowed,
  monthlyReleases,
  practiceOpen,
  writeReleaseSnapshot,
} from '../../bench/history-releases.ts';
import { parseGpPublication } from '../../lib/parse/gp-publication.ts';
import { loadSnapshot } from '../../lib/sources/snapshots.ts';

// Issue 15: the history benchmark's monthly GP releases. They must be what the real parser accepts, dated as their
// month, adding up, deterministic, and served at URLs of their own so every month stays part of the history.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ics-lake-history-releases-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('monthlyReleases', () => {
  it('lists every month from April 2013 to November 2026, each on the code vintage in force', () => {
    const releases = monthlyReleases();
    expect(releases).toHaveLength(164);
    expect(releases[0]).toMatchObject({ index: 1, month: '2013-04', extractDate: '2013-04-01' });
    expect(releases.at(-1)).toMatchObject({ index: 164, month: '2026-11', snapshotDate: '2026-11-15' });
    // Before the oldest bundled snapshot, the oldest vintage; after each, that one.
    expect(releases[0]?.base.date).toBe('2020-06-15');
    expect(releases.find((release) => release.month === '2021-05')?.base.date).toBe('2021-04-12');
    expect(releases.at(-1)?.base.date).toBe('2026-04-20');
  });
});

describe('writeReleaseSnapshot', () => {
  const parsedFiles = async (month: string) => {
    const release = monthlyReleases().find((candidate) => candidate.month === month);
    if (!release) throw new Error(`no release ${month}`);
    const ref = await writeReleaseSnapshot(path.join(dir, month), release);
    const snapshot = await loadSnapshot(ref.dir);
    const files = snapshot.resources.filter((resource) => resource.url.startsWith('https://files.digital'));
    const parsed = [];
    for (const file of files) {
      const stream = createReadStream(path.join(ref.dir, file.file ?? ''));
      parsed.push(await parseGpPublication(stream, { url: file.url }));
    }
    return { release, ref, files, parsed };
  };

  it('writes a totals and a single-year-of-age file the GP parser accepts, dated as the month, adding up', async () => {
    for (const month of ['2013-04', '2024-03']) {
      const { release, files, parsed } = await parsedFiles(month);
      expect(gpUrlsFollowed(release)).toBe(true);
      expect(files).toHaveLength(2);
      const [totals, ages] = parsed;
      expect(totals?.extract_date).toBe(`${month}-01`);
      expect(ages?.extract_date).toBe(`${month}-01`);
      expect(totals?.practice_count).toBeGreaterThan(6000);
      expect(ages?.by_sex_age.length).toBeGreaterThan(10_000);
      // Each organisation's MALE + FEMALE cells sum to its AGE=ALL total.
      const sums = new Map<string, number>();
      for (const cell of ages?.by_sex_age ?? [])
        if (cell.sex !== 'ALL' && cell.age !== 'ALL')
          sums.set(cell.sub_icb_code, (sums.get(cell.sub_icb_code) ?? 0) + cell.patients);
      for (const total of ages?.totals ?? []) expect(sums.get(total.sub_icb_code)).toBe(total.patients);
    }
  });

  it('gives the same bytes for the same month, and new URLs and counts for the next month', async () => {
    const first = await parsedFiles('2015-06');
    const again = await parsedFiles('2015-06');
    const next = await parsedFiles('2015-07');
    const bytes = async (ref: { dir: string }) => readFile(path.join(ref.dir, 'gp', 'regions.csv'), 'utf8');
    expect(await bytes(again.ref)).toBe(await bytes(first.ref));
    expect(await bytes(next.ref)).not.toBe(await bytes(first.ref));
    expect(next.files.map((file) => file.url)).not.toEqual(first.files.map((file) => file.url));
  });

  it('opens and closes a few practices as the series goes on, as real GP files do', async () => {
    const practicesOf = async (month: string) => {
      const { parsed } = await parsedFiles(month);
      return new Set((parsed[0]?.practices ?? []).map((practice) => practice.practice_code));
    };
    const [june, july] = [await practicesOf('2015-06'), await practicesOf('2015-07')];
    const opened = [...july].filter((code) => !june.has(code));
    const closed = [...june].filter((code) => !july.has(code));
    expect(opened.length + closed.length).toBeGreaterThan(0);
    expect(opened.length + closed.length).toBeLessThan(20);
    // Over the whole series about 2% of practices open and 2% close; each does so once.
    const codes = Array.from({ length: 5000 }, (_, index) => `P${String(index).padStart(5, '0')}`);
    const changes = (code: string) =>
      Array.from({ length: 163 }, (_, index) => index + 1).filter(
        (index) => practiceOpen(code, index) !== practiceOpen(code, index + 1),
      ).length;
    const churned = codes.filter((code) => changes(code) > 0);
    expect(churned.every((code) => changes(code) === 1)).toBe(true);
    expect(churned.length / codes.length).toBeGreaterThan(0.03);
    expect(churned.length / codes.length).toBeLessThan(0.05);
  });
});
