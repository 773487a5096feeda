/**
 * The written HTML pages of the five 2023-2026 snapshots (see era-facts.ts), called from write-html-snapshots.ts:
 * NHS England's "Integrated care in your area" page in four states, NHS England news, a long-read and a
 * publication page, Healthcare Leader stories and a few ICB website news pages.
 *
 * The facts are those of 19_icb_2023_2026.md and files 12-17 (codes, dates, names, successions, clusters); the
 * prose is our own. NHS England's site uses the NHS.UK frontend in this era, so its pages here carry a different
 * furniture from the 2017-2022 pages (which keep their bytes wherever they are served again).
 */
import type { EraFacts, EraIcb } from './era-facts.ts';

const NHSE = 'https://www.england.nhs.uk';
const HL = 'https://healthcareleadernews.com';

export type EraSourceId = 'nhse-ics-list' | 'nhse-news' | 'trade-press' | 'icb-news';

export interface EraPage {
  sourceId: EraSourceId;
  url: string;
  html: string;
  /** ISO date-time of the last change (the Last-Modified). */
  modified: string;
  note: string;
}

/** An item already published before 2023 (served again with its old bytes), for the index pages. */
export interface LegacyLink {
  url: string;
  title: string;
  published: string;
}

export interface EraHtmlInputs {
  /** The 2017-2022 NHS England ICS articles. */
  legacyNhse: LegacyLink[];
  /** The 2020-2021 Healthcare Leader ICS stories. */
  legacyHl: LegacyLink[];
  /** Website of each ICB of July 2022, by ICB name (the links of the 2021-2022 listing pages). */
  websiteByIcbName: ReadonlyMap<string, string>;
}

export interface EraHtmlPlan {
  date: string;
  pages: EraPage[];
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function longDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

const REGION_ORDER = [
  'North West',
  'North East and Yorkshire',
  'South West',
  'South East',
  'Midlands',
  'East of England',
  'London',
];

/** "a, b and c" (names may contain commas themselves). */
function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Short name of an ICB, for prose: "NHS Surrey and Sussex ICB". */
function shortName(icb: { name: string }): string {
  return icb.name.replace(/ Integrated Care Board$/, ' ICB');
}

// ---------------------------------------------------------------------------------------------------------------
// NHS England (NHS.UK frontend) furniture

interface NhsePageOptions {
  title: string;
  description: string;
  breadcrumbs: [string, string][];
  body: string;
  bodyClass: string;
  published: string;
  modified: string;
  schemaType: 'WebPage' | 'NewsArticle' | 'Article';
  related?: [string, string][];
}

function nhseEraPage(options: NhsePageOptions): string {
  const crumbs = options.breadcrumbs
    .map(
      ([label, href]) =>
        `          <li class="nhsuk-breadcrumb__item"><a class="nhsuk-breadcrumb__link" href="${href}">${escapeHtml(label)}</a></li>`,
    )
    .join('\n');
  const related = (options.related ?? [])
    .map(([label, href]) => `            <li><a href="${href}">${escapeHtml(label)}</a></li>`)
    .join('\n');
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': options.schemaType,
    headline: options.title,
    datePublished: options.published,
    dateModified: options.modified,
    publisher: { '@type': 'Organization', name: 'NHS England' },
  });
  return `<!DOCTYPE html>
<html lang="en-GB" class="nhsuk-template">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>NHS England » ${escapeHtml(options.title)}</title>
  <meta name="description" content="${escapeHtml(options.description)}">
  <meta property="og:site_name" content="NHS England">
  <meta property="og:title" content="${escapeHtml(options.title)}">
  <meta property="article:published_time" content="${options.published}">
  <meta property="article:modified_time" content="${options.modified}">
  <link rel="stylesheet" href="${NHSE}/wp-content/themes/nhsengland/build/css/nhsuk.min.css?ver=5.2.0">
  <script type="application/ld+json">${jsonLd}</script>
</head>
<body class="${options.bodyClass}">
  <div id="nhsuk-cookie-banner" class="nhsuk-cookie-banner" role="region" aria-label="Cookies on the NHS England website">
    <h2>Cookies on the NHS England website</h2>
    <p>We use some essential cookies to make this website work. We would also like to use analytics cookies to understand how the website is used and to improve it.</p>
    <ul class="nhsuk-cookie-banner__buttons">
      <li><button class="nhsuk-button" id="nhsuk-cookie-banner__link_accept_analytics">I'm OK with analytics cookies</button></li>
      <li><button class="nhsuk-button" id="nhsuk-cookie-banner__link_accept">Do not use analytics cookies</button></li>
    </ul>
    <p><a href="${NHSE}/privacy-policy/cookies/">Let me choose which cookies are set</a></p>
  </div>
  <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
  <header class="nhsuk-header nhsuk-header--organisation" role="banner">
    <div class="nhsuk-header__container">
      <a class="nhsuk-header__link" href="${NHSE}/" aria-label="NHS England homepage"><span class="nhsuk-logo">NHS</span> <span class="nhsuk-organisation-name">England</span></a>
      <search class="nhsuk-header__search"><form action="${NHSE}/" method="get" role="search"><label class="nhsuk-u-visually-hidden" for="search-field">Search the NHS England website</label><input class="nhsuk-search__input" id="search-field" name="s" type="search"><button class="nhsuk-search__submit" type="submit">Search</button></form></search>
    </div>
    <nav class="nhsuk-navigation" id="header-navigation" aria-label="Primary navigation">
      <ul class="nhsuk-header__navigation-list">
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/about/">About us</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/our-work/">Our work</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/integratedcare/">Integrated care</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/news/">News</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/publication/">Publications</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/statistics/">Statistics</a></li>
        <li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${NHSE}/contact-us/">Contact us</a></li>
      </ul>
    </nav>
  </header>
  <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
    <div class="nhsuk-width-container">
      <ol class="nhsuk-breadcrumb__list">
${crumbs}
      </ol>
    </div>
  </nav>
  <div class="nhsuk-width-container">
    <main class="nhsuk-main-wrapper" id="maincontent" role="main">
${options.body}
    </main>
  </div>
  <div class="nhsuk-width-container nhsuk-related">
    <section class="nhsuk-related-nav" aria-label="Related pages">
      <h2 class="nhsuk-heading-s">Related pages</h2>
      <ul class="nhsuk-list">
${related}
      </ul>
    </section>
    <section class="nhse-feedback" aria-label="Page feedback">
      <p>Is this page useful? <a href="${NHSE}/contact-us/">Tell us what you think</a></p>
    </section>
  </div>
  <footer class="nhsuk-footer-container" role="contentinfo">
    <div class="nhsuk-width-container">
      <ul class="nhsuk-footer__list">
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="${NHSE}/accessibility/">Accessibility</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="${NHSE}/privacy-policy/">Privacy and cookies</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="${NHSE}/terms-and-conditions/">Terms and conditions</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="${NHSE}/contact-us/freedom-of-information/">Freedom of information</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="${NHSE}/about/working-for/">Careers</a></li>
        <li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="https://www.linkedin.com/company/nhsengland">LinkedIn</a></li>
      </ul>
      <p class="nhsuk-footer__copyright">&copy; NHS England</p>
    </div>
  </footer>
  <script src="${NHSE}/wp-content/themes/nhsengland/build/js/nhsuk.min.js?ver=5.2.0" defer></script>
</body>
</html>
`;
}

const JOB_PANEL = `<aside class="nhsuk-card nhse-jobs" aria-label="Vacancies">
            <div class="nhsuk-card__content">
              <h2 class="nhsuk-card__heading">Working in integrated care</h2>
              <p class="nhsuk-card__description">Integrated care boards advertise their vacancies, including finance, primary care commissioning and population health roles, on NHS Jobs.</p>
              <p><a href="https://www.jobs.nhs.uk/candidate/search/results?keyword=integrated%20care%20board">Search ICB vacancies on NHS Jobs</a></p>
            </div>
          </aside>`;

// ---------------------------------------------------------------------------------------------------------------
// "Integrated care in your area" (nhse-ics-list)

const IN_YOUR_AREA = `${NHSE}/integratedcare/integrated-care-in-your-area/`;
const STATUTORY_LIST = `${NHSE}/publication/integrated-care-boards-in-england/`;
const MERGER_LONG_READ = `${NHSE}/long-read/implementing-integrated-care-board-mergers-and-boundary-changes-to-take-effect-in-april-2026-and-2027/`;
const HCWS915 = 'https://questions-statements.parliament.uk/written-statements/detail/2025-09-09/hcws915';

/** Websites of the ICBs established on 1 April 2026 (constructed on the new `<name>.icb.nhs.uk` pattern). */
const NEW_ICB_WEBSITES: Record<string, string> = {
  S1Y5D: 'https://www.centraleast.icb.nhs.uk/',
  D7T5G: 'https://www.essex.icb.nhs.uk/',
  T6Y0W: 'https://www.norfolkandsuffolk.icb.nhs.uk/',
  S9B9J: 'https://www.surreyandsussex.icb.nhs.uk/',
  S0E4D: 'https://www.thamesvalley.icb.nhs.uk/',
  Z9B2Z: 'https://www.westandnorthlondon.icb.nhs.uk/',
};

