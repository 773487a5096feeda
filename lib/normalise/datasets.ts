import { z } from 'zod';
import { type DatasetDefinition, defineDataset } from '../core/dataset.ts';
import { IcsOdsCode } from '../reference/ods.ts';
import { icsOn, populationOn } from './valid-time.ts';

/** The published datasets: their row schemas, keys, column documentation and valid-time rules. */

const IcsCode = IcsOdsCode;
const OnsIcbCode = z.string().regex(/^E54\d{6}$/);
/** "YYYY-MM-DD value": the value holds from that date (the start of the lookup vintage that first carried it). */
const DatedValue = z.string().regex(/^\d{4}-\d{2}-\d{2} \S.*$/);
const Sha256 = z.string().regex(/^[a-f0-9]{64}$/);
const Authority = z.enum(['official', 'trade-press']);

export const IcsStatus = z.enum(['stp', 'ics', 'icb', 'abolished']);

export const IcsRow = z.object({
  ics_code: IcsCode,
  ons_code: OnsIcbCode,
  name: z.string().min(1),
  short_name: z.string().min(1),
  region_code: z.string().regex(/^Y\d{2}$/),
  region_name: z.string().min(1),
  predecessor_stp_code: OnsIcbCode.nullable(),
  sub_icb_location_codes: z.array(z.string().min(3)),
  status: IcsStatus,
  valid_from: z.iso.date().nullable(),
  valid_to: z.iso.date().nullable(),
  designated_from: z.iso.date().nullable(),
  designation_wave: z.string().nullable(),
  statutory_from: z.iso.date().nullable(),
  website: z.url().nullable(),
  ons_code_history: z.array(DatedValue),
  name_history: z.array(DatedValue),
  boundary_changed_on: z.array(z.iso.date()),
  predecessor_codes: z.array(IcsCode),
  successor_codes: z.array(IcsCode),
});
export type IcsRow = z.infer<typeof IcsRow>;

export const icsDataset = defineDataset({
  name: 'ics',
  title: 'Integrated care systems and boards',
  description:
    'One row per body that has ever existed in the code lookups up to the run date (STP, ICS, ICB), keyed by its ODS code, with the dates it existed, its codes and names in every vintage, its designation and statutory dates and its predecessors and successors. `ics-lake get ics --on DATE` gives the bodies that existed on DATE with their status, codes and names then.',
  schema: IcsRow,
  primaryKey: ['ics_code'],
  columns: {
    ics_code:
      'ODS code of the body, e.g. QE1, or S1Y5D for an ICB established in 2026: the stable key across all ONS code vintages.',
    ons_code:
      'ONS code (E54) in the newest lookup vintage that holds the body (its last one, once abolished).',
    name: 'Official name in that vintage (mixed case where published).',
    short_name: 'Name without the "NHS" prefix and "Integrated Care Board" suffix.',
    region_code: 'ODS code of the NHS England region (Y56...Y63) in that vintage.',
    region_name: 'Name of the NHS England region.',
    predecessor_stp_code:
      'ONS code of the STP this ICS grew from (newest STP-era vintage, before July 2022), or null.',
    sub_icb_location_codes:
      'ODS codes of the sub-ICB locations (CCGs before July 2022) in that vintage, sorted.',
    status:
      'As of the run date: "abolished" once valid_to has passed, else "icb" once the statutory ICB exists, "ics" once designated, otherwise "stp". The status on any other date follows from valid_from, designated_from, statutory_from and valid_to (see --on).',
    valid_from:
      'First day the body existed: the start of the first lookup vintage that holds it, when an earlier vintage did not; null when it is already in the oldest vintage the lake holds (the STP footprints, whose start the sources do not give).',
    valid_to:
      'First day the body no longer existed (the start of the first vintage without it, e.g. 2026-04-01 for the ICBs closed on 31 March 2026), or null while it exists.',
    designated_from:
      'Date the ICS counts as designated, chosen by the precedence rule (NHS England over trade press; earliest whole-footprint designation), or null.',
    designation_wave:
      'Wave (YYYY-MM of the announcement) of the designation chosen for designated_from, or null.',
    statutory_from:
      'Date the body became a statutory ICB: 2022-07-01 for the ICBs established by the Health and Care Act 2022, the establishment date for later ICBs; null while the lookups show only STPs.',
    website: 'Link published for the body on the NHS England listing page, or null.',
    ons_code_history:
      'Every ONS code the body has had, as "YYYY-MM-DD E54......" from the start of the first vintage that carried it, oldest first.',
    name_history:
      'Every name the body has had in the lookups, as "YYYY-MM-DD name" from the start of the first vintage that carried it, oldest first.',
    boundary_changed_on:
      'Dates on which the body continued with a changed footprint: it gained or lost area along a lineage edge (ics_lineage) while not being established or abolished.',
    predecessor_codes: 'ODS codes of the bodies with a lineage edge into this one (ics_lineage), sorted.',
    successor_codes: 'ODS codes of the bodies with a lineage edge out of this one (ics_lineage), sorted.',
  },
  validTime: icsOn,
});

