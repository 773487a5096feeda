import { z } from 'zod';

/** One hop of discovery: from each page fetched at the previous hop, follow the links this step selects. */
export const DiscoveryStep = z.object({
  /** What this hop is for, in the run report. */
  description: z.string(),
  /** A CSS selector for the `<a>` elements to consider. */
  selector: z.string(),
  /** The absolute (resolved) href must match this regular expression. */
  hrefPattern: z.string(),
  /** If set, the link text (or title attribute) must match this regular expression (case-insensitive). */
  textPattern: z.string().optional(),
  /** At most this many links are followed from each page, in document order, after de-duplication. */
  maxLinks: z.number().int().positive(),
  /** `page` links are fetched and searched by the next step; `document` links are captured for parsing. */
  yields: z.enum(['page', 'document']),
});
export type DiscoveryStep = z.infer<typeof DiscoveryStep>;

export const SourceKind = z.enum([
  'html-listing',
  'html-announcements',
  'csv-publication',
  'csv-lookup',
  'csv-population',
]);
export type SourceKind = z.infer<typeof SourceKind>;

/** A catalogue entry: everything the acquire stage needs to know about one source. */
export const SourceEntry = z.object({
  /** Stable id, used in lake keys (`raw/<id>/...`), reports and `--only`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** Who publishes it. */
  publisher: z.string(),
  /** A human title. */
  title: z.string(),
  kind: SourceKind,
  /** Whether NHS England / ONS / NHS Digital publish it (official) or it is secondary (trade press). */
  authority: z.enum(['official', 'trade-press']),
  /** Live landing pages, fetched first. */
  landingUrls: z.array(z.url()).min(1),
  /** Whether the landing page is itself a document to parse (e.g. the ICS listing page). */
  landingIsDocument: z.boolean(),
  /** Discovery hops from the landing page; empty when the landing page is the only document. */
  discovery: z.array(DiscoveryStep),
  /** Expected publication cadence; a source whose newest change is older than `overdueAfterDays` is overdue. */
  cadence: z.object({
    description: z.string(),
    overdueAfterDays: z.number().int().positive(),
  }),
  /** Hosts that may be contacted for this source, including redirect targets. Exact names, lower case. */
  allowedHosts: z.array(z.string().regex(/^[a-z0-9.-]+$/)).min(1),
  /** Largest response body accepted, enforced while streaming. */
  maxBytes: z.number().int().positive(),
  /** Overall deadline for one request, including retries' waits, in milliseconds. */
  deadlineMs: z.number().int().positive(),
  /** For archives: the entries to extract (regular expression on the entry's base name). */
  archiveEntryPattern: z.string().optional(),
});
export type SourceEntry = z.infer<typeof SourceEntry>;

export const Catalogue = z
  .array(SourceEntry)
  .refine((entries) => new Set(entries.map((entry) => entry.id)).size === entries.length, {
    message: 'source ids must be unique',
  });

const MiB = 1024 * 1024;