function website(icb: EraIcb, inputs: EraHtmlInputs): string {
  const known = NEW_ICB_WEBSITES[icb.ods] ?? inputs.websiteByIcbName.get(icb.name);
  if (!known) throw new Error(`no website for ${icb.name}`);
  return known;
}

function icbsByRegion(icbs: EraIcb[], inputs: EraHtmlInputs): string {
  return REGION_ORDER.map((region) => {
    const items = icbs
      .filter((icb) => icb.regionName === region)
      .map((icb) => `            <li><a href="${website(icb, inputs)}">${escapeHtml(icb.name)}</a></li>`)
      .join('\n');
    return `          <h3>${escapeHtml(region)}</h3>\n          <ul class="ics-list">\n${items}\n          </ul>`;
  }).join('\n');
}

interface ClusterRow {
  label: string;
  members: string[];
  region: string;
  arrangement: string;
}

/** The 2025/26 clusters of file 17, in our words (the rows that are mergers in all but law say so). */
function clusters2025(facts: EraFacts): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const cluster of facts.clusters) {
    if (cluster.members.length < 2 || cluster.status.startsWith('no clustering')) continue;
    const names = cluster.members.map((ods) => shortName(facts.icb2023(ods)));
    let arrangement: string;
    if (cluster.status.startsWith('exploring'))
      arrangement = 'Exploring shared leadership; no merger planned';
    else if (cluster.status.startsWith('preparing'))
      arrangement = 'Preparing to share leadership by April 2026';
    else if (cluster.status.includes('merged 2026-04-01'))
      arrangement = 'Sharing leadership; proposed to merge on 1 April 2026 (subject to an order)';
    else if (cluster.status.includes('Thames Valley'))
      arrangement =
        'Sharing leadership; East Berkshire proposed to join from 1 April 2026 (subject to an order)';
    else arrangement = 'Sharing a leadership team';
    const partial: Record<string, string> = {
      'Mid and South Essex + north east Essex + west Essex': `${names[0]}, with the west Essex part of ${names[2]} and the north east Essex part of ${names[1]}`,
      'BLMK + Cambridgeshire and Peterborough + Hertfordshire (HWE part)': `${names[0]}, ${names[1]} and the Hertfordshire part of ${names[2]}`,
      'Norfolk and Waveney + Suffolk': `${names[0]} and the Suffolk part of ${names[1]}`,
      'Buckinghamshire Oxfordshire and Berkshire West + East Berkshire (from Frimley)': `${names[0]} and the East Berkshire part of ${names[1]}`,
    };
    rows.push({
      label: partial[cluster.name] ?? joinList(names),
      members: cluster.members,
      region: cluster.region,
      arrangement,
    });
  }
  return rows;
}

interface ListingVariant {
  key: '2023' | '2025' | '2026-04' | '2026-11';
  modified: string;
  published: string;
}

function listingRead(more: string[]): string {
  return `          <p>Read more about systems:</p>
          <ul>
${more.map((item) => `            <li>${item}</li>`).join('\n')}
          </ul>`;
}

function listing2023(facts: EraFacts, inputs: EraHtmlInputs, variant: ListingVariant): string {
  const body = `      <article class="nhsuk-article page type-page status-publish">
        <h1>Integrated care in your area</h1>
        <div class="nhsuk-body entry-content">
          <p class="nhsuk-lede-text">England's 42 integrated care systems (ICSs) are partnerships that bring together the NHS, local councils and other organisations to plan health and care around the needs of the people who live and work in their area.</p>
          <p>Each ICS has a statutory integrated care board (ICB), which has planned and paid for most NHS services in its area since 1 July 2022, and an integrated care partnership formed with local government.</p>
          <p>The Integrated Care Boards (Establishment) (Variation) Order 2023 made minor changes to ICB boundaries with effect from 1 April 2023. As a result the Office for National Statistics issued new codes for NHS Surrey Heartlands ICB and NHS Sussex ICB; their names and organisation codes are unchanged.</p>
${listingRead([
  `<a href="${NHSE}/integratedcare/ics-independent-chairs/">More about each ICS</a>`,
  `<a href="${STATUTORY_LIST}">Statutory list of integrated care board (ICB) areas</a>`,
  `<a href="${NHSE}/publication/map-of-icb-areas/">Map of ICB areas</a>`,
  '<a href="https://www.legislation.gov.uk/uksi/2022/634/contents/made">The integrated care boards (establishment) order 2022</a>',
  `<a href="${NHSE}/publication/the-integrated-care-boards-establishment-variation-order-2023/">The integrated care boards (establishment) (variation) order 2023</a>, with effect from 1 April 2023`,
  `<a href="${NHSE}/publication/ics-boundary-changes-and-mergers-procedure/">ICS boundary changes and mergers procedure</a>`,
])}
          <h2>Integrated care boards by region</h2>
${icbsByRegion(facts.icbs(2023), inputs)}
          <h2>Map of integrated care system areas</h2>
          <figure class="nhsuk-image"><img class="nhsuk-image__img" src="${NHSE}/wp-content/uploads/2023/04/icb-areas-april-2023.png" alt="Map of the 42 integrated care board areas in England from April 2023"></figure>
          <p class="nhsuk-body-s page-updated">Page last updated: <time datetime="${variant.modified.slice(0, 10)}">${longDate(variant.modified)}</time></p>
        </div>
      </article>`;
  return listingPage(
    body,
    variant,
    'The 42 integrated care systems and boards in England, by NHS England region.',
  );
}

function listing2025(facts: EraFacts, inputs: EraHtmlInputs, variant: ListingVariant): string {
  const clusterRows = clusters2025(facts)
    .map(
      (row) => `              <tr class="nhsuk-table__row">
                <td class="nhsuk-table__cell">${escapeHtml(row.label)}</td>
                <td class="nhsuk-table__cell">${escapeHtml(row.region)}</td>
                <td class="nhsuk-table__cell">${escapeHtml(row.arrangement)}</td>
              </tr>`,
    )
    .join('\n');
  const body = `      <article class="nhsuk-article page type-page status-publish">
        <h1>Integrated care in your area</h1>
        <div class="nhsuk-body entry-content">
          <p class="nhsuk-lede-text">There are 42 integrated care systems (ICSs) in England. In each, an integrated care board (ICB) plans and pays for most NHS services for its population and works with local councils and partners through an integrated care partnership.</p>
          <div class="nhsuk-inset-text">
            <span class="nhsuk-u-visually-hidden">Information: </span>
            <h2 class="nhsuk-heading-m">ICB clustering arrangements</h2>
            <p>To reduce running costs, many ICBs are now working in clusters: neighbouring boards appoint a shared chair and chief executive and a single leadership team, which will reduce the number of ICB leadership teams from 42 to 26.</p>
            <p>Clustering does not change the law. Each ICB in a cluster remains a separate statutory organisation, with its own board, its own duties and accounts, and the same boundary as before. The 42 ICBs listed below all remain in place.</p>
            <p>Some clusters have proposed to merge. A merger, or a change to an ICB's boundary, only happens when an order takes effect. On 9 September 2025 the government set out the first changes proposed to take effect on 1 April 2026 (<a href="${HCWS915}">written ministerial statement HCWS915</a>), and our guidance, <a href="${MERGER_LONG_READ}">Implementing integrated care board mergers and boundary changes to take effect in April 2026 and 2027</a>, explains how they will be made.</p>
          </div>
${listingRead([
  `<a href="${NHSE}/integratedcare/ics-independent-chairs/">ICS and ICB leadership</a>`,
  `<a href="${STATUTORY_LIST}">Statutory list of integrated care board (ICB) areas</a>`,
  `<a href="${NHSE}/publication/map-of-icb-areas/">Map of ICB areas</a>`,
  `<a href="${NHSE}/publication/ics-boundary-changes-and-mergers-procedure/">ICS boundary changes and mergers procedure</a>`,
])}
          <h2>Integrated care boards by region</h2>
${icbsByRegion(facts.icbs(2025), inputs)}
          <h2>Clusters in 2025/26</h2>
          <p>The clusters agreed or under discussion at the time of this update. ICBs in the North East and Yorkshire and North West regions have not formed clusters.</p>
          <table class="nhsuk-table clusters">
            <caption class="nhsuk-table__caption">ICB clusters, autumn 2025</caption>
            <thead class="nhsuk-table__head">
              <tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">ICBs in the cluster</th><th class="nhsuk-table__header" scope="col">Region</th><th class="nhsuk-table__header" scope="col">Arrangement</th></tr>
            </thead>
            <tbody class="nhsuk-table__body">
${clusterRows}
            </tbody>
          </table>
          <p class="nhsuk-body-s page-updated">Page last updated: <time datetime="${variant.modified.slice(0, 10)}">${longDate(variant.modified)}</time></p>
        </div>
      </article>`;
  return listingPage(
    body,
    variant,
    'The 42 integrated care boards in England by region, and how ICB clusters work in 2025/26.',
  );
}

