import { z } from 'zod';
import { type DatasetDefinition, defineDataset } from '../core/dataset.ts';

/** The five published datasets: their row schemas, keys and column documentation. */

const IcsCode = z.string().regex(/^Q[A-Z0-9]{2}$/);
const Sha256 = z.string().regex(/^[a-f0-9]{64}$/);
const Authority = z.enum(['official', 'trade-press']);

export const IcsRow = z.object({
  ics_code: IcsCode,
  ons_code: z.string().regex(/^E54\d{6}$/),
  name: z.string().min(1),
  short_name: z.string().min(1),
  region_code: z.string().regex(/^Y\d{2}$/),
  region_name: z.string().min(1),
  predecessor_stp_code: z
    .string()
    .regex(/^E54\d{6}$/)
    .nullable(),
  sub_icb_location_codes: z.array(z.string().min(3)),
  status: z.enum(['stp', 'ics', 'icb']),
  designated_from: z.iso.date().nullable(),
  designation_wave: z.string().nullable(),
  statutory_from: z.iso.date().nullable(),
  website: z.url().nullable(),
});
export type IcsRow = z.infer<typeof IcsRow>;

export const icsDataset = defineDataset({
  name: 'ics',
  title: 'Integrated care systems',
  description:
    'One row per integrated care system (ICS) footprint known to the code lookups at the run date, keyed by its ODS code, with its designation and statutory dates.',
  schema: IcsRow,
  primaryKey: ['ics_code'],
  columns: {
    ics_code: 'ODS code of the ICB (formerly the STP), e.g. QE1: the stable key across all code vintages.',
    ons_code: 'Current ONS code (E54) of the ICB/STP in the newest lookup vintage supplied.',
    name: 'Official name in the newest lookup vintage (mixed case where published).',
    short_name: 'Name without the "NHS" prefix and "Integrated Care Board" suffix.',
    region_code: 'ODS code of the NHS England region (Y56...Y63) in the newest lookup vintage.',
    region_name: 'Name of the NHS England region.',
    predecessor_stp_code:
      'ONS code of the STP this ICS grew from (newest STP-era vintage, before July 2022), or null.',
    sub_icb_location_codes:
      'ODS codes of the sub-ICB locations (CCGs before July 2022) in the newest lookup vintage, sorted.',
    status:
      'As of the run date: "icb" once the statutory ICB exists, "ics" once designated, otherwise "stp".',
    designated_from:
      'Date the ICS counts as designated, chosen by the precedence rule (NHS England over trade press; earliest whole-footprint designation), or null.',
    designation_wave:
      'Wave (YYYY-MM of the announcement) of the designation chosen for designated_from, or null.',
    statutory_from:
      'Date the statutory ICB was established (2022-07-01) when the lookups show ICBs, else null.',
    website: 'Link published for the ICS on the NHS England listing page, or null.',
  },
});

export const IcsDesignationRow = z.object({
  ics_code: IcsCode,
  announced_on: z.iso.date(),
  effective_from: z.iso.date().nullable(),
  wave: z.string().regex(/^\d{4}-\d{2}$/),
  name_as_published: z.string().min(1),
  partial: z.boolean(),
  source_url: z.url(),
  source_sha256: Sha256,
  authority: Authority,
  evidence: z.string().min(1),
});
export type IcsDesignationRow = z.infer<typeof IcsDesignationRow>;

export const icsDesignationsDataset = defineDataset({
  name: 'ics_designations',
  title: 'ICS designation claims',
  description:
    'Every published claim that an area was designated as an ICS, one row per ICS and source document, kept even when sources disagree.',
  schema: IcsDesignationRow,
  primaryKey: ['ics_code', 'source_url'],
  columns: {
    ics_code: 'ODS code of the ICS the designated area resolves to.',
    announced_on: 'Publication date of the announcement.',
    effective_from: 'Date the designation takes effect as stated by this source, or null when not stated.',
    wave: 'Designation wave: the year and month of the announcement (YYYY-MM).',
    name_as_published: 'The area name exactly as the source printed it.',
    partial:
      'True when the named area was only part of today\'s ICS footprint (e.g. "Berkshire West" within Buckinghamshire, Oxfordshire and Berkshire West).',
    source_url: 'URL of the publication making the claim.',
    source_sha256: 'SHA-256 of the raw document in the lake.',
    authority: '"official" for NHS England publications, "trade-press" for secondary reporting.',
    evidence: 'The sentence or list item naming the area.',
  },
});

export const PopulationMeasure = z.enum(['registered_patients', 'ons_mid_year_estimate']);

export const IcsPopulationRow = z.object({
  ics_code: IcsCode,
  reference_date: z.iso.date(),
  measure: PopulationMeasure,
  sex: z.enum(['ALL', 'MALE', 'FEMALE']),
  age_band: z.string().regex(/^(ALL|\d{1,2}|95\+|\d{1,2}-\d{1,2}|\d{1,2}\+)$/),
  value: z.int().nonnegative(),
  source_url: z.url(),
  source_sha256: Sha256,
});
export type IcsPopulationRow = z.infer<typeof IcsPopulationRow>;