/** The source catalogue. Adding a source is adding an entry here plus its parser. */
export const catalogue: SourceEntry[] = Catalogue.parse([
  {
    id: 'nhse-ics-list',
    publisher: 'NHS England',
    title: 'Integrated care in your area (the ICSs by region)',
    kind: 'html-listing',
    authority: 'official',
    landingUrls: ['https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/'],
    landingIsDocument: true,
    discovery: [],
    cadence: { description: 'updated when the set of ICSs changes; checked monthly', overdueAfterDays: 400 },
    allowedHosts: ['www.england.nhs.uk'],
    maxBytes: 5 * MiB,
    deadlineMs: 30_000,
  },
  {
    id: 'nhse-news',
    publisher: 'NHS England',
    title: 'NHS England news and press releases announcing ICS designations',
    kind: 'html-announcements',
    authority: 'official',
    landingUrls: ['https://www.england.nhs.uk/news/'],
    landingIsDocument: false,
    discovery: [
      {
        description:
          'news articles, long-read guidance and publication pages about integrated care systems and boards',
        selector: 'main a[href], #content a[href], article a[href]',
        hrefPattern: '^https://www\\.england\\.nhs\\.uk/(20\\d\\d/\\d\\d|long-read|publication)/[a-z0-9-]+/$',
        textPattern: 'integrated care|\\bICSs?\\b|\\bICBs?\\b|accountable care',
        maxLinks: 25,
        yields: 'document',
      },
    ],
    cadence: { description: 'news index changes daily', overdueAfterDays: 30 },
    allowedHosts: ['www.england.nhs.uk'],
    maxBytes: 5 * MiB,
    deadlineMs: 30_000,
  },
  {
    id: 'trade-press',
    publisher: 'Healthcare Leader',
    title: 'Trade-press coverage of ICS designations',
    kind: 'html-announcements',
    authority: 'trade-press',
    landingUrls: ['https://healthcareleadernews.com/news/'],
    landingIsDocument: false,
    discovery: [
      {
        description: 'news stories about integrated care systems and boards',
        selector: 'main a[href], article a[href]',
        hrefPattern: '^https://healthcareleadernews\\.com/news/[a-z0-9-]+/$',
        textPattern: 'integrated care|\\bICSs?\\b|\\bICBs?\\b',
        maxLinks: 25,
        yields: 'document',
      },
    ],
    cadence: { description: 'news index changes daily', overdueAfterDays: 30 },
    allowedHosts: ['healthcareleadernews.com'],
    maxBytes: 5 * MiB,
    deadlineMs: 30_000,
  },
  {
    id: 'nhsd-gp-registrations',
    publisher: 'NHS Digital',
    title: 'Patients Registered at a GP Practice',
    kind: 'csv-publication',
    authority: 'official',
    landingUrls: [
      'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice',
    ],
    landingIsDocument: false,
    discovery: [
      {
        description: 'the latest monthly edition',
        selector: '#latest-statistics a[href]',
        hrefPattern:
          '^https://digital\\.nhs\\.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/[a-z0-9-]+$',
        maxLinks: 1,
        yields: 'page',
      },
      {
        description: 'the totals and single-year-of-age attachments, and the zipped practice mapping',
        selector: "#resources a[href], ul[data-uipath='ps.publication.resources-attachments'] > li a[href]",
        // The practice mapping is followed only as a ZIP (its form since 2025): older editions list a CSV mapping
        // that the bundled snapshots do not serve, and a missing attachment fails the whole source. Lineage does
        // not depend on it: each totals file already places every practice in its sub-ICB location.
        hrefPattern:
          '^https://files\\.digital\\.nhs\\.uk/[A-Z0-9]{2}/[A-Z0-9]{6}/gp-reg-pat-prac-((all|sing-age-regions)(-[A-Za-z0-9-]+)?\\.(csv|zip)|map(-[A-Za-z0-9-]+)?\\.zip)$',
        maxLinks: 6,
        yields: 'document',
      },
    ],
    cadence: { description: 'monthly, around the second Thursday', overdueAfterDays: 45 },
    allowedHosts: ['digital.nhs.uk', 'files.digital.nhs.uk'],
    maxBytes: 200 * MiB,
    deadlineMs: 120_000,
    archiveEntryPattern: '^gp-reg-pat-prac-(all|sing-age-regions|map)[A-Za-z0-9-]*\\.csv$',
  },
  {
    id: 'icb-news',
    publisher: 'Integrated care boards',
    title: "ICBs' own announcements of their establishment, abolition or boundary change",
    kind: 'html-announcements',
    authority: 'official',
    landingUrls: ['https://www.england.nhs.uk/news/'],
    landingIsDocument: false,
    discovery: [
      {
        description: 'NHS England news items about integrated care boards',
        selector: 'main a[href], #content a[href], article a[href]',
        hrefPattern: '^https://www\\.england\\.nhs\\.uk/20\\d\\d/\\d\\d/[a-z0-9-]+/$',
        textPattern: 'integrated care boards?|\\bICBs?\\b',
        maxLinks: 3,
        yields: 'page',
      },
      {
        description: 'the news pages of ICB websites linked from those items',
        selector: 'main a[href], article a[href]',
        hrefPattern: '^https://www\\.[a-z0-9-]+\\.icb\\.nhs\\.uk/news/[a-z0-9-]+/$',
        maxLinks: 10,
        yields: 'document',
      },
    ],
    cadence: { description: 'only when boards change; checked with the news index', overdueAfterDays: 800 },
    // ICB websites moved to <name>.icb.nhs.uk; the hosts are listed one by one (an allowlist has no wildcards).
    allowedHosts: [
      'www.england.nhs.uk',
      'www.centraleast.icb.nhs.uk',
      'www.essex.icb.nhs.uk',
      'www.norfolkandsuffolk.icb.nhs.uk',
      'www.surreyandsussex.icb.nhs.uk',
      'www.thamesvalley.icb.nhs.uk',
      'www.westandnorthlondon.icb.nhs.uk',
      'www.hantsiow.icb.nhs.uk',
      'www.frimley.icb.nhs.uk',
    ],
    maxBytes: 5 * MiB,
    deadlineMs: 30_000,
  },
  {
    id: 'ons-code-lookups',
    publisher: 'Office for National Statistics',
    title: 'Sub-ICB location (CCG) to ICB (STP) to NHS England region lookups, and ICB names and codes',
    kind: 'csv-lookup',
    authority: 'official',
    landingUrls: ['https://geoportal.statistics.gov.uk/search?tags=LUP_HEALTH&sort=-created'],
    landingIsDocument: false,
    discovery: [
      {
        description: 'the health-geography lookup datasets',
        selector: 'a.result-title[href]',
        hrefPattern: '^https://geoportal\\.statistics\\.gov\\.uk/datasets/ons::[a-z0-9-]+/about$',
        // Every vintage stays part of the history (a new lookup never replaces an old one): the search lists ten
        // health lookups by November 2026, newest first.
        maxLinks: 12,
        yields: 'page',
      },
      {
        description: 'the CSV download of each lookup',
        selector: 'a.download-link[href]',
        hrefPattern: '^https://hub\\.arcgis\\.com/api/v3/datasets/[a-f0-9]{32}_0/downloads/data\\?format=csv',
        maxLinks: 1,
        yields: 'document',
      },
    ],
    cadence: {
      description: 'new vintages when boundaries change (usually April or July)',
      overdueAfterDays: 400,
    },
    allowedHosts: ['geoportal.statistics.gov.uk', 'hub.arcgis.com'],
    maxBytes: 50 * MiB,
    deadlineMs: 60_000,
  },
  {
    id: 'ons-population',
    publisher: 'Office for National Statistics',
    title: 'Clinical commissioning group (sub-ICB location) mid-year population estimates',
    kind: 'csv-population',
    authority: 'official',
    landingUrls: [
      'https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates',
    ],
    landingIsDocument: false,
    discovery: [
      {
        description: 'the newest edition download',
        selector: 'a[href*="/file?uri="]',
        hrefPattern: '^https://www\\.ons\\.gov\\.uk/file\\?uri=/[A-Za-z0-9/._-]+\\.(csv|zip)$',
        maxLinks: 1,
        yields: 'document',
      },
    ],
    cadence: {
      description: 'annually (mid-year estimates, published the following summer)',
      overdueAfterDays: 500,
    },
    allowedHosts: ['www.ons.gov.uk'],
    maxBytes: 50 * MiB,
    deadlineMs: 60_000,
  },
]);

/** Look up one catalogue entry by id. */
export function sourceById(id: string, entries: readonly SourceEntry[] = catalogue): SourceEntry {
  const entry = entries.find((candidate) => candidate.id === id);
  if (!entry)
    throw new RangeError(`Unknown source id "${id}"; known: ${entries.map((e) => e.id).join(', ')}`);
  return entry;
}
