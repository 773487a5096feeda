/**
 * The data sources of the five 2023-2026 snapshots (see era-facts.ts), called from build-data-snapshots.ts:
 *
 * - `nhsd-gp-registrations`: one derived monthly edition per snapshot (April 2023, February 2024, October 2025,
 *   April 2026, November 2026), each with its totals file, single-year-of-age file and practice mapping file
 *   (`gp-reg-pat-prac-map`), the edition page and the series page, in the layout digital.nhs.uk used after NHS
 *   Digital joined NHS England.
 * - `ons-code-lookups`: the April 2023, January 2024, April 2025 and April 2026 sub-ICB location lookups and the
 *   April 2023 and April 2026 ICB names lists (the April 2026 lookup is the real file, byte-exact).
 *
 * Every GP file is derived from the real January 2021 practice file (07a): each count scaled by a fixed factor
 * (as the generator does for the older derived editions) and each practice placed in its sub-ICB location of the
 * edition's date (era-facts.ts). The national totals are therefore not published figures.
 */
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
import { type CsvRecord, column, type EraFacts, type EraSubIcb, type Vintage } from './era-facts.ts';

export interface EraDataContext {
  facts: EraFacts;
  /** The rows of the real January 2021 practice file (07a). */
  gpJanuary2021: CsvRecord[];
  /** ONS mid-2019 age bands (0-17, 18-64, 65+) summed per April 2021 CCG (file 05). */
  bandsByCcg21: Map<string, [number, number, number]>;
  addFile: AddFile;
}

// ---------------------------------------------------------------------------------------------------------------
// nhsd-gp-registrations

const GP_SOURCE = 'nhsd-gp-registrations';
const GP_SERIES_URL =
  'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice';

interface EraGpEdition {
  snapshot: string;
  /** "April 2026" */
  label: string;
  slug: string;
  /** ISO date-time the edition was published (Last-Modified of its page and files). */
  publishedAt: string;
  /** Publication date as printed on the page. */
  publishedText: string;
  /** ISO extract date, as the files of this era print it. */
  extractDate: string;
  vintage: Vintage;
  /** Parts per million applied to every real January 2021 count. */
  scalePpm: number;
  /** The mapping file is a ZIP from August 2025 (it was a CSV before). */
  mapArchive: boolean;
  /** Where the registrations were extracted from: NHAIS until April 2024, PDS from May 2024. */
  dataSource: 'nhais' | 'pds';
  /** The LSOA attachments of a quarterly month (listed, not served). */
  lsoaFiles: string[];
  /** Older editions listed under "Past publications", newest first (page links only). */
  pastEditions: string[];
  /** Page furniture: the 2023 pages still carry NHS Digital's header with a merger notice. */
  brand: 'nhs-digital-merged' | 'nhs-england-digital';
  /** Editorial notes on the edition page. */
  notes: string[];
}

