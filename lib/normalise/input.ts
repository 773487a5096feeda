import { z } from 'zod';
import {
  Announcement,
  CodeLookupRow,
  IcsListing,
  LifecycleDocument,
  PopulationRow,
} from '../parse/records.ts';
import { AliasEntry } from '../reference/aliases.ts';
import { IcbNameEntry, LegacyStpRow } from '../reference/gazetteer.ts';

/** What the normalise stage is given: parsed documents, each with the provenance of its raw object. */

export const Sha256 = z.string().regex(/^[a-f0-9]{64}$/);

/** Where a parsed document came from: its catalogue source, URL and the hash of the raw bytes in the lake. */
export const Provenance = z.object({
  source_id: z.string().min(1),
  url: z.url(),
  sha256: Sha256,
  authority: z.enum(['official', 'trade-press']),
  fetched_at: z.iso.datetime({ offset: true }),
});
export type Provenance = z.infer<typeof Provenance>;

/** Patients of one sub-ICB location, sex and single year of age in a GP file. */
export const GpSexAgeCell = z.object({
  sub_icb_code: z.string().min(3),
  sex: z.enum(['ALL', 'MALE', 'FEMALE']),
  /** `ALL`, `95+` or a single year 0..94 as text. */
  age: z.string().regex(/^(ALL|95\+|\d|[1-8]\d|9[0-4])$/),
  patients: z.int().nonnegative(),
});
export type SexAgeCell = z.infer<typeof GpSexAgeCell>;

/** A practice's registered patients (SEX=ALL, AGE=ALL) and its sub-ICB location in one GP file. */
export const GpPractice = z.object({
  practice_code: z.string().min(1),
  sub_icb_code: z.string().min(3),
  patients: z.int().nonnegative(),
});
export type GpPractice = z.infer<typeof GpPractice>;

/**
 * GP registrations summed to sub-ICB locations (CCGs): patient totals and, from the single-year-of-age files,
 * patients by sex and age. Structurally a subset of `GpRegistrationAggregate` (lib/parse/gp-registrations.ts):
 * that object can be passed as is (extra fields are ignored). The hash of the raw file is the provenance's.
 */
export const GpAggregateInput = z.object({
  extract_date: z.iso.date(),
  /** SEX=ALL, AGE=ALL per sub-ICB location. */
  totals: z.array(
    z.object({
      sub_icb_code: z.string().min(3),
      sub_icb_ons_code: z.string().nullable().default(null),
      patients: z.int().nonnegative(),
    }),
  ),
  /**
   * Patients per sub-ICB location, sex and single year of age; empty for a totals-only file, and for a file whose
   * cells are held out of memory (`sex_age_cells`) until its month is built.
   */
  by_sex_age: z.array(GpSexAgeCell).default([]),
  /** How many sex x age cells the file has when `by_sex_age` was left empty to be loaded on demand. */
  sex_age_cells: z.int().nonnegative().optional(),
  /**
   * SEX=ALL, AGE=ALL per practice with its sub-ICB location: lineage and re-basing follow practices. Empty for an
   * organisation-level file, and for a file whose practices are held out of memory (`practices_held`) until the
   * lineage or the re-based series needs them.
   */
  practices: z.array(GpPractice).default([]),
  /** How many practices the file has when `practices` was left empty to be loaded on demand. */
  practices_held: z.int().nonnegative().optional(),
  /** A practice mapping file's rows (practice -> sub-ICB location -> ICB on the extract date); empty otherwise. */
  practice_map: z
    .array(
      z.object({
        practice_code: z.string().min(1),
        sub_icb_code: z.string().min(3),
        icb_code: z.string().nullable().default(null),
      }),
    )
    .default([]),
});
export type GpAggregateInput = z.input<typeof GpAggregateInput>;

export const NormaliseInput = z.object({
  /** Code lookups, any number of vintages (e.g. CCG20, CCG21, SICBL22, ICB23). */
  lookups: z.array(z.object({ provenance: Provenance, rows: z.array(CodeLookupRow) })),
  /** Extra ICB names (mixed-case official names, STP partnership names). */
  icbNames: z.array(z.object({ provenance: Provenance, entries: z.array(IcbNameEntry) })).default([]),
  /** Pre-2020 STP memberships (April 2019 lookup), resolved through their CCGs. */
  legacyStps: z.array(z.object({ provenance: Provenance, rows: z.array(LegacyStpRow) })).default([]),
  /** ONS mid-year estimates by CCG / sub-ICB location. */
  population: z.array(z.object({ provenance: Provenance, rows: z.array(PopulationRow) })).default([]),
  gpRegistrations: z.array(z.object({ provenance: Provenance, aggregate: GpAggregateInput })).default([]),
  listings: z.array(z.object({ provenance: Provenance, listing: IcsListing })).default([]),
  announcements: z.array(z.object({ provenance: Provenance, announcement: Announcement })).default([]),
  /** Lifecycle sentences (established, abolished, merged, boundary changed) of announcements and listing pages. */
  lifecycleClaims: z.array(z.object({ provenance: Provenance, document: LifecycleDocument })).default([]),
  /** Overrides the bundled alias table (lib/reference/aliases.json). */
  aliases: z.array(AliasEntry).optional(),
});
export type NormaliseInput = z.input<typeof NormaliseInput>;

export const NormaliseOptions = z.object({
  /** ISO date of the run clock: statuses and the coverage series are "as of" this date. */
  asOf: z.iso.date(),
});
export type NormaliseOptions = z.infer<typeof NormaliseOptions>;