/** Notes of each ICB in the April 2026 table: how it came about, and clusters that continue. */
function notes2026(facts: EraFacts, when: '2026-04' | '2026-11'): Map<string, string> {
  const notes = new Map<string, string>();
  const bySuccessor = new Map<string, string[]>();
  for (const succession of facts.successions) {
    const predecessor = shortName(facts.icb2023(succession.predecessorOds));
    const part = succession.kind === 'merger' ? predecessor : `part of ${predecessor}`;
    const list = bySuccessor.get(succession.successorOds) ?? [];
    list.push(part);
    bySuccessor.set(succession.successorOds, list);
  }
  for (const [successor, parts] of bySuccessor) {
    const joined = joinList(parts);
    notes.set(
      successor,
      successor === 'QRL'
        ? `Boundary extended on 1 April 2026 to take in north-east Hampshire, formerly ${joined.replace(/^part of /, 'part of the area of ')}.`
        : `Established on 1 April 2026, bringing together ${joined}.`,
    );
  }
  for (const cluster of facts.clusters) {
    if (!cluster.status.startsWith('cluster') && !cluster.status.startsWith('preparing')) continue;
    for (const ods of cluster.members) {
      if (notes.has(ods)) continue;
      const partners = cluster.members
        .filter((other) => other !== ods)
        .map((other) => shortName(facts.icb2023(other)));
      notes.set(ods, `Shares leadership with ${joinList(partners)} (cluster); a separate statutory body.`);
    }
  }
  if (when === '2026-11') {
    for (const [ods, note] of notes) {
      if (note.startsWith('Shares leadership'))
        notes.set(ods, `${note} No change to its boundary has been confirmed for April 2027.`);
    }
  }
  return notes;
}

function listing2026(facts: EraFacts, inputs: EraHtmlInputs, variant: ListingVariant): string {
  const when = variant.key === '2026-11' ? '2026-11' : '2026-04';
  const notes = notes2026(facts, when);
  const icbs = [...facts.icbs(2026)].sort((a, b) =>
    a.name.replace(/^NHS /, '').localeCompare(b.name.replace(/^NHS /, ''), 'en-GB'),
  );
  const rows = icbs
    .map(
      (icb) => `              <tr class="nhsuk-table__row">
                <td class="nhsuk-table__cell" data-label="Integrated care board"><a href="${website(icb, inputs)}">${escapeHtml(icb.name)}</a></td>
                <td class="nhsuk-table__cell" data-label="NHS England region">${escapeHtml(icb.regionName)}</td>
                <td class="nhsuk-table__cell" data-label="Notes">${escapeHtml(notes.get(icb.ods) ?? '')}</td>
              </tr>`,
    )
    .join('\n');
  const abolished = [...new Set(facts.successions.map((succession) => succession.predecessorOds))]
    .filter((ods) => ods !== 'QRL')
    .map((ods) => {
      const successors = facts.successions
        .filter((succession) => succession.predecessorOds === ods)
        .map((succession) => `${succession.successorName} ICB`);
      return `            <li>${escapeHtml(shortName(facts.icb2023(ods)))}: now part of ${escapeHtml(joinList(successors))}</li>`;
    })
    .join('\n');
  const future =
    when === '2026-11'
      ? `          <h2>Future changes</h2>
          <p>Further ICB mergers are expected to take effect from 1 April 2027. No further changes have been confirmed yet. Until an order making a change takes effect, the ICBs listed on this page, their boundaries and their legal responsibilities stay as they are; we will update this page when any change is confirmed.</p>
`
      : '';
  const body = `      <article class="nhsuk-article page type-page status-publish">
        <h1>Integrated care in your area</h1>
        <div class="nhsuk-body entry-content">
          <p class="nhsuk-lede-text">Since 1 April 2026 there have been 36 integrated care boards (ICBs) in England. Each plans and pays for NHS services for the people in its area and works with local councils and other partners in an integrated care system.</p>
          <p>On 1 April 2026 six new ICBs were established and twelve ICBs were abolished. NHS Frimley ICB's area was divided between three neighbouring boards, and NHS Hampshire and Isle of Wight ICB was enlarged. The other 29 ICBs did not change. Our guidance on <a href="${MERGER_LONG_READ}">implementing ICB mergers and boundary changes</a> explains how these changes were made.</p>
          <div class="nhsuk-inset-text">
            <span class="nhsuk-u-visually-hidden">Information: </span>
            <p>Several ICBs also work in clusters, sharing a chair, a chief executive and a leadership team. Clustered ICBs are separate statutory bodies with their own boundaries, so they are listed separately below.</p>
          </div>
${future}          <h2>The 36 integrated care boards</h2>
          <div class="nhsuk-table-container">
          <table class="nhsuk-table-responsive icb-table">
            <caption class="nhsuk-table__caption">Integrated care boards in England from 1 April 2026, A to Z</caption>
            <thead class="nhsuk-table__head">
              <tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">Integrated care board</th><th class="nhsuk-table__header" scope="col">NHS England region</th><th class="nhsuk-table__header" scope="col">Notes</th></tr>
            </thead>
            <tbody class="nhsuk-table__body">
${rows}
            </tbody>
          </table>
          </div>
          <h2>ICBs abolished on 1 April 2026</h2>
          <p>These ICBs closed at the end of 31 March 2026. Their responsibilities passed to the boards that now cover their areas.</p>
          <ul class="abolished-icbs">
${abolished}
          </ul>
${listingRead([
  `<a href="${STATUTORY_LIST}">Integrated care boards in England (statutory list of ICB areas)</a>`,
  `<a href="${NHSE}/publication/map-of-icb-areas/">Map of ICB areas from April 2026</a>`,
  `<a href="${NHSE}/integratedcare/ics-independent-chairs/">ICB leadership</a>`,
])}
          <figure class="nhsuk-image"><img class="nhsuk-image__img" src="${NHSE}/wp-content/uploads/2026/04/icb-areas-april-2026.png" alt="Map of the 36 integrated care board areas in England from April 2026"></figure>
          <p class="nhsuk-body-s page-updated">Page last updated: <time datetime="${variant.modified.slice(0, 10)}">${longDate(variant.modified)}</time></p>
        </div>
      </article>`;
  return listingPage(
    body,
    variant,
    'The 36 integrated care boards in England from 1 April 2026, with their NHS England regions.',
  );
}

