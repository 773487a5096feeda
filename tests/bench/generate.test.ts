import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSingAgeFile, loadPractices, type Practice, SING_AGE_HEADER } from '../../bench/generate.ts';
import { detectGpLayout } from '../../lib/parse/gp-registrations.ts';

let dir: string;
let practices: Practice[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ics-lake-bench-gen-'));
  practices = (await loadPractices()).slice(0, 5);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('generateSingAgeFile', () => {
  it('writes the CCG-era practice-level single-year-of-age header, which the GP parser accepts', async () => {
    const file = path.join(dir, 'header.csv');
    await generateSingAgeFile(file, practices, { scale: 1, seed: 1 });
    const header = (await readFile(file, 'utf8')).split('\n')[0] ?? '';
    expect(header).toBe(SING_AGE_HEADER);
    expect(detectGpLayout(header.split(','))).toEqual({ era: 'ccg', level: 'practice' });
  });

  it('gives the same bytes for the same seed and different bytes for another seed', async () => {
    const paths = ['a', 'b', 'c'].map((name) => path.join(dir, `${name}.csv`));
    await generateSingAgeFile(paths[0] as string, practices, { scale: 1, seed: 7 });
    await generateSingAgeFile(paths[1] as string, practices, { scale: 1, seed: 7 });
    await generateSingAgeFile(paths[2] as string, practices, { scale: 1, seed: 8 });
    const [a, b, c] = await Promise.all(paths.map((file) => readFile(file, 'utf8')));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('writes 2 sexes x 97 ages per practice copy, with real codes, unique keys and AGE=ALL equal to the sum', async () => {
    const file = path.join(dir, 'scaled.csv');
    const generated = await generateSingAgeFile(file, practices, { scale: 2, seed: 3 });
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').slice(1);
    expect(generated.rows).toBe(practices.length * 2 * 2 * 97);
    expect(lines).toHaveLength(generated.rows);
    const keys = new Set<string>();
    const sums = new Map<string, { ages: number; all?: number }>();
    for (const line of lines) {
      const cells = line.split(',');
      const [, , , ccg, , code, , sex, age, count] = cells;
      expect(practices.some((practice) => practice.ccgCode === ccg && code?.startsWith(practice.code))).toBe(
        true,
      );
      keys.add(`${code}|${sex}|${age}`);
      const entry = sums.get(`${code}|${sex}`) ?? { ages: 0 };
      if (age === 'ALL') entry.all = Number(count);
      else entry.ages += Number(count);
      sums.set(`${code}|${sex}`, entry);
    }
    expect(keys.size).toBe(lines.length);
    for (const entry of sums.values()) expect(entry.all).toBe(entry.ages);
  });
});