const ERA_GP_EDITIONS: EraGpEdition[] = [
  {
    snapshot: '2023-04-20',
    label: 'April 2023',
    slug: 'april-2023',
    publishedAt: '2023-04-13T09:30:00Z',
    publishedText: '13 Apr 2023',
    extractDate: '2023-04-01',
    vintage: 2023,
    scalePpm: 1_033_500,
    mapArchive: false,
    dataSource: 'nhais',
    lsoaFiles: ['gp-reg-pat-prac-lsoa-male-female-Apr-23.zip', 'gp-reg-pat-prac-lsoa-all.zip'],
    pastEditions: ['March 2023', 'February 2023', 'January 2023', 'December 2022', 'November 2022'],
    brand: 'nhs-digital-merged',
    notes: [
      'From 1 April 2023 the ONS codes of two integrated care boards and their sub-ICB locations changed (NHS Surrey Heartlands and NHS Sussex, following the ICB (Establishment) (Variation) Order 2023). Organisation (ODS) codes are unchanged.',
    ],
  },
  {
    snapshot: '2024-02-15',
    label: 'February 2024',
    slug: 'february-2024',
    publishedAt: '2024-02-08T09:30:00Z',
    publishedText: '8 Feb 2024',
    extractDate: '2024-02-01',
    vintage: 2024,
    scalePpm: 1_041_000,
    mapArchive: false,
    dataSource: 'nhais',
    lsoaFiles: [],
    pastEditions: ['January 2024', 'December 2023', 'November 2023', 'October 2023', 'September 2023'],
    brand: 'nhs-england-digital',
    notes: [
      'The mapping file uses the NHS England region codes issued by ONS in January 2024 (East of England E40000013, North West E40000014).',
    ],
  },
  {
    snapshot: '2025-10-15',
    label: 'October 2025',
    slug: 'october-2025',
    publishedAt: '2025-10-09T09:30:00Z',
    publishedText: '9 Oct 2025',
    extractDate: '2025-10-01',
    vintage: 2025,
    scalePpm: 1_053_700,
    mapArchive: true,
    dataSource: 'pds',
    lsoaFiles: [
      'gp-reg-pat-prac-lsoa-2021-male-female-Oct-25.zip',
      'gp-reg-pat-prac-lsoa-2011-male-female-Oct-25.zip',
    ],
    pastEditions: ['September 2025', 'August 2025', 'July 2025', 'June 2025', 'May 2025'],
    brand: 'nhs-england-digital',
    notes: [
      'Integrated care boards that share leadership teams ("clusters") remain separate organisations and are shown separately.',
    ],
  },
  {
    snapshot: '2026-04-20',
    label: 'April 2026',
    slug: 'april-2026',
    publishedAt: '2026-04-09T09:30:00Z',
    publishedText: '9 Apr 2026',
    extractDate: '2026-04-01',
    vintage: 2026,
    scalePpm: 1_055_200,
    mapArchive: true,
    dataSource: 'pds',
    lsoaFiles: [
      'gp-reg-pat-prac-lsoa-2021-male-female-Apr-26.zip',
      'gp-reg-pat-prac-lsoa-2011-male-female-Apr-26.zip',
    ],
    pastEditions: ['March 2026', 'February 2026', 'January 2026', 'December 2025', 'November 2025'],
    brand: 'nhs-england-digital',
    notes: [
      'This edition reflects the integrated care board changes of 1 April 2026: six new ICBs were established, twelve were abolished and NHS Hampshire and Isle of Wight ICB was enlarged, leaving 36 ICBs. Practices are shown under the sub-ICB location and ICB they belong to on the extract date; the practice mapping file gives the ICB of each practice.',
      'Sub-ICB location NHS Frimley ICB - D4U1Y closed on 31 March 2026. Its practices are now in NHS Thames Valley ICB - U2G6B, NHS Hampshire and Isle of Wight ICB - D9Y0V and NHS Surrey and Sussex ICB - 92A.',
    ],
  },
  {
    snapshot: '2026-11-30',
    label: 'November 2026',
    slug: 'november-2026',
    publishedAt: '2026-11-12T09:30:00Z',
    publishedText: '12 Nov 2026',
    extractDate: '2026-11-01',
    vintage: 2026,
    scalePpm: 1_056_900,
    mapArchive: true,
    dataSource: 'pds',
    lsoaFiles: [],
    pastEditions: ['October 2026', 'September 2026', 'August 2026', 'July 2026', 'June 2026'],
    brand: 'nhs-england-digital',
    notes: ['Sub-ICB locations and integrated care boards are those in place since 1 April 2026.'],
  },
];

const MAP_HEADER = [
  'PUBLICATION',
  'EXTRACT_DATE',
  'PRACTICE_CODE',
  'PRACTICE_NAME',
  'PRACTICE_POSTCODE',
  'PCN_CODE',
  'PCN_NAME',
  'ONS_SUB_ICB_LOCATION_CODE',
  'SUB_ICB_LOCATION_CODE',
  'SUB_ICB_LOCATION_NAME',
  'ONS_ICB_CODE',
  'ICB_CODE',
  'ICB_NAME',
  'ONS_COMM_REGION_CODE',
  'COMM_REGION_CODE',
  'COMM_REGION_NAME',
  'SUPPLIER_NAME',
];

type TotalsRow = readonly [string, string, string, string, string, string, string, 'ALL', 'ALL', number];

interface EditionData {
  totalsCsv: string;
  singleYearCsv: string;
  mapCsv: string;
  orgTotals: OrgTotal[];
  nationalTotal: number;
}

function subIcbIndex(facts: EraFacts, vintage: Vintage): Map<string, EraSubIcb> {
  return new Map(facts.subIcbs(vintage).map((subIcb) => [subIcb.code, subIcb]));
}

/** The totals rows of an edition: every 07a practice, scaled, in its sub-ICB location of the edition's date. */
function totalsRows(edition: EraGpEdition, context: EraDataContext): TotalsRow[] {
  const subIcbs = subIcbIndex(context.facts, edition.vintage);
  const rows = context.gpJanuary2021.map((row): TotalsRow => {
    const code = context.facts.practiceSubIcb(edition.vintage, row);
    const subIcb = subIcbs.get(code);
    if (!subIcb)
      throw new Error(`${edition.label}: sub-ICB location ${code} is not in the ${edition.vintage} list`);
    return [
      column(row, 'PUBLICATION'),
      edition.extractDate,
      column(row, 'TYPE'),
      code,
      subIcb.gpFileOns,
      column(row, 'CODE'),
      column(row, 'POSTCODE'),
      'ALL',
      'ALL',
      scaleCount(Number(column(row, 'NUMBER_OF_PATIENTS')), edition.scalePpm),
    ];
  });
  return rows.sort((a, b) => (a[3] === b[3] ? (a[5] < b[5] ? -1 : 1) : a[3] < b[3] ? -1 : 1));
}

/**
 * ONS mid-2019 age bands for each sub-ICB location of an edition: the bands of each April 2021 CCG (file 05)
 * shared among the sub-ICB locations its practices are in, in proportion to their patients (whole CCGs keep their
 * bands exactly; only the closed D4U1Y is shared, in April 2026).
 */