function listingPage(body: string, variant: ListingVariant, description: string): string {
  return nhseEraPage({
    title: 'Integrated care in your area',
    description,
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['Integrated care', `${NHSE}/integratedcare/`],
      ['Integrated care in your area', IN_YOUR_AREA],
    ],
    body,
    bodyClass: 'page-template-default page nhsuk-template__body',
    published: variant.published,
    modified: variant.modified,
    schemaType: 'WebPage',
    related: [
      ['What are integrated care systems?', `${NHSE}/integratedcare/what-is-integrated-care/`],
      ['ICS leadership', `${NHSE}/integratedcare/ics-independent-chairs/`],
      ['Integrated care boards in England', STATUTORY_LIST],
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// NHS England news, long-read and publication (nhse-news)

interface EraArticle {
  url: string;
  title: string;
  published: string;
  summary: string;
  content: string;
  related: [string, string][];
}

function nhseNewsArticle(article: EraArticle): string {
  const related = article.related
    .map(([label, href]) => `              <li><a href="${href}">${escapeHtml(label)}</a></li>`)
    .join('\n');
  const body = `      <article class="nhsuk-article post type-post status-publish format-standard">
        <header class="nhse-article-header">
          <span class="nhse-label">News</span>
          <h1>${escapeHtml(article.title)}</h1>
          <p class="nhse-article-meta">Published: <time datetime="${article.published}">${longDate(article.published)}</time></p>
        </header>
        <div class="nhsuk-body entry-content">
          <p class="nhsuk-lede-text">${escapeHtml(article.summary)}</p>
${article.content}
          <section class="nhse-related-news">
            <h2>Related news and publications</h2>
            <ul>
${related}
            </ul>
          </section>
          ${JOB_PANEL}
          <p class="nhse-share">Share: <a href="https://www.linkedin.com/shareArticle?url=${encodeURIComponent(article.url)}">LinkedIn</a> <a href="mailto:?subject=${encodeURIComponent(article.title)}&amp;body=${encodeURIComponent(article.url)}">Email</a></p>
        </div>
      </article>`;
  return nhseEraPage({
    title: article.title,
    description: article.summary,
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['News', `${NHSE}/news/`],
      [article.title, article.url],
    ],
    body,
    bodyClass: 'post-template-default single single-post nhsuk-template__body',
    published: article.published,
    modified: article.published,
    schemaType: 'NewsArticle',
    related: [
      ['Integrated care', `${NHSE}/integratedcare/`],
      ['Press office', `${NHSE}/contact-us/press-office/`],
    ],
  });
}

const NEWS_MERGERS_2025: EraArticle = {
  url: `${NHSE}/2025/09/nhs-england-sets-out-how-integrated-care-board-mergers-will-work/`,
  title: 'NHS England sets out how integrated care board mergers will work',
  published: '2025-09-23T10:00:00Z',
  summary:
    'New guidance explains how integrated care boards that are merging or changing their boundaries should prepare for changes taking effect in April 2026 and April 2027.',
  related: [
    [
      'Implementing integrated care board mergers and boundary changes to take effect in April 2026 and 2027',
      MERGER_LONG_READ,
    ],
    ['Integrated care in your area', IN_YOUR_AREA],
  ],
  content: `          <p>NHS England has published guidance for integrated care boards (ICBs) whose areas are due to change, following the written ministerial statement of 9 September 2025 that set out the first mergers proposed for 1 April 2026.</p>
          <p>A merger is made by abolishing the ICBs involved and establishing a new ICB in their place, which takes on their staff, property and responsibilities. A boundary change moves part of one ICB's area to another. Both happen only when an order making the change takes effect; further changes may follow from 1 April 2027.</p>
          <p>The guidance makes clear that clustering is different. ICBs that share a chair, chief executive or leadership team remain separate legal bodies, each with its own board, duties, budget and boundary, until any merger is formally made.</p>
          <p>Until then, all 42 ICBs continue to operate as they do today, and patients do not need to do anything: GP registrations, referrals and prescriptions are not affected.</p>
          <p>The guidance covers the steps boards should take before a change, including engaging with local authorities, partners and the public, preparing for the transfer of staff and contracts, and setting out the constitution and leadership of any new ICB.</p>`,
};

const NEWS_APRIL_2026: EraArticle = {
  url: `${NHSE}/2026/04/six-new-integrated-care-boards-established-as-england-moves-to-36-icbs/`,
  title: 'Six new integrated care boards established as England moves to 36 ICBs',
  published: '2026-04-01T08:00:00Z',
  summary:
    'Twelve integrated care boards were abolished at the end of March and six new boards took on their responsibilities today, leaving 36 ICBs in England.',
  related: [
    ['Integrated care boards in England', STATUTORY_LIST],
    [
      'Implementing integrated care board mergers and boundary changes to take effect in April 2026 and 2027',
      MERGER_LONG_READ,
    ],
    ['NHS England sets out how integrated care board mergers will work', NEWS_MERGERS_2025.url],
  ],
  content: `          <p>Six new integrated care boards (ICBs) were established on 1 April 2026, replacing twelve that closed at the end of 31 March. There are now 36 ICBs in England, down from 42.</p>
          <p>The new boards are:</p>
          <ul>
            <li><strong>NHS Central East ICB</strong>, bringing together Bedfordshire, Luton and Milton Keynes, Cambridgeshire and Peterborough, and Hertfordshire</li>
            <li><strong>NHS Essex ICB</strong>, covering mid and south Essex together with west Essex and north east Essex</li>
            <li><strong>NHS Norfolk and Suffolk ICB</strong>, covering Norfolk and Waveney and the rest of Suffolk</li>
            <li><strong>NHS Surrey and Sussex ICB</strong>, joining Surrey Heartlands and Sussex, together with Surrey Heath and the Farnham area</li>
            <li><strong>NHS Thames Valley ICB</strong>, covering Buckinghamshire, Oxfordshire and Berkshire West together with East Berkshire</li>
            <li><strong>NHS West and North London ICB</strong>, joining North Central London and North West London</li>
          </ul>
          <p>The area of NHS Frimley ICB has been divided: East Berkshire is now part of NHS Thames Valley ICB, Surrey Heath and the Farnham area are part of NHS Surrey and Sussex ICB, and north-east Hampshire has joined NHS Hampshire and Isle of Wight ICB, which continues with an enlarged boundary.</p>
          <p>The ICBs abolished on 31 March were Bedfordshire, Luton and Milton Keynes; Buckinghamshire, Oxfordshire and Berkshire West; Cambridgeshire and Peterborough; Frimley; Hertfordshire and West Essex; Mid and South Essex; Norfolk and Waveney; North Central London; North West London; Suffolk and North East Essex; Surrey Heartlands; and Sussex.</p>
          <p>The remaining 29 ICBs are unchanged. Patients remain registered with their GP practice and do not need to take any action.</p>
          <p>Read what the boards have said: <a href="https://www.surreyandsussex.icb.nhs.uk/news/welcome-to-nhs-surrey-and-sussex-integrated-care-board/">NHS Surrey and Sussex ICB</a>, <a href="https://www.thamesvalley.icb.nhs.uk/news/nhs-thames-valley-icb-is-established/">NHS Thames Valley ICB</a>, <a href="https://www.westandnorthlondon.icb.nhs.uk/news/nhs-west-and-north-london-icb-launches/">NHS West and North London ICB</a>, <a href="https://www.hantsiow.icb.nhs.uk/news/north-east-hampshire-joins-hampshire-and-isle-of-wight-icb/">NHS Hampshire and Isle of Wight ICB</a> and, before it closed, <a href="https://www.frimley.icb.nhs.uk/news/nhs-frimley-icb-closes-on-31-march-2026/">NHS Frimley ICB</a>.</p>`,
};

function longReadPage(): string {
  const sections: [string, string, string][] = [
    [
      'introduction',
      '1. Introduction',
      `<p>This guidance is for integrated care boards (ICBs), their partners and NHS England regional teams. It explains how mergers of ICBs and changes to ICB boundaries that are to take effect on 1 April 2026 or 1 April 2027 will be prepared and made.</p>
            <p>It follows the written ministerial statement of 9 September 2025 (HCWS915), which set out the first changes to ICB footprints proposed to take effect on 1 April 2026.</p>`,
    ],
    [
      'clusters-and-mergers',
      '2. Clusters are not mergers',
      `<p>Many ICBs now work in clusters, with a shared chair, chief executive and leadership team. A cluster is a way of working together. It does not change the legal position: each ICB in a cluster remains a separate statutory body with its own constitution, board, duties, allocation and accounts, and its boundary is unchanged.</p>
            <p>A cluster becomes a single organisation only if a merger is made. Until then, decisions must be taken by each ICB for its own area.</p>`,
    ],
    [
      'how-changes-are-made',
      '3. How mergers and boundary changes are made',
      `<p>ICBs are established by order. A merger is made by an order that abolishes the ICBs concerned and establishes a new ICB for their combined area; the new ICB is a new organisation, with a new name and new organisation and statistical codes. A boundary change moves an area from one ICB to another by varying the order, and the ICBs concerned continue to exist.</p>
            <p>Where an ICB's area is divided between several others, that ICB is abolished and each part of its area transfers to the ICB that will cover it.</p>`,
    ],
    [
      'timetable',
      '4. Timetable',
      `<p>Changes can take effect on 1 April 2026 or on 1 April 2027. Proposals for 2026 need to be agreed in time for orders to be made before the start of the financial year; proposals for 2027 will follow the same process during 2026.</p>`,
    ],
    [
      'preparing',
      '5. Preparing for a change',
      `<p>ICBs proposing a change should engage with the local authorities in their area, NHS trusts, primary care and the public; prepare the constitution of any new ICB and the appointment of its chair and chief executive; and plan the transfer of staff, contracts, property and liabilities.</p>
            <p>Until a change takes effect, services continue as they are and patients do not need to do anything.</p>`,
    ],
  ];
  const contents = sections
    .map(([id, heading]) => `            <li><a href="#${id}">${escapeHtml(heading)}</a></li>`)
    .join('\n');
  const body = sections
    .map(
      ([id, heading, html]) => `          <section id="${id}">
            <h2>${escapeHtml(heading)}</h2>
            ${html}
          </section>`,
    )
    .join('\n');
  const title =
    'Implementing integrated care board mergers and boundary changes to take effect in April 2026 and 2027';
  return nhseEraPage({
    title,
    description:
      'Guidance for integrated care boards on mergers and boundary changes in April 2026 and 2027.',
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['Publications', `${NHSE}/publication/`],
      [title, MERGER_LONG_READ],
    ],
    body: `      <article class="nhsuk-article long-read">
        <header class="nhse-article-header">
          <span class="nhse-label">Guidance</span>
          <h1>${escapeHtml(title)}</h1>
          <dl class="nhse-publication-meta">
            <dt>Publication type</dt><dd>Guidance</dd>
            <dt>Date published</dt><dd><time datetime="2025-09-23">23 September, 2025</time></dd>
            <dt>Audience</dt><dd>Integrated care boards, NHS trusts, local authorities</dd>
          </dl>
        </header>
        <nav class="nhse-contents" aria-label="Contents">
          <h2 class="nhsuk-heading-s">Contents</h2>
          <ol>
${contents}
          </ol>
        </nav>
        <div class="nhsuk-body entry-content">
${body}
        </div>
      </article>`,
    bodyClass: 'long-read-template-default single single-long-read nhsuk-template__body',
    published: '2025-09-23T10:00:00Z',
    modified: '2025-09-23T10:00:00Z',
    schemaType: 'Article',
    related: [['Integrated care in your area', IN_YOUR_AREA]],
  });
}

function statutoryListPage(facts: EraFacts): string {
  const rows = [...facts.icbs(2026)]
    .sort(
      (a, b) =>
        REGION_ORDER.indexOf(a.regionName) - REGION_ORDER.indexOf(b.regionName) ||
        a.name.localeCompare(b.name),
    )
    .map(
      (icb) =>
        `              <tr><td>${escapeHtml(icb.name)}</td><td>${icb.ods}</td><td>${escapeHtml(icb.regionName)}</td></tr>`,
    )
    .join('\n');
  return nhseEraPage({
    title: 'Integrated care boards in England',
    description: 'The statutory list of integrated care boards and their areas from 1 April 2026.',
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['Publications', `${NHSE}/publication/`],
      ['Integrated care boards in England', STATUTORY_LIST],
    ],
    body: `      <article class="nhsuk-article publication">
        <header class="nhse-article-header">
          <span class="nhse-label">Publication</span>
          <h1>Integrated care boards in England</h1>
          <dl class="nhse-publication-meta">
            <dt>Document first published:</dt><dd><time datetime="2022-07-01">1 July 2022</time></dd>
            <dt>Page updated:</dt><dd><time datetime="2026-04-01">1 April 2026</time></dd>
            <dt>Topic:</dt><dd>Integrated care</dd>
            <dt>Publication type:</dt><dd>Guidance</dd>
          </dl>
        </header>
        <div class="nhsuk-body entry-content">
          <p>This document lists the integrated care boards (ICBs) in England and the local authority areas each covers. It was updated on 1 April 2026 to reflect the six ICBs established on that date, the twelve abolished the day before and the enlarged boundary of NHS Hampshire and Isle of Wight ICB.</p>
          <div class="nhse-document">
            <h2 class="nhsuk-heading-s">Download</h2>
            <p><a class="nhse-document__link" href="${NHSE}/wp-content/uploads/2026/04/integrated-care-boards-in-england-april-2026.pdf">Integrated care boards in England, April 2026 (PDF, 212 KB)</a></p>
          </div>
          <h2>ICBs from 1 April 2026</h2>
          <table class="nhsuk-table">
            <thead><tr><th scope="col">Integrated care board</th><th scope="col">ODS code</th><th scope="col">Region</th></tr></thead>
            <tbody>
${rows}
            </tbody>
          </table>
        </div>
      </article>`,
    bodyClass: 'publication-template-default single single-publication nhsuk-template__body',
    published: '2022-07-01T09:00:00Z',
    modified: '2026-04-01T08:00:00Z',
    schemaType: 'WebPage',
    related: [['Integrated care in your area', IN_YOUR_AREA]],
  });
}

