/**
 * Writes the data-source part of the bundled snapshots: the NHS Digital GP registration pages and files, the ONS
 * code lookups (geoportal search, dataset pages, hub CSVs) and the ONS population page and CSV, plus their
 * `snapshots/<date>/resources/<source-id>.json` fragments.
 *
 * Run by hand (`npx tsx scripts/build-data-snapshots.ts [SHARED_DATA_DIR] [--out DIR] [--dates LIST]`, see
 * snapshot-cli.ts); its output is committed and tests never run it. It is deterministic: the same reference CSVs
 * always give byte-identical files, so a file that did not change between two snapshot dates is the same bytes
 * (and the same Last-Modified) in both. The 2023-2026 snapshots come from era-data-snapshots.ts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { SnapshotResource } from '../lib/sources/snapshot-manifest.ts';
import {
  type AddFile,
  BOM,
  escapeHtml,
  fileForUrl,
  formatSize,
  httpDate,
  type LookupDataset,
  type OrgTotal,
  SING_AGE_METHOD,
  SUB_ICB_ERA_HEADER,
  scaleCount,
  singleYearOfAgeCsv,
  toCsv,
  token,
  zipOne,
} from './data-snapshot-kit.ts';
import { buildEraGpRegistrations, eraLookupDatasets } from './era-data-snapshots.ts';
import { ERA_DATES, eraManifestJson, loadEraFacts } from './era-facts.ts';
import { generatorOptions, wantsDate } from './snapshot-cli.ts';

const options = generatorOptions();
const sharedDataDir = path.resolve(options.positionals[0] ?? '/work/shared/data');
const snapshotsRoot = options.outRoot;
/** The snapshots this file writes itself; the era snapshots (ERA_DATES) are written with era-data-snapshots.ts. */
const snapshotDates = ['2020-06-15', '2020-12-14', '2021-04-12', '2022-07-20'] as const;
type SnapshotDate = (typeof snapshotDates)[number];
const allDates: string[] = [...snapshotDates, ...ERA_DATES].filter((date) => wantsDate(options, date));
const ownedHosts = [
  'digital.nhs.uk',
  'files.digital.nhs.uk',
  'geoportal.statistics.gov.uk',
  'hub.arcgis.com',
  'www.ons.gov.uk',
];

type CsvRecord = Record<string, string>;

