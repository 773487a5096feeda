import { z } from 'zod';
import { type DatasetDefinition, defineDataset } from '../../lib/core/dataset.ts';
import { lakePaths } from '../../lib/lake/manifest.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import type { LakeStore } from '../../lib/lake/store.ts';

/** Test-only definitions shaped like the real `ics`, `ics_coverage` and `ics_population` datasets. */

export const icsDefinition = defineDataset({
  name: 'ics',
  title: 'Integrated Care Systems',
  description: 'One row per ICS (test shape).',
  schema: z.object({
    ics_code: z.string(),
    ons_code: z.string().nullable(),
    name: z.string(),
    region_code: z.string(),
    status: z.enum(['stp', 'ics', 'icb', 'abolished']),
    designated_from: z.string().nullable(),
    statutory_from: z.string().nullable(),
    sub_icb_location_codes: z.array(z.string()),
    valid_from: z.string().nullable().optional(),
    valid_to: z.string().nullable().optional(),
    boundary_changed_on: z.array(z.string()).optional(),
  }),
  primaryKey: ['ics_code'],
  columns: {
    ics_code: 'ODS code',
    ons_code: 'ONS code',
    name: 'Name',
    region_code: 'NHS region',
    status: 'Status',
    designated_from: 'Designated from',
    statutory_from: 'Statutory from',
    sub_icb_location_codes: 'Sub-ICB locations',
    valid_from: 'First day the body existed',
    valid_to: 'First day it no longer existed',
    boundary_changed_on: 'Dates its footprint changed',
  },
});

export const coverageDefinition = defineDataset({
  name: 'ics_coverage',
  title: 'Coverage',
  description: 'Share of England in designated ICSs (test shape).',
  schema: z.object({ date: z.string(), ics_count: z.number().int(), coverage_pct: z.number() }),
  primaryKey: ['date'],
  columns: { date: 'Date', ics_count: 'ICSs designated', coverage_pct: 'Coverage (%)' },
});

export const populationDefinition = defineDataset({
  name: 'ics_population',
  title: 'Population',
  description: 'Population by ICS (test shape).',
  schema: z.object({
    ics_code: z.string(),
    reference_date: z.string(),
    measure: z.string(),
    value: z.number().int(),
  }),
  primaryKey: ['ics_code', 'reference_date', 'measure'],
  columns: { ics_code: 'ICS', reference_date: 'Date', measure: 'Measure', value: 'Value' },
});

export const designationsDefinition = defineDataset({
  name: 'ics_designations',
  title: 'Designations',
  description: 'Designation announcements (test shape).',
  schema: z.object({ ics_code: z.string(), source_url: z.string(), wave: z.number().int() }),
  primaryKey: ['ics_code', 'source_url'],
  columns: { ics_code: 'ICS', source_url: 'Announcement', wave: 'Wave' },
});

/** Shaped like the real `ics_population`: sex x age rows and ALL/ALL totals, as published or re-based. */
export const populationBySexAgeDefinition = defineDataset({
  name: 'ics_population',
  title: 'Population',
  description: 'Population by ICS, sex and age (test shape).',
  schema: z.object({
    ics_code: z.string(),
    reference_date: z.string(),
    measure: z.string(),
    sex: z.string(),
    age_band: z.string(),
    basis: z.string(),
    value: z.number().int(),
    source_url: z.string(),
  }),
  primaryKey: ['ics_code', 'reference_date', 'measure', 'sex', 'age_band', 'basis'],
  columns: {
    ics_code: 'ICS',
    reference_date: 'Date',
    measure: 'Measure',
    sex: 'Sex',
    age_band: 'Age band',
    basis: 'Basis',
    value: 'Value',
    source_url: 'Source',
  },
});

type IcsRow = z.infer<typeof icsDefinition.schema>;

/** An ICS row with defaults: an STP in the Midlands (Y60) unless overridden. */
export function icsRow(code: string, overrides: Partial<IcsRow> = {}): IcsRow {
  return {
    ics_code: code,
    ons_code: `E540000${code.slice(-2)}`,
    name: `ICS ${code}`,
    region_code: 'Y60',
    status: 'stp',
    designated_from: null,
    statutory_from: null,
    sub_icb_location_codes: [`${code}A`],
    valid_from: null,
    valid_to: null,
    boundary_changed_on: [],
    ...overrides,
  };
}

/**
 * Commit a dataset version the way the lake does (JSON edition, then manifest, then latest.json), without the
 * lake's other editions: the feed only relies on these three objects.
 */
export async function commitVersion(
  store: LakeStore,
  name: string,
  version: number,
  asOf: string,
  rows: readonly Record<string, unknown>[],
  given?: DatasetDefinition,
): Promise<string> {
  const definition =
    given ??
    [icsDefinition, coverageDefinition, populationDefinition, designationsDefinition].find(
      (candidate) => candidate.name === name,
    );
  if (definition === undefined) throw new RangeError(`no test definition named ${name}`);
  // Versions are committed through the real publisher, so the feed reads exactly what the lake writes.
  const outcome = await publishDataset(store, definition, rows, {
    asOf,
    createdAt: asOf,
    pipelineVersion: 'test',
    lineage: [],
  });
  if (outcome.version !== version || outcome.status !== 'published') {
    throw new Error(`expected to publish ${name} v${version}, got ${outcome.status} v${outcome.version}`);
  }
  return lakePaths.manifest(name, version);
}