interface IndexItem {
  url: string;
  title: string;
  published: string;
}

/** Era news items that are not about integrated care (linked from the index, not served). */
const UNRELATED_NHSE_ERA: IndexItem[] = [
  [
    '2023-02-01',
    '2023/02/nhs-digital-and-nhs-england-complete-merger',
    'NHS Digital and NHS England complete their merger',
  ],
  [
    '2023-03-28',
    '2023/03/spring-covid-19-vaccinations-begin-for-most-vulnerable',
    'Spring COVID-19 vaccinations begin for the most vulnerable',
  ],
  [
    '2023-12-14',
    '2023/12/nhs-sets-out-how-it-will-manage-winter-pressures',
    'NHS sets out how it will manage winter pressures',
  ],
  [
    '2024-01-31',
    '2024/01/pharmacy-first-service-launches-across-england',
    'Pharmacy First service launches across England',
  ],
  ['2025-07-03', '2025/07/ten-year-health-plan-published', 'Ten Year Health Plan for England published'],
  ['2025-10-01', '2025/10/winter-vaccination-programme-begins', 'Winter vaccination programme begins'],
  ['2026-03-26', '2026/03/nhs-sets-out-priorities-for-2026-27', 'NHS sets out its priorities for 2026/27'],
  [
    '2026-10-01',
    '2026/10/flu-and-covid-19-vaccinations-open-for-eligible-groups',
    'Flu and COVID-19 vaccinations open for eligible groups',
  ],
].map(([date, slug, title]) => ({
  url: `${NHSE}/${slug}/`,
  title: String(title),
  published: `${date}T09:00:00Z`,
}));