function bandsBySubIcb(
  edition: EraGpEdition,
  context: EraDataContext,
): Map<string, [number, number, number]> {
  const patientsByCcgAndSubIcb = new Map<string, Map<string, number>>();
  const patientsByCcg = new Map<string, number>();
  for (const row of context.gpJanuary2021) {
    const ccg21 = context.facts.practiceCcg21(row);
    const subIcb = context.facts.practiceSubIcb(edition.vintage, row);
    const patients = scaleCount(Number(column(row, 'NUMBER_OF_PATIENTS')), edition.scalePpm);
    const inner = patientsByCcgAndSubIcb.get(ccg21) ?? new Map<string, number>();
    inner.set(subIcb, (inner.get(subIcb) ?? 0) + patients);
    patientsByCcgAndSubIcb.set(ccg21, inner);
    patientsByCcg.set(ccg21, (patientsByCcg.get(ccg21) ?? 0) + patients);
  }
  const bands = new Map<string, [number, number, number]>();
  for (const [ccg21, inner] of patientsByCcgAndSubIcb) {
    const ccgBands = context.bandsByCcg21.get(ccg21);
    const ccgPatients = patientsByCcg.get(ccg21) ?? 0;
    if (!ccgBands) throw new Error(`no ONS age bands for ${ccg21}`);
    for (const [subIcb, patients] of inner) {
      const current = bands.get(subIcb) ?? [0, 0, 0];
      for (let band = 0; band < 3; band++) {
        const share =
          patients === ccgPatients
            ? ccgBands[band]
            : Math.round(((ccgBands[band] ?? 0) * patients) / ccgPatients);
        current[band] = (current[band] ?? 0) + (share ?? 0);
      }
      bands.set(subIcb, current);
    }
  }
  return bands;
}

function mapCsv(edition: EraGpEdition, context: EraDataContext, rows: TotalsRow[]): string {
  const subIcbs = subIcbIndex(context.facts, edition.vintage);
  const mapRows = [...rows]
    .sort((a, b) => (a[5] < b[5] ? -1 : a[5] > b[5] ? 1 : 0))
    .map((row) => {
      const subIcb = subIcbs.get(row[3]);
      if (!subIcb) throw new Error(`no sub-ICB location ${row[3]}`);
      const icb = subIcb.icb;
      return [
        row[0],
        edition.extractDate,
        row[5],
        '',
        row[6],
        '',
        '',
        subIcb.gpFileOns,
        subIcb.code,
        subIcb.name,
        icb.ons,
        icb.ods,
        icb.name,
        icb.regionOns,
        icb.regionOds,
        icb.regionName,
        '',
      ];
    });
  return toCsv(MAP_HEADER, mapRows, '\r\n');
}

function editionData(edition: EraGpEdition, context: EraDataContext): EditionData {
  const rows = totalsRows(edition, context);
  const totals = new Map<string, OrgTotal>();
  for (const row of rows) {
    const total = totals.get(row[3]) ?? { orgCode: row[3], onsCode: row[4], patients: 0 };
    total.patients += row[9];
    totals.set(row[3], total);
  }
  const orgTotals = [...totals.values()].sort((a, b) => (a.orgCode < b.orgCode ? -1 : 1));
  const bands = bandsBySubIcb(edition, context);
  return {
    totalsCsv: toCsv(SUB_ICB_ERA_HEADER, rows, '\r\n'),
    singleYearCsv: singleYearOfAgeCsv(orgTotals, (code) => bands.get(code), 'SICBL', edition.extractDate),
    mapCsv: mapCsv(edition, context, rows),
    orgTotals,
    nationalTotal: orgTotals.reduce((sum, org) => sum + org.patients, 0),
  };
}

function placementNote(edition: EraGpEdition, context: EraDataContext): string {
  const base = `each practice placed in its sub-ICB location of ${edition.extractDate}: its CCG's April 2021 successor (ccg_mapping_2021, file 02: CCG_UNMAPPED -> CCG21CDH, e.g. Bassetlaw 02Q, in NHS Nottingham and Nottinghamshire ICB since July 2022), which sub-ICB locations kept`;
  if (edition.vintage !== 2026)
    return `${base}. ONS_SUB_ICB_LOCATION_CODE is the ONS code of the sub-ICB location from April 2023 (ONS April 2026 lookup, file 12, with the pre-2026 codes of file 15: 92A E38000264, 70F E38000265, D9Y0V E38000253, D4U1Y E38000252, 06H E38000260).`;
  const counts = new Map<string, number>();
  let byPostcode = 0;
  for (const placement of context.facts.frimleyPlacement.values()) {
    counts.set(placement.subIcb, (counts.get(placement.subIcb) ?? 0) + 1);
    if (placement.basis.startsWith('postcode')) byPostcode += 1;
  }
  const split = ['U2G6B', 'D9Y0V', '92A'].map((code) => `${code} ${counts.get(code) ?? 0}`).join(', ');
  return `${base}, except the practices of the closed D4U1Y (NHS Frimley), which go to the sub-ICB location of their April 2026 ICB in file 18 (Thames Valley -> U2G6B, Hampshire and Isle of Wight -> D9Y0V, Surrey and Sussex -> 92A; ${byPostcode} practices file 18 does not list by the unanimous ICB of their postcode district there): ${split}. The 23 sub-ICB locations that moved to a new ICB keep their codes (file 15). ONS_SUB_ICB_LOCATION_CODE follows the ONS April 2026 lookup (file 12) except D9Y0V (E38000253) and 92A (E38000264), which carry the pre-2026 codes exactly as NHS England's real April 2026 file does (file 15, ONS_CODE_IN_GP_FILE_2026_04); the lookup has E38000266 and E38000267.`;
}