function readReferenceCsv(name: string): CsvRecord[] {
  const text = readFileSync(path.join(sharedDataDir, name), 'utf8');
  const parsed = Papa.parse<CsvRecord>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${name}: ${parsed.errors[0]?.message}`);
  return parsed.data;
}

function field(record: CsvRecord, column: string): string {
  const value = record[column];
  if (value === undefined) throw new Error(`missing column ${column}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Output bookkeeping (derived GP files use CRLF line ends like the real January 2021 file)

const resourcesBySnapshot = new Map<string, SnapshotResource[]>();

const addFile: AddFile = (date, sourceId, url, relativeFile, body, resource) => {
  if (!wantsDate(options, date)) return;
  const file = path.posix.join('files', relativeFile);
  const target = path.join(snapshotsRoot, date, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, body);
  const key = `${date}/${sourceId}`;
  const list = resourcesBySnapshot.get(key) ?? [];
  list.push({ url, file, status: 200, ...resource });
  resourcesBySnapshot.set(key, list);
};

// ---------------------------------------------------------------------------------------------------------------
// Reference data

const icbs2022 = readReferenceCsv('01_icb_42_list_2022.csv');
const ccgMapping2021 = readReferenceCsv('02_ccg_to_stp2021_to_nhser2021_lookup.csv');
const population2019 = readReferenceCsv('05_ons_mid2019_population_by_ccg2020_mhbulletin.csv');
const gpJanuary2021Text = readFileSync(
  path.join(sharedDataDir, '07a_gp-reg-pat-prac-all_2021-01_REAL_FULL.csv'),
);
const gpJanuary2021 = Papa.parse<CsvRecord>(gpJanuary2021Text.toString('utf8'), {
  header: true,
  skipEmptyLines: true,
}).data;

const eraFacts = loadEraFacts(sharedDataDir);

const mappingByOldCcg = new Map(ccgMapping2021.map((row) => [field(row, 'CCG_UNMAPPED'), row]));
const mappingByCcg21 = new Map(
  ccgMapping2021
    .filter((row) => field(row, 'CCG21CDH') !== 'Unknown')
    .map((row) => [field(row, 'CCG21CDH'), row]),
);
const ccg20OnsCode = new Map(
  gpJanuary2021.map((row) => [field(row, 'CCG_CODE'), field(row, 'ONS_CCG_CODE')]),
);

// ---------------------------------------------------------------------------------------------------------------
// Page furniture shared by the written pages (the noise real pages carry)

function nhsDigitalPage(title: string, breadcrumbs: { href: string; text: string }[], main: string): string {
  const crumbs = breadcrumbs
    .map(
      (crumb) =>
        `<li class="nhsd-m-breadcrumb__item"><a href="${crumb.href}">${escapeHtml(crumb.text)}</a></li>`,
    )
    .join('\n          ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)} - NHS Digital</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/webfiles/1600000000000/css/main.css">
  <script src="/webfiles/1600000000000/js/cookie-consent.js" defer></script>
</head>
<body>
  <div id="cookiebanner" class="nhsd-cookie-banner" role="dialog" aria-label="Cookies on our website">
    <h2>Cookies on our website</h2>
    <p>We use necessary cookies to make our site work. We'd also like to set analytics cookies that help us make
    improvements by measuring how you use the site. These will be set only if you accept.</p>
    <button id="nhsuk-cookie-banner__link_accept_analytics">Accept analytics cookies</button>
    <button id="nhsuk-cookie-banner__link_reject">Reject analytics cookies</button>
    <a href="https://digital.nhs.uk/about-nhs-digital/our-work/keeping-patient-data-safe/cookies">Read more about our cookies</a>
  </div>
  <a class="nhsd-a-skip-link" href="#main-content">Skip to main content</a>
  <header class="nhsd-o-header" id="header">
    <a class="nhsd-o-header__logo" href="https://digital.nhs.uk/" aria-label="NHS Digital home">NHS Digital</a>
    <nav class="nhsd-m-navigation" aria-label="Main navigation">
      <ul>
        <li><a href="https://digital.nhs.uk/news">News</a></li>
        <li><a href="https://digital.nhs.uk/data-and-information">Data</a></li>
        <li><a href="https://digital.nhs.uk/services">Services</a></li>
        <li><a href="https://digital.nhs.uk/developer">Developer</a></li>
        <li><a href="https://digital.nhs.uk/about-nhs-digital">About us</a></li>
      </ul>
    </nav>
    <form class="nhsd-o-header__search" action="https://digital.nhs.uk/search"><input name="query" aria-label="Search"></form>
  </header>
  <nav class="nhsd-m-breadcrumb" aria-label="Breadcrumb">
    <ol>
          ${crumbs}
    </ol>
  </nav>
  <main id="main-content">
${main}
  </main>
  <aside class="nhsd-o-banner nhsd-!t-bg-pale-grey" id="careers-banner">
    <h2>Work for us</h2>
    <p>We're recruiting data analysts and statisticians to help publish official statistics. Find a role that suits you.</p>
    <a href="https://digital.nhs.uk/about-nhs-digital/careers">Search current vacancies</a>
  </aside>
  <footer class="nhsd-o-global-footer">
    <ul>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/contact-us">Contact us</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/accessibility">Accessibility</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/terms-and-conditions">Terms and conditions</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/privacy-and-cookies">Privacy and cookies</a></li>
    </ul>
    <p>&copy; NHS Digital</p>
  </footer>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------------------------
// nhsd-gp-registrations

const GP_SOURCE = 'nhsd-gp-registrations';
const GP_SERIES_URL =
  'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice';

interface GpEdition {
  snapshot: SnapshotDate;
  /** "May 2020" */
  label: string;
  slug: string;
  /** ISO date-time the edition was published (Last-Modified of its page and files). */
  publishedAt: string;
  /** Publication date as printed on the page. */
  publishedText: string;
  extractDate: string;
  era: 'ccg' | 'sub_icb';
  /** Parts per million applied to every real January 2021 count; null for the real file itself. */
  scalePpm: number | null;
  archive: boolean;
  /** Older editions listed under "Past publications", newest first (page links only). */
  pastEditions: string[];
}

const gpEditions: GpEdition[] = [
  {
    snapshot: '2020-06-15',
    label: 'May 2020',
    slug: 'may-2020',
    publishedAt: '2020-06-11T09:30:00Z',
    publishedText: '11 Jun 2020',
    extractDate: '01MAY2020',
    era: 'ccg',
    scalePpm: 995_200,
    archive: false,
    pastEditions: ['April 2020', 'March 2020', 'February 2020', 'January 2020', 'December 2019'],
  },
  {
    snapshot: '2020-12-14',
    label: 'December 2020',
    slug: 'december-2020',
    publishedAt: '2020-12-10T09:30:00Z',
    publishedText: '10 Dec 2020',
    extractDate: '01DEC2020',
    era: 'ccg',
    scalePpm: 999_300,
    archive: true,
    pastEditions: ['November 2020', 'October 2020', 'September 2020', 'August 2020', 'July 2020'],
  },
  {
    snapshot: '2021-04-12',
    label: 'January 2021',
    slug: 'january-2021',
    publishedAt: '2021-01-14T09:30:00Z',
    publishedText: '14 Jan 2021',
    extractDate: '01JAN2021',
    era: 'ccg',
    scalePpm: null,
    archive: false,
    pastEditions: ['December 2020', 'November 2020', 'October 2020', 'September 2020', 'August 2020'],
  },
  {
    snapshot: '2022-07-20',
    label: 'July 2022',
    slug: 'july-2022',
    publishedAt: '2022-07-14T09:30:00Z',
    publishedText: '14 Jul 2022',
    extractDate: '2022-07-01',
    era: 'sub_icb',
    scalePpm: 1_023_300,
    archive: true,
    pastEditions: ['June 2022', 'May 2022', 'April 2022', 'March 2022', 'February 2022'],
  },
];

const CCG_ERA_HEADER = [
  'PUBLICATION',
  'EXTRACT_DATE',
  'TYPE',
  'CCG_CODE',
  'ONS_CCG_CODE',
  'CODE',
  'POSTCODE',
  'SEX',
  'AGE',
  'NUMBER_OF_PATIENTS',
];
/** The totals file of one edition, and the per-CCG / sub-ICB totals it implies. */
function gpTotalsFile(edition: GpEdition): { csv: string; orgTotals: OrgTotal[] } {
  const rows = gpJanuary2021.map((row) => {
    const patients = Number(field(row, 'NUMBER_OF_PATIENTS'));
    const scaled = edition.scalePpm === null ? patients : scaleCount(patients, edition.scalePpm);
    let orgCode = field(row, 'CCG_CODE');
    let onsCode = field(row, 'ONS_CCG_CODE');
    if (edition.era === 'sub_icb') {
      const mapping = mappingByOldCcg.get(orgCode);
      if (!mapping) throw new Error(`CCG ${orgCode} is not in the 2021 mapping`);
      orgCode = field(mapping, 'CCG21CDH');
      onsCode = field(mapping, 'CCG21CD');
    }
    return [
      field(row, 'PUBLICATION'),
      edition.extractDate,
      field(row, 'TYPE'),
      orgCode,
      onsCode,
      field(row, 'CODE'),
      field(row, 'POSTCODE'),
      'ALL',
      'ALL',
      scaled,
    ] as const;
  });
  if (edition.era === 'sub_icb') {
    rows.sort((a, b) => (a[3] === b[3] ? (a[5] < b[5] ? -1 : 1) : a[3] < b[3] ? -1 : 1));
  }
  const totals = new Map<string, OrgTotal>();
  for (const row of rows) {
    const total = totals.get(row[3]) ?? { orgCode: row[3], onsCode: row[4], patients: 0 };
    total.patients += row[9];
    totals.set(row[3], total);
  }
  const csv =
    edition.scalePpm === null
      ? gpJanuary2021Text.toString('utf8')
      : toCsv(edition.era === 'ccg' ? CCG_ERA_HEADER : SUB_ICB_ERA_HEADER, rows, '\r\n');
  return { csv, orgTotals: [...totals.values()].sort((a, b) => (a.orgCode < b.orgCode ? -1 : 1)) };
}

/** ONS mid-2019 age bands (0-17, 18-64, 65+) per CCG 2020 code, or summed per CCG 2021 code. */
function ageBandsByOrg(era: 'ccg' | 'sub_icb'): Map<string, [number, number, number]> {
  const bands = new Map<string, [number, number, number]>();
  for (const row of population2019) {
    const key = era === 'ccg' ? field(row, 'CCG_2020_CODE') : field(row, 'CCG_2021_CODE');
    const current = bands.get(key) ?? [0, 0, 0];
    current[0] += Number(field(row, 'Aged_0_to_17'));
    current[1] += Number(field(row, 'Aged_18_to_64'));
    current[2] += Number(field(row, 'Aged_65_OVER'));
    bands.set(key, current);
  }
  return bands;
}

function singleYearOfAgeFile(edition: GpEdition, orgTotals: OrgTotal[]): string {
  const bands = ageBandsByOrg(edition.era);
  return singleYearOfAgeCsv(
    orgTotals,
    (orgCode) => bands.get(orgCode),
    edition.era === 'ccg' ? 'CCG' : 'SICBL',
    edition.extractDate,
  );
}

interface Attachment {
  title: string;
  fileName: string;
  mime: string;
  sizeBytes: number;
  url: string;
}

function editionPage(edition: GpEdition, attachments: Attachment[], totalPatients: number | null): string {
  const editionUrl = `${GP_SERIES_URL}/${edition.slug}`;
  const attachmentItems = attachments
    .map(
      (
        attachment,
      ) => `        <li class="attachment" itemprop="hasPart" itemscope itemtype="http://schema.org/MediaObject">
          <div class="block-link__header"><span class="icon icon--${attachment.fileName.split('.').pop()}" aria-hidden="true"></span></div>
          <div class="block-link__body">
            <meta itemprop="encodingFormat" content="${attachment.mime}">
            <a class="block-link__link" itemprop="contentUrl" href="${attachment.url}" title="${escapeHtml(attachment.title)}" onclick="logGoogleAnalyticsEvent('Download attachment','Publication','${attachment.fileName}');">${escapeHtml(attachment.title)}</a>
            <span class="fileSize">size: <span itemprop="contentSize">${formatSize(attachment.sizeBytes)}</span></span>
          </div>
        </li>`,
    )
    .join('\n');
  const keyFacts =
    totalPatients === null
      ? `<p>This publication gives the number of patients registered at each GP practice in England on ${edition.extractDate === '2022-07-01' ? '1 July 2022' : `1 ${edition.label}`}, by practice, sub-ICB location or CCG, sex and single year of age.</p>`
      : `<div class="infographic"><p class="infographic__headline">${totalPatients.toLocaleString('en-GB')}</p><p class="infographic__explanation">patients registered at GP practices in England on 1 ${edition.label}</p></div>`;
  const orgWord =
    edition.era === 'ccg'
      ? 'Clinical Commissioning Groups (CCGs)'
      : 'sub-ICB locations and Integrated Care Boards (ICBs)';
  const main = `    <article class="article article--publication" itemscope itemtype="http://schema.org/Dataset">
      <div class="article-header">
        <span class="article-header__label">Publication</span>
        <h1 itemprop="name">Patients Registered at a GP Practice, ${escapeHtml(edition.label)}</h1>
        <p class="article-header__subtitle">Official statistics</p>
      </div>
      <dl class="detail-list">
        <dt class="detail-list__key">Publication date:</dt>
        <dd class="detail-list__value" itemprop="datePublished">${edition.publishedText}</dd>
        <dt class="detail-list__key">Geographic coverage:</dt>
        <dd class="detail-list__value">England</dd>
        <dt class="detail-list__key">Geographical granularity:</dt>
        <dd class="detail-list__value">GP practices, ${orgWord}, NHS England regions</dd>
        <dt class="detail-list__key">Date range:</dt>
        <dd class="detail-list__value">${edition.extractDate === '2022-07-01' ? '01 Jul 2022' : `01 ${edition.label.slice(0, 3)} ${edition.label.slice(-4)}`}</dd>
      </dl>
      <div id="section-summary" class="article-section">
        <h2>Summary</h2>
        <div itemprop="description">
          ${keyFacts}
          <p>Figures are taken from the National Health Application and Infrastructure Services (NHAIS) and are
          produced monthly. Quarterly editions add lower layer super output area (LSOA) breakdowns.</p>
        </div>
      </div>
      <div id="resources" class="article-section">
        <h2>Resources</h2>
        <ul data-uipath="ps.publication.resources-attachments" class="list list--reset">
${attachmentItems}
        </ul>
      </div>
      <div class="article-section" id="related-links">
        <h2>Related links</h2>
        <ul>
          <li><a href="https://digital.nhs.uk/data-and-information/data-tools-and-services/data-services/general-practice-data-hub">General Practice Data Hub</a></li>
          <li><a href="https://digital.nhs.uk/services/organisation-data-service">Organisation Data Service</a></li>
          <li><a href="${GP_SERIES_URL}">Patients Registered at a GP Practice: all editions</a></li>
        </ul>
      </div>
      <p class="article-section__contact">Contact: enquiries@nhsdigital.nhs.uk</p>
      <link itemprop="url" href="${editionUrl}">
    </article>`;
  return nhsDigitalPage(
    `Patients Registered at a GP Practice, ${edition.label}`,
    [
      { href: 'https://digital.nhs.uk/', text: 'Home' },
      { href: 'https://digital.nhs.uk/data-and-information', text: 'Data and information' },
      { href: 'https://digital.nhs.uk/data-and-information/publications', text: 'Publications' },
      { href: GP_SERIES_URL, text: 'Patients Registered at a GP Practice' },
    ],
    main,
  );
}

function seriesPage(edition: GpEdition): string {
  const slugOf = (label: string) => label.toLowerCase().replace(/\s+/g, '-');
  const past = edition.pastEditions
    .map(
      (
        label,
      ) => `          <li><article class="cta"><h3 class="cta__title">Patients Registered at a GP Practice, ${label}</h3>
            <a class="cta__button" href="${GP_SERIES_URL}/${slugOf(label)}" title="Patients Registered at a GP Practice, ${label}">${label}</a></article></li>`,
    )
    .join('\n');
  const main = `    <article class="article article--series">
      <div class="article-header">
        <span class="article-header__label">Series / Collection</span>
        <h1>Patients Registered at a GP Practice</h1>
      </div>
      <div id="section-summary" class="article-section">
        <div itemprop="description">
          <p>Monthly counts of the patients registered at each GP practice in England, by sex and age, with
          breakdowns for the commissioning organisations the practices belong to.</p>
        </div>
      </div>
      <div id="latest-statistics" class="article-section">
        <h2>Latest statistics</h2>
        <article class="cta">
          <h3 class="cta__title"><a href="${GP_SERIES_URL}/${edition.slug}" title="Patients Registered at a GP Practice, ${edition.label}">Patients Registered at a GP Practice, ${edition.label}</a></h3>
          <p class="cta__meta">Official statistics, published ${edition.publishedText}</p>
        </article>
      </div>
      <div id="upcoming" class="article-section">
        <h2>Upcoming publications</h2>
        <p>The next edition is due on the second Thursday of next month.</p>
      </div>
      <div id="past-publications" class="article-section">
        <h2>Past publications</h2>
        <ul class="list list--reset">
${past}
        </ul>
      </div>
      <div class="article-section" id="related-links">
        <h2>Related links</h2>
        <ul><li><a href="https://digital.nhs.uk/data-and-information/publications/statistical/appointments-in-general-practice">Appointments in General Practice</a></li></ul>
      </div>
    </article>`;
  return nhsDigitalPage(
    'Patients Registered at a GP Practice',
    [
      { href: 'https://digital.nhs.uk/', text: 'Home' },
      { href: 'https://digital.nhs.uk/data-and-information', text: 'Data and information' },
      { href: 'https://digital.nhs.uk/data-and-information/publications', text: 'Publications' },
    ],
    main,
  );
}

async function buildGpRegistrations(): Promise<void> {
  for (const edition of gpEditions) {
    const published = new Date(edition.publishedAt);
    const lastModified = httpDate(edition.publishedAt);
    const { csv: totalsCsv, orgTotals } = gpTotalsFile(edition);
    const singAgeCsv = singleYearOfAgeFile(edition, orgTotals);
    const derivedNote =
      edition.scalePpm === null
        ? null
        : `Derived, not published: the real January 2021 file (07a, 6,658 practices) with every NUMBER_OF_PATIENTS multiplied by ${edition.scalePpm / 1_000_000} and rounded half up, EXTRACT_DATE set to ${edition.extractDate}` +
          (edition.era === 'sub_icb'
            ? '; CCG codes mapped to July 2022 sub-ICB location codes via ccg_mapping_2021 (CCG_UNMAPPED -> CCG21CDH, file 02), ONS_SUB_ICB_LOCATION_CODE = CCG21CD, header in the sub-ICB era layout, rows sorted by sub-ICB location then practice.'
            : '; same practices, CCGs and layout.');
    const files: {
      title: string;
      base: string;
      body: string;
      kind: 'all' | 'regions';
      note: string;
      origin: 'real' | 'derived';
    }[] = [
      {
        title: 'Totals (GP practice-all persons)',
        base: 'gp-reg-pat-prac-all',
        body: totalsCsv,
        kind: 'all',
        origin: edition.scalePpm === null ? 'real' : 'derived',
        note:
          derivedNote ??
          'Real NHS Digital file for January 2021 (07a), verbatim: 6,658 practices, 60,606,345 patients. Later editions (February to April 2021) had been published by this snapshot date but are not bundled; the series page here presents January 2021 as the latest.',
      },
      {
        title: `Single year of age (${edition.era === 'ccg' ? 'Regions-STPs-CCGs' : 'Regions-ICBs-SICBLs-PCNs'})`,
        base: 'gp-reg-pat-prac-sing-age-regions',
        body: singAgeCsv,
        kind: 'regions',
        origin: 'derived',
        note: `Derived, not published (no real single-year-of-age file was available): ${edition.era === 'ccg' ? 'CCG' : 'sub-ICB location (ORG_TYPE SICBL)'} level only, from this edition's totals file. ${SING_AGE_METHOD}`,
      },
    ];
    const attachments: Attachment[] = [];
    for (const file of files) {
      const fileName = `${file.base}.${edition.archive ? 'zip' : 'csv'}`;
      const url = `https://files.digital.nhs.uk/${token(`${edition.slug}/${file.base}`, 2)}/${token(`${edition.slug}/${file.base}/path`, 6)}/${fileName}`;
      const csvBytes = Buffer.from(file.body, 'utf8');
      const body = edition.archive ? await zipOne(`${file.base}.csv`, csvBytes, published) : csvBytes;
      addFile(edition.snapshot, GP_SOURCE, url, fileForUrl(url), body, {
        contentType: edition.archive ? 'application/zip' : 'text/csv',
        lastModified,
        origin: file.origin,
        note: edition.archive
          ? `${file.note} Served as a ZIP holding one entry, ${file.base}.csv.`
          : file.note,
      });
      attachments.push({
        title: file.title,
        fileName,
        mime: edition.archive ? 'application/zip' : 'text/csv',
        sizeBytes: body.length,
        url,
      });
    }
    // Attachments the page lists but discovery must not take (not served: the snapshot answers 404).
    const extra = (title: string, name: string, mime: string, size: number): Attachment => ({
      title,
      fileName: name,
      mime,
      sizeBytes: size,
      url: `https://files.digital.nhs.uk/${token(`${edition.slug}/${name}`, 2)}/${token(`${edition.slug}/${name}/path`, 6)}/${encodeURI(name)}`,
    });
    const ext = edition.archive ? 'zip' : 'csv';
    const mime = edition.archive ? 'application/zip' : 'text/csv';
    const mapTitle =
      edition.era === 'ccg'
        ? 'Mapping (GP practices to PCN, CCG, STP and region)'
        : 'Mapping (GP practices to PCN, sub-ICB location, ICB and region)';
    attachments.push(
      extra(
        'Single year of age (GP practice-females)',
        `gp-reg-pat-prac-sing-age-female.${ext}`,
        mime,
        3_100_000,
      ),
      extra(
        'Single year of age (GP practice-males)',
        `gp-reg-pat-prac-sing-age-male.${ext}`,
        mime,
        3_050_000,
      ),
      extra('5-year age groups', `gp-reg-pat-prac-quin-age.${ext}`, mime, 2_000_000),
      extra(mapTitle, 'gp-reg-pat-prac-map.csv', 'text/csv', 1_050_000),
      extra('Pre-Release Access List', 'Pre-Release Access List.pdf', 'application/pdf', 96_000),
    );
    const totalPatients =
      edition.scalePpm === null ? orgTotals.reduce((sum, org) => sum + org.patients, 0) : null;
    const editionUrl = `${GP_SERIES_URL}/${edition.slug}`;
    addFile(
      edition.snapshot,
      GP_SOURCE,
      editionUrl,
      fileForUrl(`${editionUrl}/`),
      editionPage(edition, attachments, totalPatients),
      {
        contentType: 'text/html; charset=utf-8',
        lastModified,
        origin: 'written',
        note: 'Written for the snapshot after the digital.nhs.uk publication markup (10_nhs_page_structures.md); attachment URLs carry fixed made-up tokens; the female/male/quinary-age, map and PDF attachments are listed but not served.',
      },
    );
    addFile(
      edition.snapshot,
      GP_SOURCE,
      GP_SERIES_URL,
      fileForUrl(`${GP_SERIES_URL}/`),
      seriesPage(edition),
      {
        contentType: 'text/html; charset=utf-8',
        lastModified,
        origin: 'written',
        note: `Written series page; "Latest statistics" links to the ${edition.label} edition; past editions are listed but not served.`,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ons-code-lookups

const LOOKUP_SOURCE = 'ons-code-lookups';
const GEOPORTAL_SEARCH_URL = 'https://geoportal.statistics.gov.uk/search?tags=LUP_HEALTH&sort=-created';

function hubUrl(slug: string): string {
  return `https://hub.arcgis.com/api/v3/datasets/${token(slug, 32, false)}_0/downloads/data?format=csv&spatialRefId=4326&where=1%3D1`;
}

function ccg20Lookup(): LookupDataset {
  const rows = population2019
    .map((row) => {
      const code = field(row, 'CCG_2020_CODE');
      const mapping = mappingByOldCcg.get(code);
      const onsCode = ccg20OnsCode.get(code);
      if (!mapping || !onsCode) throw new Error(`CCG20 ${code} has no mapping or ONS code`);
      return [
        onsCode,
        code,
        field(row, 'CCG_2020_NAME'),
        field(mapping, 'STP21CD'),
        field(mapping, 'STP21CDH'),
        field(mapping, 'STP21NM'),
        field(mapping, 'NHSER21CD'),
        field(mapping, 'NHSER21CDH'),
        field(mapping, 'NHSER21NM'),
      ];
    })
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map((row, index) => [...row, index + 1]);
  return {
    slug: 'clinical-commissioning-group-to-stp-to-nhs-england-region-april-2020-lookup-in-england',
    title: 'Clinical Commissioning Group to STP to NHS England (Region) (April 2020) Lookup in England',
    description:
      'A lookup between clinical commissioning groups, sustainability and transformation partnerships and NHS England (Region) in England as at 1 April 2020.',
    publishedAt: '2020-05-27T10:00:00Z',
    csv: toCsv(
      [
        'CCG20CD',
        'CCG20CDH',
        'CCG20NM',
        'STP20CD',
        'STP20CDH',
        'STP20NM',
        'NHSER20CD',
        'NHSER20CDH',
        'NHSER20NM',
        'FID',
      ],
      rows,
      '\r\n',
    ),
    origin: 'derived',
    note: 'Derived: the 135 April 2020 CCGs of the ONS mid-2019 population file (05: CCG_2020_CODE, CCG_2020_NAME), their ONS codes from the real January 2021 GP file (07a: ONS_CCG_CODE), and STP and region from ccg_mapping_2021 (02, CCG_UNMAPPED -> STP21/NHSER21). The April 2020 STP codes, names and memberships equal the April 2021 ones in 02 (CCG mergers in April 2021 stayed within STPs). Rows sorted by CCG20CD; FID numbers the rows.',
  };
}

function ccg21Lookup(): LookupDataset {
  const rows = [...mappingByCcg21.values()]
    .map((row) =>
      [
        'CCG21CD',
        'CCG21CDH',
        'CCG21NM',
        'STP21CD',
        'STP21CDH',
        'STP21NM',
        'NHSER21CD',
        'NHSER21CDH',
        'NHSER21NM',
      ].map((column) => field(row, column)),
    )
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map((row, index) => [...row, index + 1]);
  return {
    slug: 'clinical-commissioning-group-to-stp-to-nhs-england-region-april-2021-lookup-in-england',
    title: 'Clinical Commissioning Group to STP to NHS England (Region) (April 2021) Lookup in England',
    description:
      'A lookup between clinical commissioning groups, sustainability and transformation partnerships and NHS England (Region) in England as at 1 April 2021.',
    publishedAt: '2021-04-07T10:00:00Z',
    csv: toCsv(
      [
        'CCG21CD',
        'CCG21CDH',
        'CCG21NM',
        'STP21CD',
        'STP21CDH',
        'STP21NM',
        'NHSER21CD',
        'NHSER21CDH',
        'NHSER21NM',
        'FID',
      ],
      rows,
      '\r\n',
    ),
    origin: 'derived',
    note: 'Derived: one row per April 2021 CCG (106) from NHS Digital ccg_mapping_2021 (02), columns renamed to the ONS layout, names kept as published there (upper case), the "Unknown" row dropped. Rows sorted by CCG21CD; FID numbers the rows.',
  };
}

function sicbl22Lookup(): LookupDataset {
  const rows: string[][] = [];
  for (const icb of icbs2022) {
    const icbName = field(icb, 'ICB22NM_MIXED');
    for (const code of field(icb, 'SUB_ICB_LOCATION_ODS_CODES_JULY2022').split(';')) {
      const mapping = mappingByCcg21.get(code);
      if (!mapping) throw new Error(`sub-ICB location ${code} has no CCG21 row`);
      rows.push([
        field(mapping, 'CCG21CD'),
        code,
        `${icbName.replace(/ Integrated Care Board$/, '')} ICB - ${code}`,
        field(icb, 'ICB22CD'),
        field(icb, 'ICB_ODS_CODE'),
        icbName,
        field(icb, 'NHSER22CD'),
        field(icb, 'NHSER_ODS_CODE'),
        field(icb, 'NHSER_NAME'),
      ]);
    }
  }
  rows.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
  return {
    slug: 'sub-icb-locations-to-integrated-care-boards-to-nhs-england-region-july-2022-lookup-in-england',
    title:
      'Sub ICB Locations to Integrated Care Boards to NHS England (Region) (July 2022) Lookup in England',
    description:
      'A lookup between sub ICB locations, integrated care boards and NHS England (Region) in England as at 1 July 2022.',
    publishedAt: '2022-07-13T10:00:00Z',
    csv:
      BOM +
      toCsv(
        [
          'SICBL22CD',
          'SICBL22CDH',
          'SICBL22NM',
          'ICB22CD',
          'ICB22CDH',
          'ICB22NM',
          'NHSER22CD',
          'NHSER22CDH',
          'NHSER22NM',
          'ObjectId',
        ],
        rows.map((row, index) => [...row, index + 1]),
        '\r\n',
      ),
    origin: 'derived',
    note: 'Derived from the 42-ICB list (01): one row per sub-ICB location code in SUB_ICB_LOCATION_ODS_CODES_JULY2022 (106), ICB22CD/ICB22CDH/ICB22NM (mixed-case; 8 names rule-derived, see 01) and NHSER22CD/CDH/NM. SICBL22CD is the E38 code of the CCG21 with the same ODS code (02), since sub-ICB locations carried their CCG codes over; SICBL22NM is built as "<ICB name without Integrated Care Board> ICB - <code>". ICB22CD carries the eight codes re-issued in July 2022 (E54000055-E54000062) and NHSER22CD the new Midlands (E40000011) and North East and Yorkshire (E40000012) codes. UTF-8 with BOM, CRLF.',
  };
}

function icb22Names(): LookupDataset {
  const rows = icbs2022
    .map((icb) => [field(icb, 'ICB22CD'), field(icb, 'ICB_ODS_CODE'), field(icb, 'ICB22NM_MIXED')])
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map((row, index) => [...row, index + 1]);
  return {
    slug: 'integrated-care-boards-july-2022-names-and-codes-in-england',
    title: 'Integrated Care Boards (July 2022) Names and Codes in England',
    description: 'A list of the names and codes of the integrated care boards in England as at 1 July 2022.',
    publishedAt: '2022-07-13T10:00:00Z',
    csv: BOM + toCsv(['ICB22CD', 'ICB22CDH', 'ICB22NM', 'ObjectId'], rows, '\r\n'),
    origin: 'derived',
    note: 'Derived from the 42-ICB list (01): ICB22CD, ICB ODS code and mixed-case name (34 verbatim, 8 rule-derived from the ODS upper-case name, see ICB22NM_MIXED_SOURCE in 01). Rows sorted by ICB22CD. UTF-8 with BOM, CRLF.',
  };
}

function geoportalPage(title: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)} | Open Geography Portal</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body class="calcite">
  <div id="cookie-banner" class="cookie-banner" role="region" aria-label="Cookie banner">
    <p>This site uses cookies to make it work and to collect anonymous analytics. <a href="https://geoportal.statistics.gov.uk/pages/cookies">Cookie policy</a></p>
    <button class="btn accept-cookies">Accept</button> <button class="btn reject-cookies">Reject</button>
  </div>
  <header class="site-header">
    <a class="site-logo" href="https://geoportal.statistics.gov.uk/">Open Geography Portal</a>
    <nav><ul>
      <li><a href="https://geoportal.statistics.gov.uk/search?collection=Dataset">Datasets</a></li>
      <li><a href="https://geoportal.statistics.gov.uk/search?tags=LUP_HEALTH">Lookups: health</a></li>
      <li><a href="https://geoportal.statistics.gov.uk/pages/about">About</a></li>
    </ul></nav>
  </header>
  <main id="main-content">
${main}
  </main>
  <footer class="site-footer">
    <p>Contains public sector information licensed under the <a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government Licence v3.0</a>.</p>
    <p><a href="https://www.ons.gov.uk/">Office for National Statistics</a> &middot; <a href="https://geoportal.statistics.gov.uk/pages/accessibility">Accessibility</a></p>
  </footer>
</body>
</html>
`;
}

function datasetPageUrl(dataset: LookupDataset): string {
  return `https://geoportal.statistics.gov.uk/datasets/ons::${dataset.slug}/about`;
}

function datasetPage(dataset: LookupDataset): string {
  const rowCount = dataset.csv.toString().trimEnd().split(/\r?\n/).length - 1;
  const main = `    <div class="dataset-header">
      <p class="content-type">CSV Collection / Lookup</p>
      <h1 class="dataset-title">${escapeHtml(dataset.title)}</h1>
      <p class="dataset-owner">Office for National Statistics</p>
    </div>
    <section class="dataset-about">
      <h2>About</h2>
      <p>${escapeHtml(dataset.description)} (File Geodatabase table, ${rowCount} records.)</p>
      <dl class="dataset-metadata">
        <dt>Published Date</dt><dd>${new Date(dataset.publishedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}</dd>
        <dt>Licence</dt><dd>Open Government Licence v3.0</dd>
        <dt>Tags</dt><dd><a class="tag" href="https://geoportal.statistics.gov.uk/search?tags=LUP_HEALTH">LUP_HEALTH</a></dd>
      </dl>
    </section>
    <section class="dataset-downloads">
      <h2>Download</h2>
      <ul>
        <li><a class="download-link" href="${escapeHtml(hubUrl(dataset.slug))}" download>Download CSV</a></li>
        <li><a class="api-link" href="https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/${token(dataset.slug, 10, false)}/FeatureServer/0/query?outFields=*&amp;where=1%3D1&amp;f=geojson">GeoJSON API</a></li>
      </ul>
    </section>
    <section class="related">
      <h2>You might also be interested in</h2>
      <ul><li><a href="https://geoportal.statistics.gov.uk/search?tags=PRD_ONSPD">ONS Postcode Directory</a></li></ul>
    </section>`;
  return geoportalPage(dataset.title, main);
}

function searchPage(datasets: LookupDataset[]): string {
  const results = datasets
    .map(
      (dataset) => `      <li class="search-result">
        <a class="result-title" href="${datasetPageUrl(dataset)}">${escapeHtml(dataset.title)}</a>
        <p class="result-type">Table &middot; Office for National Statistics &middot; ${new Date(dataset.publishedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}</p>
        <p class="result-snippet">${escapeHtml(dataset.description)}</p>
      </li>`,
    )
    .join('\n');
  const main = `    <h1>Search results</h1>
    <p class="search-summary">${datasets.length} results for tag <strong>LUP_HEALTH</strong>, newest first</p>
    <ol class="search-results">
${results}
    </ol>`;
  return geoportalPage('Search', main);
}

function buildCodeLookups(): void {
  const ccg20 = ccg20Lookup();
  const ccg21 = ccg21Lookup();
  const sicbl22 = sicbl22Lookup();
  const names22 = icb22Names();
  // sort=-created: newest first; older vintages stay listed, as on the live portal.
  const listed: Record<string, LookupDataset[]> = {
    '2020-06-15': [ccg20],
    '2020-12-14': [ccg20],
    '2021-04-12': [ccg21, ccg20],
    '2022-07-20': [sicbl22, names22, ccg21, ccg20],
  };
  for (const [date, eraDatasets] of Object.entries(eraLookupDatasets(eraFacts))) {
    listed[date] = [...eraDatasets, sicbl22, names22, ccg21, ccg20];
  }
  for (const date of allDates) {
    const datasets = listed[date];
    if (!datasets) throw new Error(`no lookups listed for ${date}`);
    const newest = datasets[0];
    if (!newest) throw new Error('no datasets');
    addFile(
      date,
      LOOKUP_SOURCE,
      GEOPORTAL_SEARCH_URL,
      'geoportal.statistics.gov.uk/search/tags-LUP_HEALTH-sort-created.html',
      searchPage(datasets),
      {
        contentType: 'text/html; charset=utf-8',
        lastModified: httpDate(newest.publishedAt),
        origin: 'written',
        note: 'Written as a static rendering of the portal search results (the live page is rendered in the browser); one a.result-title per LUP_HEALTH lookup bundled, newest first.',
      },
    );
    for (const dataset of datasets) {
      addFile(
        date,
        LOOKUP_SOURCE,
        datasetPageUrl(dataset),
        `geoportal.statistics.gov.uk/datasets/ons/${dataset.slug}/about.html`,
        datasetPage(dataset),
        {
          contentType: 'text/html; charset=utf-8',
          lastModified: httpDate(dataset.publishedAt),
          origin: 'written',
          note: 'Written dataset page with an a.download-link to the hub CSV (item id is a fixed made-up token).',
        },
      );
      const url = hubUrl(dataset.slug);
      addFile(
        date,
        LOOKUP_SOURCE,
        url,
        `hub.arcgis.com/api/v3/datasets/${token(dataset.slug, 32, false)}_0/downloads/data-format-csv.csv`,
        dataset.csv,
        {
          contentType: 'text/csv; charset=utf-8',
          lastModified: httpDate(dataset.publishedAt),
          origin: dataset.origin,
          note: dataset.note,
        },
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ons-population

const POPULATION_SOURCE = 'ons-population';
const POPULATION_PAGE_URL =
  'https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates';
const POPULATION_FILE_PATH =
  '/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates/mid2019ccg2020/ccg2020mid2019populationestimates.csv';
const POPULATION_LAST_MODIFIED = '2020-06-01T09:30:00Z';

function populationPage(csvBytes: number): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Clinical commissioning group mid-year population estimates - Office for National Statistics</title>
</head>
<body>
  <div class="cookies-banner" id="cookies-banner">
    <p class="cookies-banner__title">Cookies on ons.gov.uk</p>
    <p>Cookies are small files stored on your device when you visit a website. We use some essential cookies to make this website work.</p>
    <button class="btn btn--primary js-accept-cookies">Accept additional cookies</button>
    <button class="btn btn--primary js-reject-cookies">Reject additional cookies</button>
    <a href="/cookies">Set cookie preferences</a>
  </div>
  <header>
    <a class="skiplink" href="#main">Skip to main content</a>
    <nav class="primary-nav" aria-label="Header links"><ul>
      <li><a href="/businessindustryandtrade">Business, industry and trade</a></li>
      <li><a href="/economy">Economy</a></li>
      <li><a href="/employmentandlabourmarket">Employment and labour market</a></li>
      <li><a href="/peoplepopulationandcommunity">People, population and community</a></li>
    </ul></nav>
    <div class="breadcrumb"><ol>
      <li><a href="/">Home</a></li>
      <li><a href="/peoplepopulationandcommunity">People, population and community</a></li>
      <li><a href="/peoplepopulationandcommunity/populationandmigration">Population and migration</a></li>
      <li><a href="/peoplepopulationandcommunity/populationandmigration/populationestimates">Population estimates</a></li>
    </ol></div>
  </header>
  <main id="main">
    <div class="page-intro">
      <p class="page-intro__type">Dataset</p>
      <h1 class="page-intro__title">Clinical commissioning group mid-year population estimates</h1>
      <p class="page-intro__content">Mid-year population estimates for clinical commissioning groups (CCGs) in England, all ages and broad age groups.</p>
    </div>
    <div class="meta-wrap"><ul class="meta">
      <li><span>Contact: </span><a href="mailto:pop.info@ons.gov.uk">Population Estimates Unit</a></li>
      <li><span>Release date: </span>1 June 2020</li>
      <li><span>Next release: </span>To be announced</li>
    </ul></div>
    <section class="dataset-current">
      <h2 id="current-edition">Current edition</h2>
      <div class="show-hide">
        <h3>Mid-2019: April 2020 geography</h3>
        <p>Estimates for the 135 CCGs in England at 1 April 2020, by age band (0 to 17, 18 to 64, 65 and over).</p>
        <a href="/file?uri=${POPULATION_FILE_PATH}" class="btn btn--primary btn--thick" aria-label="Download Mid-2019: April 2020 geography in csv format (${formatSize(csvBytes)})">csv (${formatSize(csvBytes)})</a>
      </div>
    </section>
    <section class="dataset-other">
      <h2>Editions in this dataset</h2>
      <ul><li><a href="/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/clinicalcommissioninggroupmidyearpopulationestimates/mid2018">Mid-2018: April 2019 geography</a></li></ul>
      <h2>Related links</h2>
      <ul>
        <li><a href="/peoplepopulationandcommunity/populationandmigration/populationestimates/bulletins/annualmidyearpopulationestimates/mid2019estimates">Population estimates for the UK, England and Wales, Scotland and Northern Ireland: mid-2019</a></li>
        <li><a href="/methodology/methodologytopicsandstatisticalconcepts">Methodology</a></li>
      </ul>
    </section>
  </main>
  <footer class="footer">
    <p>All content is available under the <a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government Licence v3.0</a>, except where otherwise stated.</p>
  </footer>
</body>
</html>
`;
}

function buildPopulation(): void {
  const csv = readFileSync(path.join(sharedDataDir, '05_ons_mid2019_population_by_ccg2020_mhbulletin.csv'));
  const lastModified = httpDate(POPULATION_LAST_MODIFIED);
  const fileUrl = `https://www.ons.gov.uk/file?uri=${POPULATION_FILE_PATH}`;
  for (const date of allDates) {
    addFile(
      date,
      POPULATION_SOURCE,
      POPULATION_PAGE_URL,
      fileForUrl(`${POPULATION_PAGE_URL}/`),
      populationPage(csv.length),
      {
        contentType: 'text/html; charset=utf-8',
        lastModified,
        origin: 'written',
        note: 'Written after the ONS dataset page layout ("Current edition" with a /file?uri= download). Identical in every snapshot.',
      },
    );
    addFile(
      date,
      POPULATION_SOURCE,
      fileUrl,
      path.posix.join('www.ons.gov.uk/file', POPULATION_FILE_PATH),
      csv,
      {
        contentType: 'text/csv',
        lastModified,
        origin: 'real',
        note: "Real ONS mid-2019 CCG (April 2020 boundaries) estimates, verbatim as kept by the NHS Digital Mental Health Bulletin (05): 135 CCGs, 56,286,961 people, all ages and 0-17/18-64/65+ bands, with each CCG's 2021 parent. ONS itself publishes these as spreadsheets; this CSV copy and the Last-Modified date (chosen on or before the first snapshot so every replay sees it unchanged) are snapshot conventions, not the ONS release date. Identical in every snapshot.",
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  for (const date of allDates) {
    for (const host of ownedHosts)
      rmSync(path.join(snapshotsRoot, date, 'files', host), { recursive: true, force: true });
  }
  await buildGpRegistrations();
  const eraTotals = await buildEraGpRegistrations({
    facts: eraFacts,
    gpJanuary2021,
    bandsByCcg21: ageBandsByOrg('sub_icb'),
    addFile,
  });
  buildCodeLookups();
  buildPopulation();
  for (const date of allDates) {
    if (ERA_DATES.includes(date)) {
      mkdirSync(path.join(snapshotsRoot, date), { recursive: true });
      writeFileSync(path.join(snapshotsRoot, date, 'manifest.json'), eraManifestJson(date));
    }
    for (const sourceId of [GP_SOURCE, LOOKUP_SOURCE, POPULATION_SOURCE]) {
      const resources = resourcesBySnapshot.get(`${date}/${sourceId}`) ?? [];
      resources.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
      const target = path.join(snapshotsRoot, date, 'resources', `${sourceId}.json`);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, `${JSON.stringify(resources, null, 2)}\n`);
    }
  }
  console.log(`wrote ${resourcesBySnapshot.size} resource fragments under ${snapshotsRoot}`);
  for (const [label, total] of eraTotals) console.log(`  derived GP edition ${label}: ${total} patients`);
}

await main();