function nhseNewsIndex(
  date: string,
  icsItems: IndexItem[],
  publications: IndexItem[],
  modified: string,
): string {
  const upTo = (item: IndexItem) => item.published.slice(0, 10) <= date;
  const newest = (a: IndexItem, b: IndexItem) => b.published.localeCompare(a.published);
  const card = (item: IndexItem) => `            <li class="nhsuk-list-panel__item nhse-news-item">
              <a class="nhsuk-list-panel__link" href="${item.url}">${escapeHtml(item.title)}</a>
              <p class="nhse-news-item__date"><time datetime="${item.published.slice(0, 10)}">${longDate(item.published)}</time></p>
            </li>`;
  const latest = [...UNRELATED_NHSE_ERA, ...icsItems.filter((item) => item.published >= '2023')]
    .filter(upTo)
    .sort(newest)
    .map(card)
    .join('\n');
  const archive = icsItems
    .filter((item) => item.published < '2023')
    .sort(newest)
    .map(card)
    .join('\n');
  const pubs = publications
    .filter(upTo)
    .sort(newest)
    .map(
      (item) =>
        `            <li><a href="${item.url}">${escapeHtml(item.title)}</a> <span class="nhsuk-body-s">(${longDate(item.published)})</span></li>`,
    )
    .join('\n');
  const body = `      <div class="nhse-news-index">
        <h1>News</h1>
        <p class="nhsuk-lede-text">News and press releases from NHS England. Journalists can contact the press office on 0113 825 0958 or at england.media@nhs.net.</p>
        <section aria-labelledby="latest-news">
          <h2 id="latest-news">Latest news</h2>
          <ul class="nhsuk-list nhsuk-list-panel">
${latest}
          </ul>
          <nav class="nhsuk-pagination" aria-label="More news"><a class="nhsuk-pagination__link" href="${NHSE}/news/page/2/">Older news</a></nav>
        </section>
${
  pubs
    ? `        <section class="nhse-publications-box" aria-labelledby="latest-publications">
          <h2 id="latest-publications">Latest on integrated care: guidance and publications</h2>
          <ul class="nhsuk-list">
${pubs}
          </ul>
        </section>
`
    : ''
}        <section aria-labelledby="ics-archive">
          <h2 id="ics-archive">Integrated care news archive</h2>
          <ul class="nhsuk-list nhsuk-list-panel">
${archive}
          </ul>
        </section>
      </div>`;
  return nhseEraPage({
    title: 'News',
    description: 'The latest news and press releases from NHS England.',
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['News', `${NHSE}/news/`],
    ],
    body,
    bodyClass: 'blog nhsuk-template__body',
    published: '2013-04-01T00:00:00Z',
    modified,
    schemaType: 'WebPage',
    related: [
      ['Press office', `${NHSE}/contact-us/press-office/`],
      ['Blogs', `${NHSE}/blog/`],
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Healthcare Leader (trade press), 2023-2026 site

interface EraStory {
  url: string;
  title: string;
  published: string;
  byline: string;
  standfirst: string;
  body: string;
  section: string;
}

function hlEraPage(title: string, main: string, head = ''): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} - Healthcare Leader</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
${head}<link rel="stylesheet" href="${HL}/wp-content/themes/hl-2023/dist/main.4b1e9d.css">
</head>
<body class="hl2023">
<div id="cmp-banner" class="cmp" role="dialog" aria-label="Privacy choices"><p>We and our partners use cookies to store and access information on your device for analytics, personalised content and advertising. You can accept, reject or manage your choices at any time.</p><button class="cmp__accept">Accept</button> <button class="cmp__reject">Reject</button> <a href="${HL}/privacy-policy/">Privacy policy</a></div>
<div class="ad ad--billboard" data-slot="hl_billboard">Advertisement</div>
<header class="site-header">
  <a class="site-header__logo" href="${HL}/"><img src="${HL}/wp-content/themes/hl-2023/img/logo.svg" alt="Healthcare Leader"></a>
  <nav class="site-header__nav" aria-label="Sections"><ul>
    <li><a href="${HL}/news/">News</a></li>
    <li><a href="${HL}/integrated-care/">Integrated care</a></li>
    <li><a href="${HL}/primary-care/">Primary care</a></li>
    <li><a href="${HL}/opinion/">Opinion</a></li>
    <li><a href="${HL}/jobs/">Jobs</a></li>
    <li><a href="${HL}/register/">Register</a></li>
  </ul></nav>
</header>
<div class="page">
<main class="page__main" id="content">
${main}
</main>
<aside class="page__sidebar">
  <section class="widget widget--newsletter"><h3>Daily bulletin</h3><p>The day's news for ICB, PCN and practice leaders.</p><a class="button" href="${HL}/register/">Sign up free</a></section>
  <div class="ad ad--mpu" data-slot="hl_mpu_1">Advertisement</div>
  <section class="widget widget--jobs"><h3>Latest jobs</h3>
    <ol>
      <li><a href="${HL}/jobs/head-of-primary-care-contracting-icb/">Head of Primary Care Contracting</a> <span>Band 8c, integrated care board, south of England</span></li>
      <li><a href="${HL}/jobs/pcn-business-manager-north-west/">PCN Business Manager</a> <span>North West, negotiable</span></li>
      <li><a href="${HL}/jobs/gp-partner-rural-practice/">GP Partner, rural dispensing practice</a> <span>East Midlands</span></li>
    </ol>
    <a href="${HL}/jobs/">See all jobs</a>
  </section>
  <section class="widget widget--popular"><h3>Most read</h3>
    <ol>
      <li><a href="${HL}/opinion/what-the-ten-year-plan-means-for-practices/">What the ten year plan means for practices</a></li>
      <li><a href="${HL}/analysis/pcn-funding-explained/">PCN funding explained</a></li>
    </ol>
  </section>
</aside>
</div>
<footer class="site-footer"><p>&copy; Cogora Limited. Healthcare Leader is part of the Cogora group. <a href="${HL}/about-us/">About us</a> &middot; <a href="${HL}/contact-us/">Contact</a> &middot; <a href="${HL}/terms/">Terms</a></p></footer>
</body>
</html>
`;
}

function hlEraStory(story: EraStory): string {
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: story.title,
    datePublished: story.published,
    author: { '@type': 'Person', name: story.byline },
    publisher: { '@type': 'Organization', name: 'Healthcare Leader' },
  });
  const head = `<meta property="og:type" content="article">
<meta property="article:published_time" content="${story.published}">
<meta property="article:section" content="${escapeHtml(story.section)}">
<script type="application/ld+json">${jsonLd}</script>
`;
  return hlEraPage(
    story.title,
    `<article class="article">
  <p class="article__kicker"><a href="${HL}/integrated-care/">${escapeHtml(story.section)}</a></p>
  <h1 class="article__headline">${escapeHtml(story.title)}</h1>
  <p class="article__standfirst">${escapeHtml(story.standfirst)}</p>
  <div class="article__byline">By <span class="article__author">${escapeHtml(story.byline)}</span> <time class="article__date" datetime="${story.published}">${longDate(story.published)}</time></div>
  <div class="article__body">
${story.body}
  </div>
  <div class="article__share">Share: <a href="https://www.linkedin.com/shareArticle?url=${encodeURIComponent(story.url)}">LinkedIn</a> <a href="https://bsky.app/intent/compose?text=${encodeURIComponent(story.url)}">Bluesky</a></div>
  <section class="article__related"><h2>Related stories</h2>
    <ul>
      <li><a href="${HL}/integrated-care/">More on integrated care</a></li>
      <li><a href="${HL}/analysis/icb-running-cost-cuts-explained/">Analysis: ICB running cost cuts explained</a></li>
    </ul>
  </section>
</article>`,
    head,
  );
}

const HL_HEWITT: EraStory = {
  url: `${HL}/news/hewitt-review-calls-for-fewer-national-targets-for-integrated-care-systems/`,
  title: 'Hewitt review calls for fewer national targets for integrated care systems',
  published: '2023-04-04T14:30:00Z',
  byline: 'News team',
  section: 'Integrated care',
  standfirst:
    'The independent review of integrated care systems wants more local freedom and a bigger share of spending on prevention.',
  body: `    <p>Integrated care systems (ICSs) should be set far fewer national targets and given more freedom to decide local priorities, according to the independent review led by Patricia Hewitt, published today.</p>
    <p>The review also recommends that the share of ICS budgets spent on prevention should rise over the next five years.</p>
    <div class="ad ad--inline">Advertisement</div>
    <p>It is the first major look at the 42 systems since their integrated care boards became statutory bodies in July 2022. The government will respond in due course.</p>`,
};

const HL_RUNNING_COSTS: EraStory = {
  url: `${HL}/news/integrated-care-boards-told-to-halve-running-costs/`,
  title: 'Integrated care boards told to halve running costs',
  published: '2025-03-14T12:00:00Z',
  byline: 'Staff reporter',
  section: 'Integrated care',
  standfirst: 'The 42 ICBs must cut their running costs by half, with many expected to share functions.',
  body: `    <p>Integrated care boards (ICBs) have been told to reduce their running costs by 50%, as part of wider changes that will also see NHS England brought into the Department of Health and Social Care.</p>
    <p>Boards are expected to look at sharing teams and functions with neighbouring ICBs to make the savings.</p>
    <div class="ad ad--inline">Advertisement</div>
    <p>The ICBs' statutory duties and boundaries are not affected by the instruction.</p>`,
};

const HL_BRISTOL: EraStory = {
  url: `${HL}/news/bristol-icb-plans-to-merge-with-gloucestershire-icb/`,
  title: 'Bristol integrated care board plans to merge with Gloucestershire',
  published: '2025-05-22T11:00:00Z',
  byline: 'News team',
  section: 'Integrated care',
  standfirst:
    'The two south west ICBs have provisionally agreed to cluster, with a merger possible in 2026 or 2027.',
  body: `    <p>NHS Bristol, North Somerset and South Gloucestershire ICB and NHS Gloucestershire ICB have provisionally agreed to work as a cluster under a shared leadership team.</p>
    <p>The boards say a full merger could follow in April 2026 or April 2027, but any merger would need a formal order. Until then both remain separate statutory organisations.</p>`,
};

const HL_SOUTH_LONDON: EraStory = {
  url: `${HL}/news/two-london-icbs-explore-clustering/`,
  title: 'Two south London integrated care boards explore clustering',
  published: '2025-06-19T10:30:00Z',
  byline: 'Staff reporter',
  section: 'Integrated care',
  standfirst:
    'South East London and South West London ICBs are discussing shared leadership but have no plans to merge.',
  body: `    <p>NHS South East London ICB and NHS South West London ICB are exploring whether to share a leadership team as they look for savings.</p>
    <p>Leaders stressed there are no plans for a merger: the two boards would keep their own statutory responsibilities and boundaries.</p>`,
};

const HL_WEST_MIDLANDS: EraStory = {
  url: `${HL}/news/west-midlands-icbs-to-form-three-clusters/`,
  title: 'West Midlands integrated care boards to pair up in three clusters',
  published: '2025-07-17T09:45:00Z',
  byline: 'News team',
  section: 'Integrated care',
  standfirst:
    "Six ICBs will share leadership in pairs after NHS England and the government agreed the region's plans.",
  body: `    <p>Six integrated care boards in the West Midlands will form three clusters, each with a shared leadership team:</p>
    <ul>
      <li>Birmingham and Solihull with the Black Country</li>
      <li>Herefordshire and Worcestershire with Coventry and Warwickshire</li>
      <li>Shropshire, Telford and Wrekin with Staffordshire and Stoke-on-Trent</li>
    </ul>
    <div class="ad ad--inline">Advertisement</div>
    <p>The clusters are not mergers. Each ICB remains a legal body in its own right with its current boundary.</p>`,
};

const HL_LEICESTERSHIRE: EraStory = {
  url: `${HL}/news/leicestershire-and-northamptonshire-icbs-set-to-cluster/`,
  title: 'Leicestershire and Northamptonshire integrated care boards set to cluster',
  published: '2025-08-14T13:15:00Z',
  byline: 'Staff reporter',
  section: 'Integrated care',
  standfirst: 'The two East Midlands ICBs will share a leadership team after ministers approved the plan.',
  body: `    <p>NHS Leicester, Leicestershire and Rutland ICB and NHS Northamptonshire ICB will work as a cluster, after the arrangement was approved by NHS England and ministers.</p>
    <p>The boards will appoint a joint leadership team but will continue as separate organisations.</p>`,
};

const HL_HCWS915: EraStory = {
  url: `${HL}/news/first-integrated-care-board-mergers-confirmed-for-april-2026/`,
  title: 'First integrated care board mergers confirmed for April 2026',
  published: '2025-09-10T08:30:00Z',
  byline: 'News team',
  section: 'Integrated care',
  standfirst:
    'A written ministerial statement sets out the first new ICB footprints, while clusters elsewhere will remain separate bodies.',
  body: `    <p>The government has set out the first integrated care board (ICB) mergers and boundary changes, which are proposed to take effect on 1 April 2026.</p>
    <p>The written ministerial statement (HCWS915), published on 9 September, covers changes in London, the East of England and the South East. Merging ICBs will be abolished and new boards established in their place.</p>
    <div class="ad ad--inline">Advertisement</div>
    <p>Elsewhere, ICBs are continuing to cluster, reducing the number of leadership teams from 42 to 26. Clustered ICBs stay separate statutory bodies with unchanged boundaries, and further mergers could follow from April 2027.</p>`,
};

const HL_NORTH_LONDON: EraStory = {
  url: `${HL}/news/full-merger-for-north-west-and-north-central-london-icbs-announced/`,
  title: 'Full merger for north west and north central London integrated care boards announced',
  published: '2025-09-30T15:00:00Z',
  byline: 'Staff reporter',
  section: 'Integrated care',
  standfirst: 'The merged board will be called NHS West and North London ICB.',
  body: `    <p>NHS North Central London ICB and NHS North West London ICB will merge fully from 1 April 2026, and the new board will be called NHS West and North London ICB.</p>
    <p>The name replaces the working title used when the merger was first announced. The two boards remain separate until the merger takes effect.</p>`,
};

const HL_APRIL_2026: EraStory = {
  url: `${HL}/news/england-now-has-36-integrated-care-boards-as-mergers-take-effect/`,
  title: 'England now has 36 integrated care boards as mergers take effect',
  published: '2026-04-01T07:30:00Z',
  byline: 'News team',
  section: 'Integrated care',
  standfirst:
    'Twelve ICBs have been abolished and six new ones established, while Frimley has been split three ways.',
  body: `    <p>The number of integrated care boards (ICBs) in England has fallen from 42 to 36 after a round of mergers took effect today.</p>
    <p>Twelve ICBs were abolished at the end of March, and six new boards have been established in their place: Central East, Essex, Norfolk and Suffolk, Surrey and Sussex, Thames Valley, and West and North London.</p>
    <div class="ad ad--inline">Advertisement</div>
    <p>NHS Frimley ICB has been divided between three neighbours. Of its GP practices, 41 are now in NHS Thames Valley ICB, 14 in NHS Hampshire and Isle of Wight ICB, which keeps its organisation code but has a larger area, and 11 in NHS Surrey and Sussex ICB.</p>
    <p>The new ICBs have five-character organisation codes, such as S9B9J for Surrey and Sussex, rather than the three-character codes of the original boards.</p>
    <p>The other 29 ICBs, including those working in clusters, are unchanged.</p>`,
};

const HL_2027: EraStory = {
  url: `${HL}/news/further-integrated-care-board-mergers-expected-from-april-2027/`,
  title: 'Further integrated care board mergers expected from April 2027, but no list yet',
  published: '2026-11-19T10:00:00Z',
  byline: 'Staff reporter',
  section: 'Integrated care',
  standfirst: 'More ICBs are expected to merge next year, but no changes have been confirmed.',
  body: `    <p>A second round of integrated care board (ICB) mergers is expected to take effect from 1 April 2027, but no confirmed list of changes has been published.</p>
    <p>Several ICBs that already share leadership in clusters have said they are considering a merger. Until an order is made, every one of the 36 ICBs remains a separate statutory body with its current boundary.</p>
    <div class="ad ad--inline">Advertisement</div>
    <p>Decisions had been expected during the summer. Boards say they will update staff and partners once the position is clear.</p>`,
};

const UNRELATED_HL_ERA: IndexItem[] = [
  [
    '2023-04-12',
    'practice-managers-report-rising-demand-after-easter',
    'Practice managers report rising demand after Easter',
  ],
  [
    '2024-02-01',
    'pharmacy-first-launches-with-seven-common-conditions',
    'Pharmacy First launches with seven common conditions',
  ],
  ['2024-02-13', 'gp-appointment-figures-show-january-peak', 'GP appointment figures show January peak'],
  ['2025-10-02', 'flu-vaccination-season-opens-for-over-65s', 'Flu vaccination season opens for over-65s'],
  ['2026-04-14', 'practices-warned-over-spring-staffing-gaps', 'Practices warned over spring staffing gaps'],
  [
    '2026-11-24',
    'winter-access-funding-for-practices-confirmed',
    'Winter access funding for practices confirmed',
  ],
].map(([date, slug, title]) => ({
  url: `${HL}/news/${slug}/`,
  title: String(title),
  published: `${date}T09:00:00Z`,
}));

function hlEraIndex(date: string, stories: IndexItem[]): string {
  const cards = [...stories, ...UNRELATED_HL_ERA]
    .filter((item) => item.published.slice(0, 10) <= date)
    .sort((a, b) => b.published.localeCompare(a.published))
    .map(
      (item) => `  <article class="teaser">
    <h2 class="teaser__title"><a href="${item.url}">${escapeHtml(item.title)}</a></h2>
    <time class="teaser__date" datetime="${item.published.slice(0, 10)}">${longDate(item.published)}</time>
  </article>`,
    )
    .join('\n');
  return hlEraPage(
    'News',
    `<h1 class="archive-title">News</h1>
<div class="teaser-list">
${cards}
</div>
<div class="ad ad--inline">Advertisement</div>
<nav class="pagination"><a href="${HL}/news/page/2/">Older stories</a></nav>`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// ICB websites (no catalogue source reads them: see the resource notes)

interface IcbNewsPage {
  url: string;
  title: string;
  published: string;
  site: string;
  theme: 'gov' | 'card' | 'plain';
  paragraphs: string[];
}

function icbNewsPage(page: IcbNewsPage): string {
  const origin = new URL(page.url).origin;
  const content = page.paragraphs.map((paragraph) => `        <p>${paragraph}</p>`).join('\n');
  const date = `<time datetime="${page.published}">${longDate(page.published)}</time>`;
  const article =
    page.theme === 'card'
      ? `    <div class="news-card news-card--full">
      <p class="news-card__meta">News &middot; ${date}</p>
      <h1 class="news-card__title">${escapeHtml(page.title)}</h1>
      <div class="news-card__body">
${content}
      </div>
    </div>`
      : `    <article class="news-article">
      <h1>${escapeHtml(page.title)}</h1>
      <p class="news-article__posted">Posted on ${date} in <a href="${origin}/news/">News</a></p>
      <div class="news-article__content">
${content}
      </div>
    </article>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(page.title)} :: ${escapeHtml(page.site)}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="dcterms.created" content="${page.published.slice(0, 10)}">
  <link rel="stylesheet" href="${origin}/assets/css/site.css">
</head>
<body class="theme-${page.theme}">
  <div class="cookie-notice" id="cookie-notice"><p>This website uses cookies. Some are essential and others help us improve the site. <a href="${origin}/cookies/">Cookie settings</a></p><button class="cookie-notice__ok">Accept all</button></div>
  <header class="icb-header">
    <a class="icb-header__logo" href="${origin}/">${escapeHtml(page.site)}</a>
    <nav aria-label="Main"><ul>
      <li><a href="${origin}/about-us/">About us</a></li>
      <li><a href="${origin}/your-health/">Your health</a></li>
      <li><a href="${origin}/news/">News</a></li>
      <li><a href="${origin}/get-involved/">Get involved</a></li>
      <li><a href="${origin}/work-for-us/">Work for us</a></li>
    </ul></nav>
  </header>
  <main id="main">
${article}
    <aside class="related"><h2>Related</h2><ul><li><a href="${origin}/about-us/our-board/">Our board</a></li><li><a href="${origin}/about-us/our-constitution/">Our constitution</a></li></ul></aside>
  </main>
  <footer class="icb-footer"><p>${escapeHtml(page.site)} &middot; <a href="${origin}/accessibility/">Accessibility</a> &middot; <a href="${origin}/privacy/">Privacy</a> &middot; <a href="${origin}/foi/">Freedom of information</a></p></footer>
</body>
</html>
`;
}

const ICB_PAGES: IcbNewsPage[] = [
  {
    url: 'https://www.frimley.icb.nhs.uk/news/nhs-frimley-icb-closes-on-31-march-2026/',
    title: 'NHS Frimley ICB closes on 31 March 2026',
    published: '2026-03-31T12:00:00Z',
    site: 'NHS Frimley Integrated Care Board',
    theme: 'plain',
    paragraphs: [
      'NHS Frimley Integrated Care Board closes at the end of today, 31 March 2026. From 1 April its area will be covered by three neighbouring integrated care boards.',
      'East Berkshire (Bracknell Forest, Slough, and Windsor and Maidenhead) joins NHS Thames Valley ICB. Surrey Heath and the Farnham area join NHS Surrey and Sussex ICB. North-east Hampshire joins NHS Hampshire and Isle of Wight ICB.',
      'Patients stay registered with their GP practice and do not need to do anything. This website will not be updated after today.',
    ],
  },
  {
    url: 'https://www.surreyandsussex.icb.nhs.uk/news/welcome-to-nhs-surrey-and-sussex-integrated-care-board/',
    title: 'Welcome to NHS Surrey and Sussex Integrated Care Board',
    published: '2026-04-01T07:00:00Z',
    site: 'NHS Surrey and Sussex Integrated Care Board',
    theme: 'card',
    paragraphs: [
      'NHS Surrey and Sussex Integrated Care Board was established today, 1 April 2026. It takes on the responsibilities of NHS Surrey Heartlands ICB and NHS Sussex ICB, which have been abolished, and of NHS Frimley ICB for Surrey Heath and the Farnham area.',
      'We plan and pay for NHS services for people across Surrey and Sussex, working with our local councils, NHS trusts, GP practices and voluntary organisations.',
      'Nothing changes for patients: keep using your GP practice, pharmacy and hospital as you do now.',
    ],
  },
  {
    url: 'https://www.thamesvalley.icb.nhs.uk/news/nhs-thames-valley-icb-is-established/',
    title: 'NHS Thames Valley ICB is established',
    published: '2026-04-01T07:00:00Z',
    site: 'NHS Thames Valley Integrated Care Board',
    theme: 'gov',
    paragraphs: [
      'From today, 1 April 2026, NHS Thames Valley Integrated Care Board is responsible for NHS services across Buckinghamshire, Oxfordshire and Berkshire.',
      'The new board replaces NHS Buckinghamshire, Oxfordshire and Berkshire West ICB, and also covers East Berkshire, which was previously part of NHS Frimley ICB.',
      'Our board met for the first time this morning. Papers are published on our board meetings page.',
    ],
  },
  {
    url: 'https://www.hantsiow.icb.nhs.uk/news/north-east-hampshire-joins-hampshire-and-isle-of-wight-icb/',
    title: 'North-east Hampshire joins Hampshire and Isle of Wight ICB',
    published: '2026-04-01T08:30:00Z',
    site: 'NHS Hampshire and Isle of Wight Integrated Care Board',
    theme: 'plain',
    paragraphs: [
      'From 1 April 2026 NHS Hampshire and Isle of Wight Integrated Care Board also covers north-east Hampshire, which was previously part of NHS Frimley ICB.',
      'Our organisation continues with the same name and organisation code, but because our boundary has changed the Office for National Statistics has given the ICB a new statistical code.',
      'GP practices in the area now work with us. Patients do not need to do anything.',
    ],
  },
  {
    url: 'https://www.westandnorthlondon.icb.nhs.uk/news/nhs-west-and-north-london-icb-launches/',
    title: 'NHS West and North London ICB launches',
    published: '2026-04-01T07:00:00Z',
    site: 'NHS West and North London Integrated Care Board',
    theme: 'card',
    paragraphs: [
      'NHS West and North London Integrated Care Board came into being on 1 April 2026, bringing together the areas of NHS North Central London ICB and NHS North West London ICB.',
      'The board now plans NHS services for the thirteen boroughs of north central and north west London.',
      'Existing contracts, referrals and prescriptions continue unchanged.',
    ],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The plans

const STORY_NOTE =
  'Written for the snapshot in the 2023-2026 Healthcare Leader layout; carries facts reported by the trade press (19_icb_2023_2026.md, 17_icb_clusters_2025_26.csv, whose URLs give the slugs where known); prose, byline and timestamp are our own.';

const LISTING_NOTES: Record<ListingVariant['key'], string> = {
  '2023':
    'Written for the snapshot: the 42 ICBs under the seven region headings (01), after the April 2023 variation order (19). Identical in the 2023-04-20 and 2024-02-15 snapshots.',
  '2025':
    'Written for the snapshot: clustering explained (HCWS915, 19), 42 ICBs under region headings (01), and a table of the 2025/26 clusters (17).',
  '2026-04':
    'Written for the snapshot: REDESIGNED page, one table of the 36 ICBs (ONS April 2026 lookup, file 12) with a region column and notes (successions 14, clusters 17), then the 12 abolished ICBs.',
  '2026-11':
    'Written for the snapshot: the table of 36 ICBs as in April 2026, with a note that further mergers are expected from April 2027 but none is confirmed (19).',
};

export function eraHtmlPlans(facts: EraFacts, inputs: EraHtmlInputs): EraHtmlPlan[] {
  const listings: Record<ListingVariant['key'], ListingVariant> = {
    '2023': { key: '2023', published: '2021-04-01T09:00:00Z', modified: '2023-04-03T09:00:00Z' },
    '2025': { key: '2025', published: '2021-04-01T09:00:00Z', modified: '2025-09-24T09:00:00Z' },
    '2026-04': { key: '2026-04', published: '2021-04-01T09:00:00Z', modified: '2026-04-01T09:00:00Z' },
    '2026-11': { key: '2026-11', published: '2021-04-01T09:00:00Z', modified: '2026-09-30T09:00:00Z' },
  };
  const listingHtml = {
    '2023': listing2023(facts, inputs, listings['2023']),
    '2025': listing2025(facts, inputs, listings['2025']),
    '2026-04': listing2026(facts, inputs, listings['2026-04']),
    '2026-11': listing2026(facts, inputs, listings['2026-11']),
  };
  const longRead: EraPage = {
    sourceId: 'nhse-news',
    url: MERGER_LONG_READ,
    html: longReadPage(),
    modified: '2025-09-23T10:00:00Z',
    note: 'Written for the snapshot: NHS England long-read guidance of 23 September 2025 (19), prose our own. Reached by nhse-news discovery (its href is /long-read/..., which the catalogue follows since the 2026 reorganisation); linked from the news index and the news item.',
  };
  const statutoryList: EraPage = {
    sourceId: 'nhse-news',
    url: STATUTORY_LIST,
    html: statutoryListPage(facts),
    modified: '2026-04-01T08:00:00Z',
    note: 'Written for the snapshot: NHS England publication page listing the 36 ICBs from 1 April 2026 (file 12). Reached by nhse-news discovery (/publication/...); linked from the news index and the listing page. Its PDF is linked, not served.',
  };
  const articleNote =
    'Written for the snapshot: NHS England news item (NHS.UK frontend layout, dates in meta tags, JSON-LD and <time>) carrying the facts of 19_icb_2023_2026.md and file 14; prose is our own.';
  const article = (item: EraArticle): EraPage => ({
    sourceId: 'nhse-news',
    url: item.url,
    html: nhseNewsArticle(item),
    modified: item.published,
    note: articleNote,
  });
  const story = (item: EraStory): EraPage => ({
    sourceId: 'trade-press',
    url: item.url,
    html: hlEraStory(item),
    modified: item.published,
    note: STORY_NOTE,
  });
  const icbPages: EraPage[] = ICB_PAGES.map((page) => ({
    sourceId: 'icb-news',
    url: page.url,
    html: icbNewsPage(page),
    modified: page.published,
    note: 'Written for the snapshot: an ICB website news page (host on the <name>.icb.nhs.uk pattern, constructed, not verified), prose our own. Reached by the icb-news source through the links of the NHS England news item of 1 April 2026.',
  }));

  const allArticles = [NEWS_MERGERS_2025, NEWS_APRIL_2026];
  const allStories = [
    HL_HEWITT,
    HL_RUNNING_COSTS,
    HL_BRISTOL,
    HL_SOUTH_LONDON,
    HL_WEST_MIDLANDS,
    HL_LEICESTERSHIRE,
    HL_HCWS915,
    HL_NORTH_LONDON,
    HL_APRIL_2026,
    HL_2027,
  ];
  const plan = (
    date: string,
    listing: ListingVariant['key'],
    indexModified: string,
    extraNhse: EraPage[],
    withIcbPages: boolean,
  ): EraHtmlPlan => {
    const articles = allArticles.filter((item) => item.published.slice(0, 10) <= date);
    const stories = allStories.filter((item) => item.published.slice(0, 10) <= date);
    const publications = extraNhse.map((page) => ({
      url: page.url,
      title:
        page.url === MERGER_LONG_READ
          ? 'Implementing integrated care board mergers and boundary changes to take effect in April 2026 and 2027'
          : 'Integrated care boards in England',
      published: page.url === MERGER_LONG_READ ? '2025-09-23T10:00:00Z' : '2026-04-01T08:00:00Z',
    }));
    return {
      date,
      pages: [
        {
          sourceId: 'nhse-ics-list',
          url: IN_YOUR_AREA,
          html: listingHtml[listing],
          modified: listings[listing].modified,
          note: LISTING_NOTES[listing],
        },
        {
          sourceId: 'nhse-news',
          url: `${NHSE}/news/`,
          html: nhseNewsIndex(date, [...inputs.legacyNhse, ...articles], publications, indexModified),
          modified: indexModified,
          note: 'Written for the snapshot: news index in the NHS.UK frontend layout: latest news (ICB items and unrelated ones), a box linking the guidance and publication pages and an archive of the 2017-2022 ICS items.',
        },
        ...articles.map(article),
        ...extraNhse,
        {
          sourceId: 'trade-press',
          url: `${HL}/news/`,
          html: hlEraIndex(date, [...inputs.legacyHl, ...stories]),
          modified: indexModified,
          note: 'Written for the snapshot: trade-press news index in the 2023-2026 Healthcare Leader layout (ICB stories, the 2020-2021 ICS stories and unrelated items).',
        },
        ...stories.map(story),
        ...(withIcbPages ? icbPages : []),
      ],
    };
  };
  return [
    plan('2023-04-20', '2023', '2023-04-19T16:00:00Z', [], false),
    plan('2024-02-15', '2023', '2024-02-14T16:00:00Z', [], false),
    plan('2025-10-15', '2025', '2025-10-14T16:00:00Z', [longRead], false),
    plan('2026-04-20', '2026-04', '2026-04-17T16:00:00Z', [longRead, statutoryList], true),
    plan('2026-11-30', '2026-11', '2026-11-27T16:00:00Z', [longRead, statutoryList], true),
  ];
}