export const LineageKind = z.enum(['merger', 'split', 'acquisition', 'boundary_transfer']);

export const IcsLineageRow = z.object({
  predecessor_code: IcsCode,
  successor_code: IcsCode,
  effective_date: z.iso.date(),
  kind: LineageKind,
  predecessor_name: z.string().min(1),
  successor_name: z.string().min(1),
  sub_icb_location_codes: z.array(z.string().min(3)),
  partial_sub_icb_location_codes: z.array(z.string().min(3)),
  practice_codes: z.array(z.string().min(1)),
  practice_count: z.int().nonnegative(),
  patients_moved: z.int().nonnegative().nullable(),
  predecessor_patients: z.int().nonnegative().nullable(),
  patient_share: z.number().min(0).max(1).nullable(),
  patients_reference_date: z.iso.date().nullable(),
  lookup_before: z.string().min(1),
  lookup_after: z.string().min(1),
  gp_edition_after: z.iso.date().nullable(),
  source_urls: z.array(z.url()),
  source_sha256s: z.array(Sha256),
  corroborating_urls: z.array(z.url()),
});
export type IcsLineageRow = z.infer<typeof IcsLineageRow>;

export const icsLineageDataset = defineDataset({
  name: 'ics_lineage',
  title: 'ICS and ICB lineage: who took over whose area',
  description:
    "One row per predecessor -> successor edge, derived by comparing consecutive code-lookup vintages (sub-ICB location -> ICB) and the practices of the GP registration files around the change, with the sub-ICB locations and practices that moved and the share of the predecessor's registered patients they carried. Announcements and the listing page corroborate an edge; they never create one.",
  schema: IcsLineageRow,
  primaryKey: ['predecessor_code', 'successor_code', 'effective_date'],
  columns: {
    predecessor_code: 'ODS code of the body that gave up area.',
    successor_code: 'ODS code of the body that took it over.',
    effective_date: 'Date the change took effect: the start of the first lookup vintage that shows it.',
    kind: '"merger": the predecessor was abolished and all its area went to one new body; "split": the predecessor was abolished and its area divided, this edge taking part of it to a new body; "acquisition": an abolished predecessor\'s area (or part of it) went to a body that already existed; "boundary_transfer": both bodies continued and area moved between them.',
    predecessor_name: 'Name of the predecessor in the last vintage before the change.',
    successor_name: 'Name of the successor in the first vintage after the change.',
    sub_icb_location_codes:
      'Sub-ICB locations (CCGs) that moved whole along this edge: same ODS code, new parent.',
    partial_sub_icb_location_codes:
      'Sub-ICB locations of the predecessor that closed or were divided, some of whose practices moved along this edge (e.g. D4U1Y, NHS Frimley, in April 2026).',
    practice_codes: 'ODS codes of the GP practices whose registered patients moved along this edge, sorted.',
    practice_count: 'Number of those practices.',
    patients_moved:
      'Registered patients of those practices in the last GP edition before the change, or null when no edition placed them.',
    predecessor_patients: 'Registered patients of the whole predecessor in that edition, or null.',
    patient_share:
      'patients_moved / predecessor_patients, rounded to four decimals (1 for a merger), or null.',
    patients_reference_date: 'Extract date of the GP edition the patient figures come from, or null.',
    lookup_before: 'The lookup vintage before the change, e.g. SICBL25.',
    lookup_after: 'The lookup vintage that first shows the change, e.g. SICBL26.',
    gp_edition_after:
      'Extract date of the first GP edition on or after the change that placed the moved practices, or null when the whole sub-ICB locations moved and no practice had to be followed.',
    source_urls: 'URLs of the lookups and GP files the edge was derived from.',
    source_sha256s: 'SHA-256 of those raw documents in the lake, in the same order.',
    corroborating_urls:
      'Announcements or listing pages whose lifecycle wording names both bodies (ics_lifecycle_claims); empty when none does.',
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
export const PopulationBasis = z.enum(['as_published', 'rebased']);

export const IcsPopulationRow = z.object({
  ics_code: IcsCode,
  reference_date: z.iso.date(),
  measure: PopulationMeasure,
  sex: z.enum(['ALL', 'MALE', 'FEMALE']),
  age_band: z.string().regex(/^(ALL|\d{1,2}|95\+|\d{1,2}-\d{1,2}|\d{1,2}\+)$/),
  basis: PopulationBasis,
  value: z.int().nonnegative(),
  footprint: z.string().min(1),
  method: z.string().min(1),
  source_url: z.url(),
  source_sha256: Sha256,
});
export type IcsPopulationRow = z.infer<typeof IcsPopulationRow>;

/**
 * The partition of a re-based row: one per year of reference dates (`rebased-YYYY`). A new month adds rows to its
 * year only, so earlier years stay byte for byte the same parts until one of their practices moves to another
 * location (then the years that hold it are built again, and written if their figures moved).
 */
export function rebasedPartitionOf(referenceDate: string): string {
  return `${REBASED_PREFIX}${referenceDate.slice(0, 4)}`;
}

/** Whether a partition of `ics_population` holds re-based rows. */
export function isRebasedPartition(partition: string): boolean {
  return partition.startsWith(REBASED_PREFIX);
}

const REBASED_PREFIX = 'rebased-';

/** The partition of an `ics_population` row: `rebased-YYYY` by its reference year, else its reference month `YYYY-MM`. */
export function populationPartitionOf(row: Record<string, unknown>): string {
  const date = String(row.reference_date);
  return row.basis === 'rebased' ? rebasedPartitionOf(date) : date.slice(0, 7);
}

export const icsPopulationDataset = defineDataset({
  name: 'ics_population',
  title: 'ICS population',
  description:
    'Population of each ICS: GP registered patients aggregated through sub-ICB locations, and ONS mid-year estimates aggregated from CCGs, with age and sex breakdowns where published; every row says which boundaries it uses. Each GP month is also published re-based onto the current footprint (basis "rebased") by placing every practice in the ICB it belongs to now, so a series has no artificial breaks. `ics-lake get ics_population --on DATE` gives the newest figures dated on or before DATE.',
  schema: IcsPopulationRow,
  primaryKey: ['ics_code', 'reference_date', 'measure', 'sex', 'age_band', 'basis'],
  validTime: populationOn,
  partition: {
    of: populationPartitionOf,
    description:
      'one partition per reference month (YYYY-MM) of the as-published figures, and one per reference year (rebased-YYYY) of the re-based series',
  },
  columns: {
    ics_code: 'ODS code of the ICS.',
    reference_date:
      'Date the figure refers to: the GP extract date, or the mid-year date (YYYY-06-30) of the estimate.',
    measure: '"registered_patients" (NHS Digital GP registrations) or "ons_mid_year_estimate" (ONS).',
    sex: '"ALL", "MALE" or "FEMALE".',
    age_band:
      '"ALL", a single year of age "0".."94" or "95+" (GP files), or an ONS band such as "0-17", "18-64", "65+".',
    basis:
      '"as_published": summed as the source file places people (its sub-ICB locations, through the lookup in force on the reference date); "rebased": a GP month re-summed onto the current footprint by practice (registered patients, all ages and sexes only).',
    value: 'Number of people.',
    footprint:
      'The boundaries the figure uses: the lookup vintage (e.g. CCG20, SICBL25, SICBL26) whose sub-ICB location -> ICB map placed the people.',
    method:
      'How people were placed on the footprint: "ons_by_ccg" (ONS estimates by CCG, each CCG placed by the lookup), "gp_by_sub_icb" (a GP file\'s own sub-ICB locations placed by the lookup, on ODS codes), or "gp_by_practice" (re-based: each practice placed by its sub-ICB location in the newest GP edition of the version that holds it, which for a practice that has closed is where it was last seen, then by the lookup; practices that cannot be placed are reported, not spread). A re-based row changes only when its figure does.',
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

export const LifecycleClaimRow = z.object({
  claim_id: z.string().regex(/^[a-f0-9]{16}$/),
  kind: z.enum(['established', 'abolished', 'boundary_changed', 'succession']),
  tense: z.enum(['reported', 'planned']),
  ics_codes: z.array(IcsCode),
  names_as_published: z.array(z.string().min(1)),
  unresolved_names: z.array(z.string().min(1)),
  announced_on: z.iso.date().nullable(),
  effective_from: z.iso.date().nullable(),
  source_url: z.url(),
  source_sha256: Sha256,
  authority: Authority,
  evidence: z.string().min(1),
  matches_lineage: z.boolean().nullable(),
});
export type LifecycleClaimRow = z.infer<typeof LifecycleClaimRow>;

export const icsLifecycleClaimsDataset = defineDataset({
  name: 'ics_lifecycle_claims',
  title: 'Published claims that ICBs were established, abolished, merged or changed boundary',
  description:
    'Every sentence of an announcement, ICB news page or the listing page that says a body was (or will be) established, abolished, merged into another or given a changed boundary, with the bodies it names resolved to ODS codes. These claims corroborate the lineage derived from the data; they never create it.',
  schema: LifecycleClaimRow,
  primaryKey: ['claim_id'],
  columns: {
    claim_id: 'First 16 hex digits of SHA-256 over source URL, kind and evidence: stable across runs.',
    kind: '"established", "abolished", "boundary_changed" (an existing body gains or loses area), or "succession" (one body takes over from others without saying which of the above).',
    tense: '"reported" when the sentence says it has happened, "planned" when it says it will.',
    ics_codes: 'ODS codes of the bodies named, in order of mention (first: the body the sentence is about).',
    names_as_published: 'The names exactly as printed, in the same order.',
    unresolved_names:
      'Names that looked like bodies but did not resolve (also reported and quarantined), never guessed.',
    announced_on: 'Publication date of the document, when it gives one.',
    effective_from: 'The date the sentence gives for the change, or null.',
    source_url: 'URL of the document.',
    source_sha256: 'SHA-256 of the raw document in the lake.',
    authority: '"official" (NHS England, an ICB) or "trade-press".',
    evidence: 'The sentence (or table row) the claim comes from.',
    matches_lineage:
      'For reported claims: true when the derived data show the same change (an ics_lineage edge between the bodies, or the establishment or abolition on that date), false when they do not; null for planned claims.',
  },
});

/** All dataset definitions, in publication order. */
export const datasetDefinitions: readonly DatasetDefinition[] = [
  icsDataset,
  icsLineageDataset,
  icsDesignationsDataset,
  icsPopulationDataset,
  icsCoverageDataset,
  publishedClaimsDataset,
  icsLifecycleClaimsDataset,
] as unknown as readonly DatasetDefinition[];

/** The definition of a published dataset by name, or undefined. */
export function datasetDefinition(name: string): DatasetDefinition | undefined {
  return datasetDefinitions.find((definition) => definition.name === name);
}
