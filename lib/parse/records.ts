import { z } from 'zod';

/**
 * What the parsers hand to the normalise stage. One schema per kind of parsed record; parsers validate
 * every record against these before returning it, and normalise trusts nothing else.
 */

/** A passage of a document that supports a fact: the sentence or list item, verbatim (whitespace collapsed). */
export const Evidence = z.string().min(1);

/** One ICS named on the NHS England listing page. */
export const IcsListingEntry = z.object({
  /** The region heading the ICS appears under, as published (e.g. "North East and Yorkshire"). */
  region: z.string().min(1),
  name_as_published: z.string().min(1),
  /** Absolute link from the entry (the ICS website or NHS England profile), or null. */
  href: z.url().nullable(),
  evidence: Evidence,
});
export type IcsListingEntry = z.infer<typeof IcsListingEntry>;

export const IcsListing = z.object({
  url: z.url(),
  /** Page title as published. */
  title: z.string(),
  /** A total stated on the page ("There are now 18 integrated care systems"), if any. */
  stated_total: z.number().int().positive().nullable(),
  entries: z.array(IcsListingEntry),
});
export type IcsListing = z.infer<typeof IcsListing>;

/** A population / coverage / count statement found in a publication. */
export const PublishedStatement = z.object({
  /** `population`: a number of people; `percent`: a share of England; `count`: a number of ICSs. */
  kind: z.enum(['population', 'percent', 'count']),
  /** The number: people, percent (0-100) or ICSs. */
  value: z.number().nonnegative(),
  /** How the number is qualified in the text. */
  qualifier: z.enum(['exactly', 'about', 'more_than', 'less_than', 'up_to']),
  /** `wave`: refers to the areas designated in this announcement; `total`: to all ICSs after it. */
  scope: z.enum(['wave', 'total', 'other']),
  evidence: Evidence,
});
export type PublishedStatement = z.infer<typeof PublishedStatement>;

/** One area named as designated in an announcement (normalise resolves `name_as_published` again itself). */
export const AnnouncedArea = z.object({
  name_as_published: z.string().min(1),
  evidence: Evidence,
  /** The ICS the name resolved to when the page was parsed; null when the name is ambiguous. */
  ics_code: z.string().nullable().optional(),
  /** The gazetteer name or alias the published name matched. */
  matched_variant: z.string().optional(),
  /** Why the page was read as designating it, with the words that drove the decision. */
  decided_by: z.string().optional(),
});
export type AnnouncedArea = z.infer<typeof AnnouncedArea>;

/** A designation announcement (NHS England news item or trade-press story). */
export const Announcement = z.object({
  url: z.url(),
  title: z.string(),
  /** Date the article was published (ISO). */
  announced_on: z.iso.date(),
  /** Date the designation takes effect if the article states one (ISO), else null. */
  effective_from: z.iso.date().nullable(),
  effective_evidence: Evidence.nullable(),
  /**
   * `month` when the page named only a month ("from December 2020", "from this month"): `effective_from` is then
   * the first of that month, or the announcement date when that is later.
   */
  effective_precision: z.enum(['day', 'month']).nullable().optional(),
  areas: z.array(AnnouncedArea),
  /** The running total of ICSs stated, if any ("there are now 29 ICSs"). */
  running_total: z.number().int().positive().nullable(),
  running_total_evidence: Evidence.nullable(),
  /** The number of areas the headline or lead says this announcement designates, if it says. */
  stated_count: z.number().int().positive().nullable().optional(),
  statements: z.array(PublishedStatement),
});
export type Announcement = z.infer<typeof Announcement>;

/** One row of a GP registration file (totals or single year of age), in either header era. */
export const GpRegistrationRow = z.object({
  /** ISO date of the extract (01JAN2021 and 2021-01-01 both become 2021-01-01). */
  extract_date: z.iso.date(),
  /** CCG or sub-ICB location ODS code the practice (or org) belongs to. */
  sub_icb_code: z.string().min(3),
  /** Its ONS code (E38...), if present. */
  sub_icb_ons_code: z.string().nullable(),
  /** The practice ODS code, or the organisation code in org-level files. */
  org_code: z.string().min(1),
  /** `practice` for practice-level rows; otherwise the org level of a regions file (`ccg`, `sub_icb`, ...). */
  org_type: z.string(),
  sex: z.enum(['ALL', 'MALE', 'FEMALE']),
  /** `ALL`, `95+` or an integer age 0..94 as text. */
  age: z.string().regex(/^(ALL|95\+|\d|[1-8]\d|9[0-4])$/),
  patients: z.number().int().nonnegative(),
});
export type GpRegistrationRow = z.infer<typeof GpRegistrationRow>;

/** One row of a sub-ICB/CCG -> ICB/STP -> region lookup (defined with the gazetteer, which reads them). */
export { CodeLookupRow } from '../reference/lookup-row.ts';

/** One ONS mid-year population estimate row for a CCG / sub-ICB location. */
export const PopulationRow = z.object({
  /** ISO date the estimate refers to (mid-year: YYYY-06-30). */
  reference_date: z.iso.date(),
  sub_icb_code: z.string().min(3),
  sub_icb_ons_code: z.string().nullable(),
  name: z.string(),
  all_ages: z.number().int().nonnegative(),
  /** Age bands as published, e.g. { "0-17": n, "18-64": n, "65+": n }. */
  age_bands: z.record(z.string(), z.number().int().nonnegative()),
});
export type PopulationRow = z.infer<typeof PopulationRow>;

/** What a lifecycle sentence says happened to the bodies it names. */
export const LifecycleKind = z.enum(['established', 'abolished', 'boundary_changed', 'succession']);
export type LifecycleKind = z.infer<typeof LifecycleKind>;

/**
 * A sentence (or table row) saying that bodies were, or will be, established, abolished, merged or given a changed
 * boundary. Names are kept as published, in order of mention; the normalise stage resolves them.
 */
export const LifecycleClaim = z.object({
  kind: LifecycleKind,
  /** `reported`: it has happened; `planned`: it will (or is proposed to). */
  tense: z.enum(['reported', 'planned']),
  names_as_published: z.array(z.string().min(1)).min(1),
  /** The date the sentence gives for the change (ISO), or null. */
  effective_from: z.iso.date().nullable(),
  evidence: Evidence,
});
export type LifecycleClaim = z.infer<typeof LifecycleClaim>;

/** The lifecycle claims of one page (announcement, ICB news page or the listing page). */
export const LifecycleDocument = z.object({
  url: z.url(),
  title: z.string(),
  /** Publication date of the page (ISO), when it gives one. */
  published_on: z.iso.date().nullable(),
  claims: z.array(LifecycleClaim),
});
export type LifecycleDocument = z.infer<typeof LifecycleDocument>;