// Page furniture of digital.nhs.uk after NHS Digital became part of NHS England (1 February 2023).

function eraDigitalPage(
  brand: EraGpEdition['brand'],
  title: string,
  breadcrumbs: { href: string; text: string }[],
  main: string,
): string {
  const crumbs = breadcrumbs
    .map(
      (crumb) =>
        `<li class="nhsd-m-breadcrumb__item"><a class="nhsd-a-link" href="${crumb.href}">${escapeHtml(crumb.text)}</a></li>`,
    )
    .join('\n        ');
  const logo =
    brand === 'nhs-digital-merged'
      ? '<a class="nhsd-o-header__logo" href="https://digital.nhs.uk/" aria-label="NHS Digital home">NHS Digital</a>'
      : '<a class="nhsd-o-header__logo" href="https://digital.nhs.uk/" aria-label="NHS England Digital home"><span class="nhsd-a-logo">NHS</span> England <span class="nhsd-a-logo__strap">Digital</span></a>';
  const notice =
    brand === 'nhs-digital-merged'
      ? `  <div class="nhsd-o-global-notification" role="region" aria-label="Site notice">
    <p><strong>NHS Digital has merged with NHS England.</strong> Our website will stay at this address while content moves. <a href="https://www.england.nhs.uk/nhse-nhsd-merger/">Find out more about the merger</a>.</p>
  </div>
`
      : '';
  return `<!DOCTYPE html>
<html lang="en" class="no-js">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)} - NHS England Digital</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="description" content="${escapeHtml(title)}">
  <link rel="stylesheet" href="/webfiles/1712000000000/dist/nhsd-frontend.css">
  <script src="/webfiles/1712000000000/js/cookie-consent.js" defer></script>
</head>
<body class="nhsd-t-body">
  <div id="nhsd-cookie-banner" class="nhsd-o-cookie-banner" role="region" aria-label="Cookie banner">
    <h2 class="nhsd-t-heading-s">Cookies on this site</h2>
    <p>We use some essential cookies to make this site work, and we would like to set optional analytics cookies to see how the site is used. We will not set optional cookies unless you choose to accept them.</p>
    <button class="nhsd-a-button" id="cookie-accept">Accept optional cookies</button>
    <button class="nhsd-a-button nhsd-a-button--outline" id="cookie-reject">Reject optional cookies</button>
    <a href="https://digital.nhs.uk/about-nhs-digital/privacy-and-cookies">Cookie policy</a>
  </div>
${notice}  <a class="nhsd-a-skip-link" href="#main-content">Skip to main content</a>
  <header class="nhsd-o-header" id="header">
    ${logo}
    <nav class="nhsd-m-navigation" aria-label="Primary">
      <ul class="nhsd-m-navigation__list">
        <li><a href="https://digital.nhs.uk/services">Services</a></li>
        <li><a href="https://digital.nhs.uk/data-and-information">Data and information</a></li>
        <li><a href="https://digital.nhs.uk/developer">Developer</a></li>
        <li><a href="https://digital.nhs.uk/cyber-and-data-security">Cyber and data security</a></li>
        <li><a href="https://digital.nhs.uk/news">News</a></li>
      </ul>
    </nav>
    <form class="nhsd-o-header__search" role="search" action="https://digital.nhs.uk/search"><label for="query" class="nhsd-t-visually-hidden">Search</label><input id="query" name="query"></form>
  </header>
  <nav class="nhsd-m-breadcrumb" aria-label="Breadcrumb">
    <ol class="nhsd-m-breadcrumb__list">
        ${crumbs}
    </ol>
  </nav>
  <main id="main-content" class="nhsd-t-grid">
${main}
  </main>
  <section class="nhsd-o-feedback" aria-label="Feedback">
    <h2 class="nhsd-t-heading-s">Was this page useful?</h2>
    <a class="nhsd-a-button" href="https://feedback.digital.nhs.uk/">Give feedback</a>
  </section>
  <aside class="nhsd-o-banner" id="careers-banner">
    <h2>Careers in data and analytics</h2>
    <p>NHS England is recruiting statisticians, data engineers and analysts. Search current vacancies and see the benefits of working for us.</p>
    <a href="https://www.jobs.nhs.uk/candidate/search/results?keyword=NHS%20England%20data">Find a role</a>
  </aside>
  <footer class="nhsd-o-global-footer">
    <ul>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/contact-us">Contact us</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/accessibility">Accessibility statement</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/terms-and-conditions">Terms and conditions</a></li>
      <li><a href="https://digital.nhs.uk/about-nhs-digital/privacy-and-cookies">Privacy and cookies</a></li>
    </ul>
    <p>&copy; NHS England</p>
  </footer>
</body>
</html>
`;
}

