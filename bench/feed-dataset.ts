import { z } from 'zod';
import { defineDataset } from '../lib/core/dataset.ts';
import { loadPractices, seededRandom } from './generate.ts';

/** A synthetic long dataset for the diff-and-feed workload: patients per practice, sex and age. */
export const benchRegistrationsDataset = defineDataset({
  name: 'bench-practice-registrations',
  title: 'Benchmark: patients per practice, sex and single year of age',
  description: 'Synthetic rows on real practice and CCG codes, for timing diff and feed; never published.',
  schema: z.object({
    practice_code: z.string(),
    sub_icb_code: z.string(),
    sex: z.enum(['MALE', 'FEMALE']),
    age: z.string(),
    patients: z.number().int().nonnegative(),
  }),
  primaryKey: ['practice_code', 'sex', 'age'],
  columns: {
    practice_code: 'Practice code.',
    sub_icb_code: 'CCG / sub-ICB location code.',
    sex: 'MALE or FEMALE.',
    age: '0..94 or 95+.',
    patients: 'Registered patients.',
  },
});

type BenchRow = z.infer<typeof benchRegistrationsDataset.schema>;

const AGES = [...Array.from({ length: 95 }, (_, age) => String(age)), '95+'];

/**
 * Two versions of `rowCount` rows. Version 2 changes 2% of the counts, drops the last 0.5% of practices' rows and
 * adds as many rows for new practices, so the diff holds every kind of change.
 */
export async function twoVersions(
  rowCount: number,
  seed: number,
): Promise<{ v1: BenchRow[]; v2: BenchRow[] }> {
  const practices = await loadPractices();
  const random = seededRandom(seed);
  const perPractice = 2 * AGES.length;
  const needed = Math.ceil(rowCount / perPractice);
  const rowsFor = (code: string, subIcb: string): BenchRow[] =>
    (['MALE', 'FEMALE'] as const).flatMap((sex) =>
      AGES.map((age) => ({
        practice_code: code,
        sub_icb_code: subIcb,
        sex,
        age,
        patients: Math.floor(random() * 200),
      })),
    );
  const v1 = practices
    .slice(0, needed)
    .flatMap((p) => rowsFor(p.code, p.ccgCode))
    .slice(0, rowCount);
  const churn = Math.max(1, Math.floor(needed * 0.005));
  const dropped = new Set(practices.slice(needed - churn, needed).map((p) => p.code));
  const kept = v1
    .filter((row) => !dropped.has(row.practice_code))
    .map((row) =>
      random() < 0.02 ? { ...row, patients: row.patients + 1 + Math.floor(random() * 10) } : row,
    );
  const added = practices.slice(needed, needed + churn).flatMap((p) => rowsFor(p.code, p.ccgCode));
  return { v1, v2: [...kept, ...added].slice(0, rowCount) };
}