export const icsPopulationDataset = defineDataset({
  name: 'ics_population',
  title: 'ICS population',
  description:
    'Population of each ICS: GP registered patients aggregated through sub-ICB locations, and ONS mid-year estimates aggregated from CCGs, with age and sex breakdowns where published.',
  schema: IcsPopulationRow,
  primaryKey: ['ics_code', 'reference_date', 'measure', 'sex', 'age_band'],
  columns: {
    ics_code: 'ODS code of the ICS.',
    reference_date:
      'Date the figure refers to: the GP extract date, or the mid-year date (YYYY-06-30) of the estimate.',
    measure: '"registered_patients" (NHS Digital GP registrations) or "ons_mid_year_estimate" (ONS).',
    sex: '"ALL", "MALE" or "FEMALE".',
    age_band:
      '"ALL", a single year of age "0".."94" or "95+" (GP files), or an ONS band such as "0-17", "18-64", "65+".',
    value: 'Number of people.',
    source_url: 'URL of the source file.',
    source_sha256: 'SHA-256 of the raw source file in the lake.',
  },
});

export const IcsCoverageRow = z.object({
  date: z.iso.date(),
  ics_count: z.int().nonnegative(),
  population_covered: z.int().nonnegative(),
  england_population: z.int().positive(),
  coverage_pct: z.number().min(0).max(100),
  population_basis: z.string().min(1),
  designated_codes: z.array(IcsCode),
});
export type IcsCoverageRow = z.infer<typeof IcsCoverageRow>;

export const icsCoverageDataset = defineDataset({
  name: 'ics_coverage',
  title: 'Share of England covered by designated ICSs',
  description:
    'A time series with one row per date on which the set of designated ICSs changed, up to the run date, with the population those ICSs cover.',
  schema: IcsCoverageRow,
  primaryKey: ['date'],
  columns: {
    date: 'Date the designated set changed (an ics.designated_from date).',
    ics_count: 'Number of ICSs designated on that date.',
    population_covered: 'Sum of the population basis over the designated ICSs.',
    england_population: 'Population of England on the same basis (sum of every CCG row).',
    coverage_pct: 'population_covered / england_population x 100, rounded half up to one decimal place.',
    population_basis: 'Which population is used, e.g. "ons_mid_year_estimate 2019-06-30".',
    designated_codes: 'ODS codes of the designated ICSs, sorted.',
  },
});

export const PublishedClaimRow = z.object({
  claim_id: z.string().regex(/^[a-f0-9]{16}$/),
  date: z.iso.date(),
  source_url: z.url(),
  source_sha256: Sha256,
  authority: Authority,
  kind: z.enum(['population', 'percent', 'count']),
  scope: z.enum(['wave', 'total', 'other']),
  qualifier: z.enum(['exactly', 'about', 'more_than', 'less_than', 'up_to']),
  claimed_value: z.number().nonnegative(),
  computed_value: z.number().nonnegative().nullable(),
  consistent: z.boolean().nullable(),
  difference: z.number().nullable(),
  evidence: z.string().min(1),
});
export type PublishedClaimRow = z.infer<typeof PublishedClaimRow>;

export const publishedClaimsDataset = defineDataset({
  name: 'published_claims',
  title: 'Published ICS counts and population claims, checked',
  description:
    'Every count, population or percentage statement found in the publications, set against our figure for the same date and scope.',
  schema: PublishedClaimRow,
  primaryKey: ['claim_id'],
  columns: {
    claim_id:
      'First 16 hex digits of SHA-256 over source URL, kind, scope, value and evidence: stable across runs.',
    date: 'Announcement date of the publication (for listing pages: the date the page was fetched).',
    source_url: 'URL of the publication.',
    source_sha256: 'SHA-256 of the raw document in the lake.',
    authority: '"official" or "trade-press".',
    kind: '"population" (people), "percent" (share of England) or "count" (number of ICSs).',
    scope:
      '"wave": the areas designated by this announcement; "total": all ICSs after it; "other": not checked.',
    qualifier: 'How the text qualifies the number: exactly, about, more_than, less_than, up_to.',
    claimed_value: 'The number as published (people, percent 0-100, or ICSs).',
    computed_value:
      'Our figure for the same date and scope on the coverage population basis, or null when not comparable.',
    consistent:
      'Whether the claim holds within the documented tolerance for its qualifier (see lib/normalise/claims.ts), or null when not comparable.',
    difference: 'computed_value - claimed_value (percent: percentage points, one decimal), or null.',
    evidence: 'The sentence the number comes from.',
  },
});

/** All five dataset definitions, in publication order. */
export const datasetDefinitions: readonly DatasetDefinition[] = [
  icsDataset,
  icsDesignationsDataset,
  icsPopulationDataset,
  icsCoverageDataset,
  publishedClaimsDataset,
] as unknown as readonly DatasetDefinition[];