interface Attachment {
  title: string;
  fileName: string;
  mime: string;
  sizeBytes: number;
  url: string;
}

function attachmentUrl(edition: EraGpEdition, fileName: string): string {
  return `https://files.digital.nhs.uk/${token(`${edition.slug}/${fileName}`, 2)}/${token(`${edition.slug}/${fileName}/path`, 6)}/${encodeURI(fileName)}`;
}

function longExtractDate(edition: EraGpEdition): string {
  return new Date(`${edition.extractDate}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function eraEditionPage(edition: EraGpEdition, attachments: Attachment[]): string {
  const items = attachments
    .map(
      (
        attachment,
      ) => `          <li class="attachment" itemprop="hasPart" itemscope itemtype="http://schema.org/MediaObject">
            <div class="block-link__body">
              <meta itemprop="encodingFormat" content="${attachment.mime}">
              <a class="block-link__link" itemprop="contentUrl" href="${attachment.url}" title="${escapeHtml(attachment.title)}">${escapeHtml(attachment.title)}</a>
              <span class="fileSize">${attachment.fileName.split('.').pop()?.toUpperCase()}, size: <span itemprop="contentSize">${formatSize(attachment.sizeBytes)}</span></span>
            </div>
          </li>`,
    )
    .join('\n');
  const source =
    edition.dataSource === 'nhais'
      ? 'The figures are extracted from the National Health Application and Infrastructure Services (NHAIS) on the first day of the month.'
      : 'Since May 2024 the figures have been extracted from the Personal Demographics Service (PDS) rather than NHAIS; the files kept the same format. They describe registrations on the first day of the month.';
  const notes = edition.notes.map((note) => `            <li>${escapeHtml(note)}</li>`).join('\n');
  const main = `    <article class="nhsd-t-col-12 article article--publication" itemscope itemtype="http://schema.org/Dataset">
      <div class="nhsd-o-hero article-header">
        <span class="article-header__label">Publication</span>
        <h1 itemprop="name">Patients Registered at a GP Practice, ${escapeHtml(edition.label)}</h1>
        <p class="article-header__subtitle">Official statistics, Management information</p>
      </div>
      <dl class="detail-list">
        <dt class="detail-list__key">Publication date:</dt>
        <dd class="detail-list__value" itemprop="datePublished">${edition.publishedText}</dd>
        <dt class="detail-list__key">Geographic coverage:</dt>
        <dd class="detail-list__value">England</dd>
        <dt class="detail-list__key">Geographical granularity:</dt>
        <dd class="detail-list__value">GP practices, Primary Care Networks (PCN), Sub-ICB locations (SICBL), Integrated Care Boards (ICB), NHS England (Region)</dd>
        <dt class="detail-list__key">Date range:</dt>
        <dd class="detail-list__value">${longExtractDate(edition)}</dd>
      </dl>
      <div id="section-summary" class="article-section">
        <h2>Summary</h2>
        <div itemprop="description">
          <p>The number of patients registered at each GP practice in England on ${longExtractDate(edition)}, by sex and by single year or five-year band of age, with breakdowns for primary care networks, sub-ICB locations, integrated care boards and NHS England regions.</p>
          <p>${source}</p>
          <p>Lower layer super output area (LSOA) files are added in January, April, July and October.</p>
        </div>
      </div>
      <div id="section-notes" class="article-section nhsd-m-emphasis-box">
        <h2>Notes for this edition</h2>
        <ul>
${notes}
        </ul>
      </div>
      <div id="resources" class="article-section">
        <h2>Resources</h2>
        <ul data-uipath="ps.publication.resources-attachments" class="list list--reset">
${items}
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
      <p class="article-section__contact">Contact: enquiries@nhsdigital.nhs.uk &middot; Telephone 0300 303 5678</p>
      <link itemprop="url" href="${GP_SERIES_URL}/${edition.slug}">
    </article>`;
  return eraDigitalPage(
    edition.brand,
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

function eraSeriesPage(edition: EraGpEdition): string {
  const slugOf = (label: string) => label.toLowerCase().replace(/\s+/g, '-');
  const past = edition.pastEditions
    .map(
      (
        label,
      ) => `          <li><article class="cta"><h3 class="cta__title">Patients Registered at a GP Practice, ${label}</h3>
            <a class="cta__button" href="${GP_SERIES_URL}/${slugOf(label)}" title="Patients Registered at a GP Practice, ${label}">${label}</a></article></li>`,
    )
    .join('\n');
  const main = `    <article class="nhsd-t-col-12 article article--series">
      <div class="nhsd-o-hero article-header">
        <span class="article-header__label">Series / Collection</span>
        <h1>Patients Registered at a GP Practice</h1>
      </div>
      <div id="section-summary" class="article-section">
        <div itemprop="description">
          <p>Every month, the number of people registered with each GP practice in England, by sex and age, and the primary care networks, sub-ICB locations and integrated care boards the practices belong to.</p>
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
        <p>Editions are usually published on the second Thursday of the month.</p>
      </div>
      <div id="past-publications" class="article-section">
        <h2>Past publications</h2>
        <ul class="list list--reset">
${past}
        </ul>
      </div>
    </article>`;
  return eraDigitalPage(
    edition.brand,
    'Patients Registered at a GP Practice',
    [
      { href: 'https://digital.nhs.uk/', text: 'Home' },
      { href: 'https://digital.nhs.uk/data-and-information', text: 'Data and information' },
      { href: 'https://digital.nhs.uk/data-and-information/publications', text: 'Publications' },
    ],
    main,
  );
}

async function buildEraEdition(edition: EraGpEdition, context: EraDataContext): Promise<number> {
  const published = new Date(edition.publishedAt);
  const lastModified = httpDate(edition.publishedAt);
  const data = editionData(edition, context);
  const derivedFrom = `Derived, not published: the real January 2021 file (07a, 6,658 practices) with every NUMBER_OF_PATIENTS multiplied by ${edition.scalePpm / 1_000_000} and rounded half up (national total ${data.nationalTotal.toLocaleString('en-GB')}, not a published figure), EXTRACT_DATE ${edition.extractDate}; ${placementNote(edition, context)}`;
  const served: { title: string; base: string; body: string; archive: boolean; note: string }[] = [
    {
      title: 'Totals (GP practice-all persons)',
      base: 'gp-reg-pat-prac-all',
      body: data.totalsCsv,
      archive: true,
      note: `${derivedFrom} Header in the sub-ICB era layout (no ICB column), rows sorted by sub-ICB location then practice, CRLF.`,
    },
    {
      title: 'Single year of age (Regions-ICBs-SICBLs-PCNs)',
      base: 'gp-reg-pat-prac-sing-age-regions',
      body: data.singleYearCsv,
      archive: true,
      note: `Derived, not published (no real single-year-of-age file was available): sub-ICB location (ORG_TYPE SICBL) level only, from this edition's totals file (ONS_CODE as there). ${SING_AGE_METHOD} The ONS bands of a sub-ICB location are those of its April 2021 CCG; the bands of the closed D4U1Y are shared among the sub-ICB locations its practices moved to in proportion to their patients (rounded).`,
    },
    {
      title: 'Mapping (GP practices to PCN, sub-ICB location, ICB and region)',
      base: 'gp-reg-pat-prac-map',
      body: data.mapCsv,
      archive: edition.mapArchive,
      note: `Derived, not published: one row per practice of this edition's totals file (sorted by practice code) in the sub-ICB era mapping layout (08_nhs_file_formats.md), with the sub-ICB location, ICB and commissioning region of ${edition.extractDate} (${edition.vintage === 2026 ? 'ONS April 2026 lookup, file 12' : 'file 01 with ICB23CD and the region codes of file 16'}); ONS_SUB_ICB_LOCATION_CODE as in the totals file${edition.vintage === 2026 ? ' (so D9Y0V E38000253 and 92A E38000264, the stale codes of the real April 2026 file, while ONS_ICB_CODE is the April 2026 code)' : ''}. PRACTICE_NAME, PCN_CODE, PCN_NAME and SUPPLIER_NAME are empty: the source file has no names, PCNs or suppliers.`,
    },
  ];
  const attachments: Attachment[] = [];
  for (const file of served) {
    const fileName = `${file.base}.${file.archive ? 'zip' : 'csv'}`;
    const url = attachmentUrl(edition, fileName);
    const csvBytes = Buffer.from(file.body, 'utf8');
    const body = file.archive ? await zipOne(`${file.base}.csv`, csvBytes, published) : csvBytes;
    context.addFile(edition.snapshot, GP_SOURCE, url, fileForUrl(url), body, {
      contentType: file.archive ? 'application/zip' : 'text/csv',
      lastModified,
      origin: 'derived',
      note: file.archive ? `${file.note} Served as a ZIP holding one entry, ${file.base}.csv.` : file.note,
    });
    attachments.push({
      title: file.title,
      fileName,
      mime: file.archive ? 'application/zip' : 'text/csv',
      sizeBytes: body.length,
      url,
    });
  }
  // Listed on the page but not served (the snapshot answers 404), as in the older editions.
  const listed = (title: string, fileName: string, mime: string, sizeBytes: number): Attachment => ({
    title,
    fileName,
    mime,
    sizeBytes,
    url: attachmentUrl(edition, fileName),
  });
  const totalsIndex = 1;
  attachments.splice(
    totalsIndex + 1,
    0,
    listed(
      'Single year of age (GP practice-females)',
      'gp-reg-pat-prac-sing-age-female.zip',
      'application/zip',
      3_200_000,
    ),
    listed(
      'Single year of age (GP practice-males)',
      'gp-reg-pat-prac-sing-age-male.zip',
      'application/zip',
      3_150_000,
    ),
    listed('5-year age groups', 'gp-reg-pat-prac-quin-age.zip', 'application/zip', 2_100_000),
  );
  for (const lsoa of edition.lsoaFiles) {
    const census = lsoa.includes('-2011-') ? ' (2011 LSOAs)' : lsoa.includes('-2021-') ? ' (2021 LSOAs)' : '';
    attachments.push(
      listed(
        lsoa.includes('lsoa-all') ? 'LSOA (all persons)' : `LSOA (GP practice-male and female)${census}`,
        lsoa,
        'application/zip',
        14_000_000,
      ),
    );
  }
  attachments.push(
    listed('Pre-Release Access List', 'Pre-Release Access List.pdf', 'application/pdf', 95_000),
  );
  const editionUrl = `${GP_SERIES_URL}/${edition.slug}`;
  context.addFile(
    edition.snapshot,
    GP_SOURCE,
    editionUrl,
    fileForUrl(`${editionUrl}/`),
    eraEditionPage(edition, attachments),
    {
      contentType: 'text/html; charset=utf-8',
      lastModified,
      origin: 'written',
      note: 'Written for the snapshot after the digital.nhs.uk publication markup of the NHS England era (10_nhs_page_structures.md, attachment set as in 08 section E); attachment URLs carry fixed made-up tokens; the totals, single-year-of-age and mapping files are served, the female/male/quinary-age, LSOA and PDF attachments are listed but not served. No national total is printed: the figures are derived.',
    },
  );
  context.addFile(
    edition.snapshot,
    GP_SOURCE,
    GP_SERIES_URL,
    fileForUrl(`${GP_SERIES_URL}/`),
    eraSeriesPage(edition),
    {
      contentType: 'text/html; charset=utf-8',
      lastModified,
      origin: 'written',
      note: `Written series page; "Latest statistics" links to the ${edition.label} edition; past editions are listed but not served.`,
    },
  );
  return data.nationalTotal;
}

