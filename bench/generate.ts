import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Papa from 'papaparse';

/**
 * A seeded generator of practice-level single-year-of-age GP registration files
 * (gp-reg-pat-prac-sing-age-male/-female, CCG era), built on the real practice and CCG codes of the January 2021
 * totals file. 1x is one real edition: every practice x MALE/FEMALE x 97 ages (0..94, 95+, ALL).
 */

/** The practice file the codes come from (the real January 2021 totals file, 6,658 practices). */
export const PRACTICE_SOURCE = 'tests/fixtures/normalise/07a_gp-reg-pat-prac-all_2021-01_REAL_FULL.csv';

/** The header NHS Digital used for practice-level single-year-of-age files in the CCG era. */
export const SING_AGE_HEADER =
  'PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS';

/** One practice of the source file. */
export interface Practice {
  ccgCode: string;
  onsCcgCode: string;
  code: string;
  postcode: string;
  patients: number;
}

const AGES = [...Array.from({ length: 95 }, (_, age) => String(age)), '95+'];
const SEXES = ['MALE', 'FEMALE'] as const;

/** Read the real practices (codes, postcodes and list sizes). */
export async function loadPractices(file = PRACTICE_SOURCE): Promise<Practice[]> {
  const parsed = Papa.parse<Record<string, string>>(await readFile(file, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  return parsed.data.map((row) => ({
    ccgCode: row.CCG_CODE ?? '',
    onsCcgCode: row.ONS_CCG_CODE ?? '',
    code: row.CODE ?? '',
    postcode: row.POSTCODE ?? '',
    patients: Number(row.NUMBER_OF_PATIENTS),
  }));
}

/** mulberry32: a small, fast, seeded PRNG so the same seed gives the same bytes. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one generated file holds. */
export interface GeneratedFile {
  path: string;
  rows: number;
  bytes: number;
  practices: number;
}

/**
 * Write a file of `scale` editions' worth of rows. Copies beyond the first keep the real CCG codes and take practice
 * codes suffixed with a letter (`A84002` -> `A84002B`), so every (practice, sex, age) key stays unique as the
 * aggregator requires. Each practice's list is spread over ages with seeded noise; AGE=ALL is the exact sum.
 */
export async function generateSingAgeFile(
  path: string,
  practices: readonly Practice[],
  options: { scale: number; seed: number; extractDate?: string },
): Promise<GeneratedFile> {
  const random = seededRandom(options.seed);
  const extractDate = options.extractDate ?? '01JAN2021';
  const out = createWriteStream(path);
  let rows = 0;
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${SING_AGE_HEADER}\n`);
  const copies = Math.max(1, Math.round(options.scale));
  for (let copy = 0; copy < copies; copy++) {
    const suffix = copy === 0 ? '' : String.fromCharCode(65 + copy);
    for (const practice of practices) {
      const prefix = `GP_PRAC_PAT_LIST,${extractDate},GP,${practice.ccgCode},${practice.onsCcgCode},${practice.code}${suffix},${practice.postcode},`;
      for (const sex of SEXES) {
        const perAge = practice.patients / 2 / AGES.length;
        let chunk = '';
        let total = 0;
        for (const age of AGES) {
          const count = Math.max(0, Math.round(perAge * (0.5 + random())));
          total += count;
          chunk += `${prefix}${sex},${age},${count}\n`;
        }
        chunk += `${prefix}${sex},ALL,${total}\n`;
        rows += AGES.length + 1;
        await write(chunk);
      }
    }
  }
  out.end();
  await once(out, 'finish');
  return { path, rows, bytes, practices: practices.length * copies };
}