/** Writes the GP registration source of every era snapshot; returns each edition's (derived) national total. */
export async function buildEraGpRegistrations(context: EraDataContext): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const edition of ERA_GP_EDITIONS) {
    totals.set(`${edition.label} (${edition.snapshot})`, await buildEraEdition(edition, context));
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------------------------
// ons-code-lookups

function sicblLookup(
  facts: EraFacts,
  vintage: 2023 | 2024 | 2025,
  meta: Pick<LookupDataset, 'slug' | 'title' | 'description' | 'publishedAt'>,
  regionNote: string,
): LookupDataset {
  const yy = String(vintage).slice(2);
  const rows = facts
    .subIcbs(vintage)
    .map((subIcb) => [
      subIcb.ons,
      subIcb.code,
      subIcb.name,
      subIcb.icb.ons,
      subIcb.icb.ods,
      subIcb.icb.name,
      subIcb.icb.regionOns,
      subIcb.icb.regionOds,
      subIcb.icb.regionName,
    ])
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map((row, index) => [...row, index + 1]);
  const header = ['SICBL', 'ICB', 'NHSER'].flatMap((level) =>
    ['CD', 'CDH', 'NM'].map((suffix) => `${level}${yy}${suffix}`),
  );
  return {
    ...meta,
    csv: BOM + toCsv([...header, 'ObjectId'], rows, '\n'),
    origin: 'derived',
    note: `Derived in the layout of the real ONS April 2026 lookup (file 12: vintage in the column names, ObjectId, UTF-8 with BOM, LF): the 106 sub-ICB locations and 42 ICBs of file 01 (ICB names mixed case, 8 rule-derived; ICB${yy}CD = ICB23CD, so Surrey Heartlands E54000063 and Sussex E54000064); SICBL${yy}CD as ONS has it from April 2023 (file 12's codes, with the pre-2026 codes of file 15: 92A E38000264, 70F E38000265, D9Y0V E38000253, D4U1Y E38000252; 15E, D2P2L, 06H, 15M, 78H and 01Y carry the codes re-issued after 2021, E38000258-E38000263); SICBL${yy}NM built as "<ICB name without Integrated Care Board> ICB - <code>"; ${regionNote}. Rows sorted by SICBL${yy}CD.`,
  };
}

function icbNamesList(
  icbs: { ons: string; ods: string; name: string }[],
  yy: string,
  meta: Pick<LookupDataset, 'slug' | 'title' | 'description' | 'publishedAt'>,
  note: string,
): LookupDataset {
  const rows = icbs
    .map((icb) => [icb.ons, icb.ods, icb.name])
    .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
    .map((row, index) => [...row, index + 1]);
  return {
    ...meta,
    csv: BOM + toCsv([`ICB${yy}CD`, `ICB${yy}CDH`, `ICB${yy}NM`, 'ObjectId'], rows, '\n'),
    origin: 'derived',
    note,
  };
}

/** The lookups each era snapshot lists above the 2020-2022 ones, newest first. */
export function eraLookupDatasets(facts: EraFacts): Record<string, LookupDataset[]> {
  const sicbl23 = sicblLookup(
    facts,
    2023,
    {
      slug: 'sub-icb-locations-to-integrated-care-boards-to-nhs-england-region-april-2023-lookup-in-england',
      title:
        'Sub ICB Locations to Integrated Care Boards to NHS England (Region) (April 2023) Lookup in England',
      description:
        'A lookup between sub ICB locations, integrated care boards and NHS England (Region) in England as at 1 April 2023.',
      publishedAt: '2023-04-14T10:00:00Z',
    },
    'NHSER23CD = NHSER22CD of file 01 (regions unchanged since July 2022)',
  );
  const names23 = icbNamesList(
    facts.icbs(2023),
    '23',
    {
      slug: 'integrated-care-boards-april-2023-names-and-codes-in-england',
      title: 'Integrated Care Boards (April 2023) Names and Codes in England',
      description:
        'A list of the names and codes of the integrated care boards in England as at 1 April 2023.',
      publishedAt: '2023-04-14T10:00:00Z',
    },
    'Derived from the 42-ICB list (01): ICB23CD (Surrey Heartlands E54000063 and Sussex E54000064 re-issued in April 2023), ICB ODS code and mixed-case name (34 verbatim, 8 rule-derived, see 01). Rows sorted by ICB23CD. UTF-8 with BOM, LF, as the real April 2026 ONS files.',
  );
  const sicbl24 = sicblLookup(
    facts,
    2024,
    {
      slug: 'sub-icb-locations-to-integrated-care-boards-to-nhs-england-region-january-2024-lookup-in-england',
      title:
        'Sub ICB Locations to Integrated Care Boards to NHS England (Region) (January 2024) Lookup in England',
      description:
        'A lookup between sub ICB locations, integrated care boards and NHS England (Region) in England as at 1 January 2024, with the NHS England region codes re-issued in January 2024.',
      publishedAt: '2024-02-06T10:00:00Z',
    },
    'NHSER24CD from file 16 (East of England E40000013, North West E40000014, re-issued January 2024)',
  );
  const sicbl25 = sicblLookup(
    facts,
    2025,
    {
      slug: 'sub-icb-location-to-icb-to-nhs-england-region-april-2025-lookup-in-en',
      title: 'Sub ICB Location to ICB to NHS England (Region) (April 2025) Lookup in EN',
      description:
        'A lookup between sub ICB locations, integrated care boards and NHS England (Region) in England as at 1 April 2025.',
      publishedAt: '2025-05-21T10:00:00Z',
    },
    'NHSER25CD as NHSER24CD of file 16 (no boundary or code change in April 2025)',
  );
  const sicbl26: LookupDataset = {
    slug: 'sub-icb-location-to-icb-to-nhs-england-region-april-2026-lookup-in-en',
    title: 'Sub ICB Location to ICB to NHS England (Region) (April 2026) Lookup in EN',
    description:
      'A lookup between sub ICB locations, integrated care boards and NHS England (Region) in England as at 1 April 2026.',
    publishedAt: '2026-04-15T10:00:00Z',
    csv: facts.lookup2026Bytes,
    origin: 'real',
    note: 'Real ONS "Sub ICB Location to ICB to NHS England (Region) (April 2026)" lookup, byte-exact (file 12: UTF-8 with BOM, LF, 106 sub-ICB locations, 36 ICBs, 7 regions, ObjectId). The Last-Modified date is a snapshot convention, not the ONS release date.',
  };
  const names26 = icbNamesList(
    facts.icbs(2026),
    '26',
    {
      slug: 'integrated-care-boards-april-2026-names-and-codes-in-en',
      title: 'Integrated Care Boards (April 2026) Names and Codes in EN',
      description:
        'A list of the names and codes of the integrated care boards in England as at 1 April 2026.',
      publishedAt: '2026-04-15T10:00:00Z',
    },
    'Derived from the real ONS April 2026 lookup (file 12): its 36 distinct ICB26CD, ICB26CDH (ODS code, five characters for the six new ICBs) and ICB26NM. Rows sorted by ICB26CD. UTF-8 with BOM, LF.',
  );
  return {
    '2023-04-20': [sicbl23, names23],
    '2024-02-15': [sicbl24, sicbl23, names23],
    '2025-10-15': [sicbl25, sicbl24, sicbl23, names23],
    '2026-04-20': [sicbl26, names26, sicbl25, sicbl24, sicbl23, names23],
    '2026-11-30': [sicbl26, names26, sicbl25, sicbl24, sicbl23, names23],
  };
}
