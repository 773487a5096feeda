/**
 * Writes the HTML pages of the `nhse-ics-list`, `nhse-news` and `trade-press` sources into the dated snapshots,
 * with their resource lists. The page text is written for this project (origin "written") and carries the real
 * facts of each designation wave. An article keeps the same bytes and Last-Modified in every snapshot it appears
 * in, so replays see it as unchanged. The pages of the 2023-2026 snapshots come from era-html-pages.ts.
 *
 * Usage: npx tsx scripts/write-html-snapshots.ts [SHARED_DATA_DIR] [--out DIR] [--dates LIST] (see snapshot-cli.ts)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SnapshotResource } from '../lib/sources/snapshot-manifest.ts';
import { eraManifestJson, loadEraFacts } from './era-facts.ts';
import { eraHtmlPlans } from './era-html-pages.ts';
import { generatorOptions, REPOSITORY_SNAPSHOTS, wantsDate } from './snapshot-cli.ts';

const options = generatorOptions();
const SNAPSHOTS = options.outRoot;
const NHSE = 'https://www.england.nhs.uk';
const HL = 'https://healthcareleadernews.com';

type Wave = 0 | 1 | 2 | 3 | 4 | 5;
interface Ics {
  region: string;
  /** Name the public knew the system by in 2020-21. */
  name: string;
  /** The statutory ICB's name (July 2022). */
  icb: string;
  website: string;
  wave: Wave;
}

const REGIONS = [
  'North West',
  'North East and Yorkshire',
  'South West',
  'South East',
  'Midlands',
  'East of England',
  'London',
];

// Facts from ../shared/data/09b_ics_designation_by_ics.csv and 01_icb_42_list_2022.csv.
const ICSS: Ics[] = [
  [
    'North West',
    'Cheshire and Merseyside Health and Care Partnership',
    'NHS Cheshire and Merseyside Integrated Care Board',
    'https://www.cheshireandmerseysidepartnership.co.uk/',
    5,
  ],
  [
    'North West',
    'Greater Manchester Health and Social Care Partnership',
    'NHS Greater Manchester Integrated Care Board',
    'https://www.gmhsc.org.uk/',
    0,
  ],
  [
    'North West',
    'Healthier Lancashire and South Cumbria',
    'NHS Lancashire and South Cumbria Integrated Care Board',
    'https://www.healthierlsc.co.uk/',
    0,
  ],
  [
    'North East and Yorkshire',
    'Humber, Coast and Vale Health and Care Partnership',
    'NHS Humber and North Yorkshire Integrated Care Board',
    'https://humbercoastandvale.org.uk/',
    3,
  ],
  [
    'North East and Yorkshire',
    'North East and North Cumbria',
    'NHS North East and North Cumbria Integrated Care Board',
    'https://www.northeastnorthcumbria.nhs.uk/',
    2,
  ],
  [
    'North East and Yorkshire',
    'South Yorkshire and Bassetlaw',
    'NHS South Yorkshire Integrated Care Board',
    'https://www.healthandcaretogethersyb.co.uk/',
    0,
  ],
  [
    'North East and Yorkshire',
    'West Yorkshire and Harrogate Health and Care Partnership',
    'NHS West Yorkshire Integrated Care Board',
    'https://www.wyhpartnership.co.uk/',
    1,
  ],
  [
    'South West',
    'Bath and North East Somerset, Swindon and Wiltshire',
    'NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board',
    'https://bswpartnership.nhs.uk/',
    4,
  ],
  [
    'South West',
    'Bristol, North Somerset and South Gloucestershire',
    'NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board',
    'https://bnssghealthiertogether.org.uk/',
    4,
  ],
  [
    'South West',
    'Cornwall and the Isles of Scilly Health and Social Care Partnership',
    'NHS Cornwall and the Isles of Scilly Integrated Care Board',
    'https://www.shapingourfuture.info/',
    4,
  ],
  ['South West', 'Devon', 'NHS Devon Integrated Care Board', 'https://www.onedevon.org.uk/', 5],
  ['South West', 'Dorset', 'NHS Dorset Integrated Care Board', 'https://www.ourdorset.nhs.uk/', 0],
  [
    'South West',
    'Gloucestershire',
    'NHS Gloucestershire Integrated Care Board',
    'https://www.onegloucestershire.net/',
    1,
  ],
  ['South West', 'Somerset', 'NHS Somerset Integrated Care Board', 'https://www.oursomerset.org.uk/', 4],
  [
    'South East',
    'Buckinghamshire, Oxfordshire and Berkshire West',
    'NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board',
    'https://www.bobics.org.uk/',
    2,
  ],
  [
    'South East',
    'Frimley Health and Care',
    'NHS Frimley Integrated Care Board',
    'https://www.frimleyhealthandcare.org.uk/',
    0,
  ],
  [
    'South East',
    'Hampshire and the Isle of Wight',
    'NHS Hampshire and Isle of Wight Integrated Care Board',
    'https://www.hantsiowhealthandcare.org.uk/',
    4,
  ],
  [
    'South East',
    'Kent and Medway',
    'NHS Kent and Medway Integrated Care Board',
    'https://www.kmhealthandcare.uk/',
    5,
  ],
  [
    'South East',
    'Surrey Heartlands Health and Care Partnership',
    'NHS Surrey Heartlands Integrated Care Board',
    'https://www.surreyheartlands.uk/',
    0,
  ],
  [
    'South East',
    'Sussex Health and Care Partnership',
    'NHS Sussex Integrated Care Board',
    'https://www.sussexhealthandcare.uk/',
    3,
  ],
  [
    'Midlands',
    'Birmingham and Solihull',
    'NHS Birmingham and Solihull Integrated Care Board',
    'https://www.birminghamsolihullics.org.uk/',
    4,
  ],
  [
    'Midlands',
    'The Black Country and West Birmingham',
    'NHS Black Country Integrated Care Board',
    'https://www.healthierfutures.org.uk/',
    5,
  ],
  [
    'Midlands',
    'Coventry and Warwickshire',
    'NHS Coventry and Warwickshire Integrated Care Board',
    'https://www.happyhealthylives.uk/',
    5,
  ],
  [
    'Midlands',
    'Joined Up Care Derbyshire',
    'NHS Derby and Derbyshire Integrated Care Board',
    'https://joinedupcarederbyshire.co.uk/',
    4,
  ],
  [
    'Midlands',
    'Herefordshire and Worcestershire',
    'NHS Herefordshire and Worcestershire Integrated Care Board',
    'https://www.hwics.org.uk/',
    5,
  ],
  [
    'Midlands',
    'Leicester, Leicestershire and Rutland',
    'NHS Leicester, Leicestershire and Rutland Integrated Care Board',
    'https://www.bettercareleicester.nhs.uk/',
    5,
  ],
  [
    'Midlands',
    'Lincolnshire',
    'NHS Lincolnshire Integrated Care Board',
    'https://www.lincolnshireics.org.uk/',
    5,
  ],
  [
    'Midlands',
    'Northamptonshire',
    'NHS Northamptonshire Integrated Care Board',
    'https://www.northamptonshirehcp.co.uk/',
    5,
  ],
  [
    'Midlands',
    'Nottingham and Nottinghamshire',
    'NHS Nottingham and Nottinghamshire Integrated Care Board',
    'https://healthandcarenotts.co.uk/',
    0,
  ],
  [
    'Midlands',
    'Shropshire, Telford and Wrekin',
    'NHS Shropshire, Telford and Wrekin Integrated Care Board',
    'https://www.stwics.org.uk/',
    5,
  ],
  [
    'Midlands',
    'Staffordshire and Stoke-on-Trent',
    'NHS Staffordshire and Stoke-on-Trent Integrated Care Board',
    'https://www.twbstaffsandstoke.org.uk/',
    5,
  ],
  [
    'East of England',
    'Bedfordshire, Luton and Milton Keynes',
    'NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board',
    'https://www.blmkpartnership.org.uk/',
    0,
  ],
  [
    'East of England',
    'Cambridgeshire and Peterborough',
    'NHS Cambridgeshire and Peterborough Integrated Care Board',
    'https://www.cpics.org.uk/',
    5,
  ],
  [
    'East of England',
    'Hertfordshire and West Essex',
    'NHS Hertfordshire and West Essex Integrated Care Board',
    'https://www.hertsandwestessexics.org.uk/',
    3,
  ],
  [
    'East of England',
    'Mid and South Essex',
    'NHS Mid and South Essex Integrated Care Board',
    'https://www.msehealthandcarepartnership.co.uk/',
    5,
  ],
  [
    'East of England',
    'Norfolk and Waveney Health and Care Partnership',
    'NHS Norfolk and Waveney Integrated Care Board',
    'https://www.norfolkandwaveneypartnership.org.uk/',
    4,
  ],
  [
    'East of England',
    'Suffolk and North East Essex',
    'NHS Suffolk and North East Essex Integrated Care Board',
    'https://www.sneeics.org.uk/',
    1,
  ],
  [
    'London',
    'North Central London',
    'NHS North Central London Integrated Care Board',
    'https://www.nclhealthandcare.org.uk/',
    4,
  ],
  [
    'London',
    'North East London',
    'NHS North East London Integrated Care Board',
    'https://www.eastlondonhcp.nhs.uk/',
    4,
  ],
  [
    'London',
    'North West London',
    'NHS North West London Integrated Care Board',
    'https://www.nwlondonics.nhs.uk/',
    4,
  ],
  [
    'London',
    'Our Healthier South East London',
    'NHS South East London Integrated Care Board',
    'https://www.ourhealthiersel.nhs.uk/',
    2,
  ],
  [
    'London',
    'South West London Health and Care Partnership',
    'NHS South West London Integrated Care Board',
    'https://www.swlondonhealthandcare.nhs.uk/',
    3,
  ],
].map(([region, name, icb, website, wave]) => ({
  region: String(region),
  name: String(name),
  icb: String(icb),
  website: String(website),
  wave: Number(wave) as Wave,
}));

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// ---------------------------------------------------------------------------------------------------------
// NHS England (WordPress) page furniture

function nhsePage(options: {
  title: string;
  breadcrumbs: [string, string][];
  body: string;
  bodyClass: string;
  related?: [string, string][];
}): string {
  const crumbs = options.breadcrumbs
    .map(([label, href]) => `        <li><a href="${href}">${escapeHtml(label)}</a></li>`)
    .join('\n');
  const related = (options.related ?? [])
    .map(([label, href]) => `          <li><a href="${href}">${escapeHtml(label)}</a></li>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>NHS England » ${escapeHtml(options.title)}</title>
  <link rel="stylesheet" href="${NHSE}/wp-content/themes/nhsengland/static/css/main.css?ver=2.4.1">
  <script src="${NHSE}/wp-includes/js/jquery/jquery.min.js?ver=3.5.1"></script>
</head>
<body class="${options.bodyClass}">
  <div id="nhsuk-cookie-banner" class="cookie-banner" role="region" aria-label="Cookie banner">
    <h2>Cookies on the NHS England website</h2>
    <p>We've put some small files called cookies on your device to make our site work. We'd also like to use analytics cookies to understand how you use the site, including pages about integrated care systems. These send information to Google Analytics.</p>
    <p><a href="${NHSE}/privacy-policy/" class="cookie-banner__link">Read our cookie policy</a> <button type="button" id="nhsuk-cookie-banner__link_accept_analytics">Accept analytics cookies</button> <button type="button">Reject analytics cookies</button></p>
  </div>
  <a class="skip-link" href="#main-content">Skip to main content</a>
  <header class="site-header" role="banner">
    <div class="site-header__logo"><a href="${NHSE}/" aria-label="NHS England homepage"><span class="nhs-logo">NHS</span> England</a></div>
    <form class="site-search" role="search" action="${NHSE}/" method="get"><label for="s">Search</label><input type="search" id="s" name="s"><button type="submit">Search</button></form>
    <nav class="primary-nav" aria-label="Main menu">
      <ul>
        <li><a href="${NHSE}/about/">About us</a></li>
        <li><a href="${NHSE}/our-work/">Our work</a></li>
        <li><a href="${NHSE}/commissioning/">Commissioning</a></li>
        <li><a href="${NHSE}/integratedcare/">Integrated care</a></li>
        <li><a href="${NHSE}/news/">News</a></li>
        <li><a href="${NHSE}/publication/">Publications</a></li>
        <li><a href="${NHSE}/statistics/">Statistics</a></li>
        <li><a href="${NHSE}/contact-us/">Contact us</a></li>
      </ul>
    </nav>
  </header>
  <nav class="breadcrumbs" aria-label="Breadcrumb">
    <ol>
${crumbs}
      </ol>
  </nav>
  <div id="content" class="site-content">
    <main id="main-content" class="site-main" role="main">
${options.body}
    </main>
    <aside class="sidebar related-content" role="complementary">
      <h2>Related content</h2>
      <ul>
${related}
      </ul>
    </aside>
  </div>
  <footer class="site-footer" role="contentinfo">
    <div class="site-footer__links">
      <ul>
        <li><a href="${NHSE}/accessibility/">Accessibility</a></li>
        <li><a href="${NHSE}/privacy-policy/">Privacy and cookies</a></li>
        <li><a href="${NHSE}/terms-and-conditions/">Terms and conditions</a></li>
        <li><a href="${NHSE}/contact-us/freedom-of-information/">Freedom of information</a></li>
        <li><a href="${NHSE}/about/working-for/">Jobs at NHS England</a></li>
        <li><a href="https://twitter.com/NHSEngland">Twitter</a></li>
      </ul>
    </div>
    <p class="site-footer__copyright">© NHS England</p>
  </footer>
  <script src="${NHSE}/wp-content/themes/nhsengland/static/js/main.min.js?ver=2.4.1"></script>
</body>
</html>
`;
}

const INTEGRATED_CARE_CRUMBS: [string, string][] = [
  ['Home', `${NHSE}/`],
  ['Integrated care', `${NHSE}/integratedcare/`],
];

// ---------------------------------------------------------------------------------------------------------
// NHS England listing pages

function systemsByRegion(systems: Ics[], label: (ics: Ics) => string): string {
  return REGIONS.map((region) => {
    const items = systems
      .filter((ics) => ics.region === region)
      .map((ics) => `            <li><a href="${ics.website}">${escapeHtml(label(ics))}</a></li>`)
      .join('\n');
    return items
      ? `          <h3>${escapeHtml(region)}</h3>\n          <ul class="ics-list">\n${items}\n          </ul>`
      : '';
  })
    .filter(Boolean)
    .join('\n');
}

function listing2020(maxWave: Wave): string {
  const designated = ICSS.filter((ics) => ics.wave <= maxWave);
  const developing = ICSS.filter((ics) => ics.wave > maxWave).slice(0, 6);
  const news =
    maxWave === 3
      ? `<p>Four more areas became integrated care systems in May 2020, joining the fourteen already working this way (three of them named in June 2019), so around half of the population of England now lives in an area covered by an integrated care system.</p>
          <p>There are now 18 integrated care systems, shown below by NHS England region:</p>`
      : `<p>Eleven more systems were designated in December 2020, serving a combined population of 14.5 million people. More than 35 million people, over 60 per cent of the population of England, now live in an area covered by an integrated care system.</p>
          <p>There are now 29 integrated care systems, shown below by NHS England region:</p>`;
  return nhsePage({
    title: 'Integrated care systems',
    bodyClass: 'page-template-default page',
    breadcrumbs: [
      ...INTEGRATED_CARE_CRUMBS,
      ['Integrated care systems', `${NHSE}/integratedcare/integrated-care-systems/`],
    ],
    related: [
      ['What are integrated care systems?', `${NHSE}/integratedcare/what-is-integrated-care/`],
      ['Sustainability and transformation partnerships', `${NHSE}/integratedcare/stps/`],
      ['Integrated care: next steps', `${NHSE}/publication/integrating-care-next-steps/`],
    ],
    body: `      <article id="post-12042" class="page type-page status-publish">
        <header class="entry-header"><h1 class="entry-title">Integrated care systems</h1></header>
        <div class="entry-content">
          <p>In an integrated care system, NHS organisations, in partnership with local councils and others, take collective responsibility for managing resources, delivering NHS standards, and improving the health of the population they serve.</p>
          ${news}
          <figure class="wp-block-image"><img src="${NHSE}/wp-content/uploads/2020/ics-map.png" alt="Map showing where the integrated care systems are within England."></figure>
          <h2>Integrated care systems by region</h2>
${systemsByRegion(designated, (ics) => ics.name)}
          <h2>Areas developing integrated care</h2>
          <p>Find out more about some of the areas that are working towards becoming an integrated care system:</p>
          <ul>
${developing.map((ics) => `            <li><a href="${ics.website}">${escapeHtml(ics.name)}</a></li>`).join('\n')}
          </ul>
          <p class="last-updated">Page last reviewed: ${maxWave === 3 ? '28 May 2020' : '8 December 2020'}</p>
        </div>
      </article>`,
  });
}

function inYourArea(year: 2021 | 2022): string {
  const intro =
    year === 2021
      ? `<p>The 42 integrated care systems (ICSs) in England bring together NHS organisations, local councils and other partners to plan and join up health and care services for the people who live and work in their area. Since 1 April 2021 every part of England has been covered by an ICS.</p>`
      : `<p>The 42 integrated care systems (ICSs) in England are partnerships of organisations that come together to plan and deliver joined up health and care services. Following the Health and Care Act 2022, each ICS has included a statutory integrated care board (ICB) since 1 July 2022, replacing clinical commissioning groups.</p>`;
  const readMore =
    year === 2021
      ? `<li><a href="${NHSE}/integratedcare/ics-independent-chairs/">More about each ICS</a></li>
            <li><a href="${NHSE}/integratedcare/how-did-we-get-here/">How did we get here?</a></li>`
      : `<li><a href="${NHSE}/integratedcare/ics-independent-chairs/">More about each ICS</a></li>
            <li><a href="${NHSE}/publication/statutory-list-of-icb-areas/">Statutory list of integrated care board (ICB) areas</a></li>
            <li><a href="${NHSE}/publication/map-of-icb-areas/">Map of ICB areas</a></li>
            <li><a href="https://www.legislation.gov.uk/uksi/2022/634/contents/made">The integrated care boards (establishment) order 2022</a></li>`;
  return nhsePage({
    title: 'Integrated care in your area',
    bodyClass: 'page-template-default page',
    breadcrumbs: [
      ...INTEGRATED_CARE_CRUMBS,
      ['Integrated care in your area', `${NHSE}/integratedcare/integrated-care-in-your-area/`],
    ],
    related: [
      ['What are integrated care systems?', `${NHSE}/integratedcare/what-is-integrated-care/`],
      ['ICS leadership', `${NHSE}/integratedcare/ics-independent-chairs/`],
    ],
    body: `      <article id="post-14512" class="page type-page status-publish">
        <header class="entry-header"><h1 class="entry-title">Integrated care in your area</h1></header>
        <div class="entry-content">
          ${intro}
          <p>Read more about systems:</p>
          <ul>
            ${readMore}
          </ul>
          <h2>${year === 2021 ? 'Integrated care systems' : 'Integrated care systems and boards'} by region</h2>
${systemsByRegion(ICSS, (ics) => (year === 2021 ? ics.name : ics.icb))}
          <h2>Map of integrated care system areas</h2>
          <figure class="wp-block-image"><img src="${NHSE}/wp-content/uploads/${year}/ics-areas-map.png" alt="Map of the 42 integrated care system areas in England"></figure>
        </div>
      </article>`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// NHS England news articles

interface Article {
  url: string;
  title: string;
  /** ISO timestamp of publication (also Last-Modified). */
  published: string;
  /** The inner HTML of the article's .entry-content. */
  content: string;
  /** Matches the discovery text pattern: listed on the news index under integrated care. */
  related: [string, string][];
}

const JOB_ADVERT = `<div class="job-advert">
            <h3>Jobs at NHS England</h3>
            <p><strong>Head of System Development – Cheshire and Merseyside and Lancashire and South Cumbria</strong>, Band 8d, Manchester. Closing date 4 weeks from publication.</p>
            <p>Cheshire and Merseyside and Lancashire and South Cumbria will become the focus of this integrated care system development role.</p>
            <p><a href="https://www.jobs.nhs.uk/xi/vacancy/916204">View this vacancy on NHS Jobs</a></p>
          </div>`;

function longDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function nhseArticle(article: Article): string {
  const related = article.related
    .map(([label, href]) => `              <li><a href="${href}">${escapeHtml(label)}</a></li>`)
    .join('\n');
  return nhsePage({
    title: article.title,
    bodyClass: 'post-template-default single single-post',
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['News', `${NHSE}/news/`],
      [article.title, article.url],
    ],
    related: [
      ['Integrated care', `${NHSE}/integratedcare/`],
      ['Press office contacts', `${NHSE}/contact-us/press-office/`],
    ],
    body: `      <article class="post type-post status-publish format-standard">
        <header class="entry-header">
          <h1 class="entry-title">${escapeHtml(article.title)}</h1>
          <p class="published">Published <time datetime="${article.published.slice(0, 10)}">${longDate(article.published)}</time></p>
        </header>
        <div class="entry-content">
${article.content}
          <div class="related-news">
            <h2>Related news</h2>
            <p>Greater Manchester and Dorset will become case studies in our series on integrated care systems.</p>
            <ul>
${related}
            </ul>
          </div>
          ${JOB_ADVERT}
          <div class="share"><p>Share this page: <a href="https://twitter.com/intent/tweet?url=${encodeURIComponent(article.url)}">Twitter</a> <a href="https://www.linkedin.com/shareArticle?url=${encodeURIComponent(article.url)}">LinkedIn</a></p></div>
        </div>
      </article>`,
  });
}

const A2017: Article = {
  url: `${NHSE}/2017/06/nhs-england-names-first-shadow-accountable-care-systems/`,
  title: 'NHS England names the first shadow accountable care systems',
  published: '2017-06-15T11:30:00Z',
  related: [
    ['New care models: vanguards lead the way', `${NHSE}/2017/03/new-care-models-vanguards-lead-the-way/`],
    [
      'Next steps on the NHS Five Year Forward View',
      `${NHSE}/2017/03/next-steps-on-the-nhs-five-year-forward-view/`,
    ],
  ],
  content: `          <p>Eight parts of England will lead the country in joining up health and care for their populations, NHS England chief executive Simon Stevens told the NHS Confederation conference in Liverpool today.</p>
          <p>The eight areas that will become the first shadow accountable care systems are:</p>
          <ul>
            <li>Frimley Health and Care</li>
            <li>South Yorkshire and Bassetlaw</li>
            <li><strong>Nottinghamshire</strong>, with an early focus on Greater Nottingham and Rushcliffe</li>
            <li><strong>Blackpool and Fylde Coast</strong>, part of the Lancashire and South Cumbria partnership</li>
            <li>Dorset</li>
            <li>Luton with Milton Keynes and Bedfordshire</li>
            <li>Berkshire West</li>
            <li>Buckinghamshire</li>
          </ul>
          <p>The two areas with health and care devolution agreements will join them as shadow accountable care systems:</p>
          <ul>
            <li>Greater Manchester</li>
            <li>Surrey Heartlands</li>
          </ul>
          <p>Excluding Greater Manchester, whose devolved health and social care budget took effect in April 2016, the areas will serve around seven million people.</p>
          <p>An accountable care system is an evolved form of sustainability and transformation partnership in which commissioners and providers, working closely with local councils, take shared responsibility for the money they spend and the health of the people they look after.</p>
          <p>“What these places have in common is a willingness to take on more responsibility in return for more control,” said Simon Stevens. “We have seen in Northumberland and in the Fylde Coast vanguard what joined-up care can do.”</p>
          <p>Other partnerships, including Cheshire and Merseyside and Kent and Medway, are expected to follow as their plans mature.</p>`,
};

const A2018: Article = {
  url: `${NHSE}/2018/05/four-more-areas-join-integrated-care-system-programme/`,
  title: 'Four more areas join the integrated care system programme',
  published: '2018-05-24T13:00:00Z',
  related: [
    ['NHS England names the first shadow accountable care systems', A2017.url],
    ['Joint board meeting of NHS England and NHS Improvement', `${NHSE}/2018/05/joint-board-meeting/`],
  ],
  content: `          <p>Four more parts of England will join the integrated care system development programme in shadow form immediately, NHS England and NHS Improvement confirmed at their first joint board meeting today.</p>
          <p>The areas joining as integrated care systems are: Gloucestershire; Suffolk and North East Essex; West, North and East Cumbria; and West Yorkshire and Harrogate.</p>
          <p>They join the ten areas that began work as shadow accountable care systems last year: Frimley, South Yorkshire and Bassetlaw, Nottinghamshire, Blackpool and Fylde Coast, Dorset, Bedfordshire, Luton and Milton Keynes, Berkshire West, Buckinghamshire, Greater Manchester and Surrey Heartlands.</p>
          <p>This brings the number of integrated care systems to 14, which between them serve around one in six people in England.</p>
          <p>West Yorkshire and Harrogate alone is home to 2.6 million people.</p>
          <p>Integrated care systems are partnerships in which NHS commissioners and providers, working with local councils, take collective responsibility for managing resources and improving the health of the population they serve.</p>
          <p>“Cumbria has shown what can be done when hospitals, GPs and community services plan together,” said Ian Dalton, chief executive of NHS Improvement. “We want Devon and Somerset to see the same benefits soon.”</p>`,
};

const A2019: Article = {
  url: `${NHSE}/2019/06/three-more-areas-to-become-integrated-care-systems/`,
  title: 'Three more areas to become integrated care systems',
  published: '2019-06-19T10:15:00Z',
  related: [
    ['Four more areas join the integrated care system programme', A2018.url],
    ['The NHS Long Term Plan', `${NHSE}/2019/01/nhs-long-term-plan-launched/`],
  ],
  content: `          <p>Three more parts of the country will become integrated care systems, NHS England chief executive Simon Stevens told the NHS Confederation's annual conference in Manchester today.</p>
          <p>The following areas will operate as integrated care systems from this month:</p>
          <ol>
            <li><strong>Buckinghamshire, Oxfordshire and Berkshire West</strong> – bringing together the Buckinghamshire and Berkshire West systems</li>
            <li><strong>North East and North Cumbria</strong> – which takes in the West, North and East Cumbria system named last year</li>
            <li><strong>South East London</strong> – the first integrated care system in the capital</li>
          </ol>
          <p>Around 1.8 million people live in Buckinghamshire, Oxfordshire and Berkshire West, just over three million in North East and North Cumbria and 1.9 million in South East London.</p>
          <p>With the three additions, 14 integrated care systems are now in place, and 21 million people, more than a third of the country's population, are served by one.</p>
          <p>“South East London shows that the model works in a big city as well as in Greater Manchester or Dorset,” said Simon Stevens.</p>
          <p>Other systems in London, including North West London and North Central London, are working towards integrated care system status.</p>`,
};

const A2020MAY: Article = {
  url: `${NHSE}/2020/05/four-more-areas-designated-as-integrated-care-systems/`,
  title: 'Four more areas designated as integrated care systems',
  published: '2020-05-28T09:00:00Z',
  related: [
    ['Three more areas to become integrated care systems', A2019.url],
    [
      'NHS sets out second phase of the COVID-19 response',
      `${NHSE}/2020/04/second-phase-of-nhs-response-to-covid-19/`,
    ],
  ],
  content: `          <p>Four more areas have been designated as integrated care systems (ICSs), NHS England and NHS Improvement confirmed today, meaning around half of the country's population is now covered by an ICS.</p>
          <p>The four newly designated integrated care systems are:</p>
          <ul>
            <li>Hertfordshire and West Essex</li>
            <li>Humber, Coast and Vale</li>
            <li>South West London</li>
            <li><strong>Sussex</strong>, formerly Sussex and East Surrey, whose East Surrey area has moved to Surrey Heartlands</li>
          </ul>
          <p>There are now 18 integrated care systems in England.</p>
          <p>The four new systems cover a combined population of around six million people.</p>
          <p>“Partners in Sussex and in the Humber have worked together throughout the pandemic,” said Amanda Pritchard, chief operating officer of NHS England and NHS Improvement.</p>
          <p>Areas including Cheshire and Merseyside, Kent and Medway and Devon are working towards becoming integrated care systems.</p>`,
};

const A2020DEC: Article = {
  url: `${NHSE}/2020/12/nhs-chief-confirms-11-new-integrated-care-systems-serving-14-million-people/`,
  title: 'NHS chief confirms 11 new integrated care systems serving 14 million people',
  published: '2020-12-08T10:00:00Z',
  related: [
    [
      'NHS sets out next steps for integrated care',
      `${NHSE}/2020/11/nhs-sets-out-next-steps-for-integrated-care/`,
    ],
    ['Four more areas designated as integrated care systems', A2020MAY.url],
  ],
  content: `          <p>NHS chief executive Sir Simon Stevens has confirmed that 11 more parts of England will be formally designated as integrated care systems (ICSs) from December 2020, serving a combined population of 14.5 million people.</p>
          <p>In all, there are now 29 ICSs covering more than 35 million people in England, more than 60 per cent of the population.</p>
          <p>In London, three more systems – North West London, North Central London and North East London – will become ICSs, together serving around six million people.</p>
          <p>In the South West, four ICSs have been designated: Bath and North East Somerset, Swindon and Wiltshire; Bristol, North Somerset and South Gloucestershire; Cornwall and the Isles of Scilly; and Somerset, serving a further three million people.</p>
          <p>Elsewhere, the following systems will also become ICSs:</p>
          <ul>
            <li>Norfolk and Waveney</li>
            <li>Birmingham and Solihull</li>
            <li><strong>Derbyshire</strong> (Joined Up Care Derbyshire)</li>
            <li>Hampshire and the Isle of Wight</li>
          </ul>
          <p>The remaining 13 areas are expected to achieve designation by April 2021.</p>
          <p>Sir Simon made the announcement at an online event for NHS trust leaders.</p>
          <p>“The last year has shown what health and care partners can achieve together, from Cornwall to Cumbria,” said Sir Simon. “We will build on the integrated care systems designated first: Frimley, Dorset and Surrey Heartlands, and on what Greater Manchester has shown since its devolution deal.”</p>
          <p>ICSs are partnerships in which NHS organisations and local councils take on greater shared responsibility for planning services and improving the health of the people they serve.</p>`,
};

const A2020NOV: Article = {
  url: `${NHSE}/2020/11/nhs-sets-out-next-steps-for-integrated-care/`,
  title: 'NHS sets out next steps for integrated care',
  published: '2020-11-26T09:30:00Z',
  related: [['Four more areas designated as integrated care systems', A2020MAY.url]],
  content: `          <p>NHS England has today published proposals to give integrated care systems (ICSs) a firmer footing in law, and is inviting views from patients, staff and partners until 8 January 2021.</p>
          <p>The document, Integrating care: next steps to building strong and effective integrated care systems across England, sets out two options for how systems could be established as statutory bodies.</p>
          <p>Under either option, commissioning functions currently held by clinical commissioning groups would move to the system level, and NHS England expects every part of the country to be served by an ICS by April 2021.</p>
          <p>“Systems such as South Yorkshire and Bassetlaw and Frimley have shown how much can be done together,” said Amanda Pritchard.</p>
          <p>Responses can be submitted through the online survey.</p>`,
};

const A2021MAR: Article = {
  url: `${NHSE}/2021/03/final-13-integrated-care-systems-confirmed-covering-all-of-england/`,
  title: 'Final 13 integrated care systems confirmed, covering all of England',
  published: '2021-03-19T12:00:00Z',
  related: [
    ['NHS chief confirms 11 new integrated care systems serving 14 million people', A2020DEC.url],
    ['NHS sets out next steps for integrated care', A2020NOV.url],
  ],
  content: `          <p>The final 13 areas of England will become integrated care systems from 1 April 2021, serving 14.9 million people, NHS England has confirmed.</p>
          <p>It means 42 integrated care systems will be in place, covering all of England.</p>
          <p>The 13 systems that will become ICSs are:</p>
          <ul>
            <li><strong>Cheshire and Merseyside</strong> (North West)</li>
            <li><strong>Devon</strong> (South West)</li>
            <li><strong>Kent and Medway</strong> (South East)</li>
            <li><strong>The Black Country and West Birmingham</strong> (Midlands)</li>
            <li><strong>Coventry and Warwickshire</strong> (Midlands)</li>
            <li><strong>Herefordshire and Worcestershire</strong> (Midlands)</li>
            <li><strong>Leicester, Leicestershire and Rutland</strong> (Midlands)</li>
            <li><strong>Lincolnshire</strong> (Midlands)</li>
            <li><strong>Northamptonshire</strong> (Midlands)</li>
            <li><strong>Shropshire, Telford and Wrekin</strong> (Midlands)</li>
            <li><strong>Staffordshire and Stoke-on-Trent</strong> (Midlands)</li>
            <li><strong>Cambridgeshire and Peterborough</strong> (East of England)</li>
            <li><strong>Mid and South Essex</strong> (East of England)</li>
          </ul>
          <p>The 29 systems already designated, which include Greater Manchester, Frimley and South East London, will continue to support their neighbours.</p>
          <p>“Every community in England now has an integrated care system working for it, from Northumberland to Devon,” said Amanda Pritchard, chief operating officer.</p>`,
};

const A2022JUL: Article = {
  url: `${NHSE}/2022/07/integrated-care-boards-take-on-statutory-responsibilities/`,
  title: 'Integrated care boards take on statutory responsibilities',
  published: '2022-07-01T08:00:00Z',
  related: [['Final 13 integrated care systems confirmed, covering all of England', A2021MAR.url]],
  content: `          <p>Forty-two integrated care boards (ICBs) took on their statutory duties today as the Health and Care Act 2022 came into force, with each ICB at the heart of one of England's 42 integrated care systems.</p>
          <p>The 106 clinical commissioning groups have closed, and their areas continue as sub-ICB locations within the new boards.</p>
          <p>Each ICB is responsible for planning NHS services and managing the NHS budget for its population, working with local councils through an integrated care partnership.</p>
          <p>“Today marks the start of a new chapter for the NHS in Lancashire and South Cumbria and right across the country,” said Amanda Pritchard, NHS chief executive.</p>`,
};

const UNRELATED_NHSE: [string, string, string][] = [
  ['2020-10', 'record-numbers-get-their-flu-vaccination', 'Record numbers get their flu vaccination'],
  [
    '2020-11',
    'nhs-urges-people-not-to-put-off-cancer-checks',
    'NHS urges people not to put off cancer checks',
  ],
  [
    '2021-03',
    'nhs-covid-vaccination-programme-reaches-25-million',
    'NHS COVID vaccination programme reaches 25 million people',
  ],
  ['2020-06', 'nhs-111-online-helps-millions', 'NHS 111 online helps millions during the pandemic'],
  [
    '2022-06',
    'nhs-launches-new-cancer-checks-in-supermarket-car-parks',
    'NHS launches lung cancer checks in supermarket car parks',
  ],
];

function newsIndex(snapshotDate: string, articles: Article[]): string {
  const unrelated = UNRELATED_NHSE.filter(([month]) => `${month}-01` <= snapshotDate).map(
    ([month, slug, title]) => ({
      url: `${NHSE}/${month.replace('-', '/')}/${slug}/`,
      title,
      published: `${month}-12T09:00:00Z`,
    }),
  );
  const items = [...articles, ...unrelated]
    .filter((item) => item.published.slice(0, 10) <= snapshotDate)
    .sort((a, b) => b.published.localeCompare(a.published))
    .map(
      (item) => `          <li class="news-item">
            <h2 class="news-item__title"><a href="${item.url}">${escapeHtml(item.title)}</a></h2>
            <p class="news-item__date"><time datetime="${item.published.slice(0, 10)}">${longDate(item.published)}</time></p>
          </li>`,
    )
    .join('\n');
  return nhsePage({
    title: 'News',
    bodyClass: 'blog',
    breadcrumbs: [
      ['Home', `${NHSE}/`],
      ['News', `${NHSE}/news/`],
    ],
    related: [
      ['Press office contacts', `${NHSE}/contact-us/press-office/`],
      ['Blogs', `${NHSE}/blog/`],
    ],
    body: `      <article class="page type-page">
        <header class="entry-header"><h1 class="entry-title">News</h1></header>
        <div class="entry-content">
          <p>The latest news and press releases from NHS England. Journalists can contact the press office on 0113 825 0958.</p>
          <ul class="news-list">
${items}
          </ul>
          <nav class="pagination" aria-label="More news"><a href="${NHSE}/news/page/2/">Older news</a></nav>
        </div>
      </article>`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Healthcare Leader (trade press): its own, non-WordPress markup

interface Story {
  url: string;
  title: string;
  published: string;
  author: string;
  standfirst: string;
  body: string;
}

function hlPage(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} | Healthcare Leader</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="${HL}/assets/app.7f3c2a.css">
</head>
<body class="hl-site">
<div class="consent-bar" data-consent="pending"><p>We use cookies to personalise content and ads and to analyse our traffic. <a href="${HL}/cookie-policy/">Manage preferences</a> <button class="consent-bar__accept">Accept all</button></p></div>
<div class="leaderboard ad-slot" data-ad-unit="/21799830/hl/leaderboard">Advertisement</div>
<header class="masthead">
  <a class="masthead__brand" href="${HL}/">Healthcare Leader</a>
  <ul class="masthead__menu">
    <li><a href="${HL}/news/">News</a></li>
    <li><a href="${HL}/analysis/">Analysis</a></li>
    <li><a href="${HL}/integrated-care/">Integrated care</a></li>
    <li><a href="${HL}/events/">Events</a></li>
    <li><a href="${HL}/subscribe/">Subscribe</a></li>
  </ul>
</header>
<div class="layout">
<main class="layout__main">
${main}
</main>
<div class="layout__rail">
  <section class="newsletter-signup"><h3>Get the Healthcare Leader newsletter</h3><form action="${HL}/newsletter/" method="post"><input type="email" name="email" placeholder="Your work email"><button>Sign up</button></form></section>
  <div class="mpu ad-slot" data-ad-unit="/21799830/hl/mpu">Advertisement</div>
  <section class="job-board"><h3>Healthcare Leader jobs</h3>
    <ul>
      <li><a href="${HL}/jobs/director-of-strategy-north-east-and-north-cumbria/">Director of Strategy – North East and North Cumbria ICS</a><span>£95,000 – £105,000</span></li>
      <li><a href="${HL}/jobs/head-of-primary-care-somerset/">Head of Primary Care – Somerset</a><span>Band 8c</span></li>
      <li><a href="${HL}/jobs/pcn-clinical-director-kent/">PCN Clinical Director – Kent and Medway</a><span>Sessional</span></li>
    </ul>
  </section>
</div>
</div>
<footer class="site-foot"><p>Healthcare Leader is published by Cogora. <a href="${HL}/about/">About</a> <a href="${HL}/privacy/">Privacy</a> <a href="${HL}/contact/">Contact</a></p></footer>
</body>
</html>
`;
}

function hlStory(story: Story): string {
  return hlPage(
    story.title,
    `<div class="story" itemscope itemtype="https://schema.org/NewsArticle">
  <div class="story__head">
    <p class="story__section"><a href="${HL}/integrated-care/">Integrated care</a></p>
    <h1 class="story__title" itemprop="headline">${escapeHtml(story.title)}</h1>
    <p class="story__standfirst">${escapeHtml(story.standfirst)}</p>
    <p class="story__meta">By <span itemprop="author">${escapeHtml(story.author)}</span> · <span class="story__date" itemprop="datePublished" content="${story.published}">${longDate(story.published)}</span></p>
  </div>
  <div class="story__body" itemprop="articleBody">
${story.body}
  </div>
  <div class="story__tags"><a href="${HL}/tag/ics/">ICS</a> <a href="${HL}/tag/nhs-england/">NHS England</a></div>
  <section class="more-stories related-stories"><h3>More on integrated care</h3>
    <ul><li><a href="${HL}/news/kent-and-medway-sets-out-ics-ambitions/">Kent and Medway sets out ICS ambitions</a></li></ul>
  </section>
</div>`,
  );
}

const HL_DEC: Story = {
  url: `${HL}/news/nhs-england-confirms-11-new-integrated-care-systems/`,
  title: 'NHS England confirms 11 new integrated care systems',
  published: '2020-12-08T15:20:00Z',
  author: 'Costanza Pearce',
  standfirst: 'The new systems will cover 14.5 million people, leaving 13 areas still to be designated.',
  body: `    <p>Eleven more areas of England will become integrated care systems (ICSs) from 1 April 2021, NHS England has announced.</p>
    <p>The new systems will serve a combined population of 14.5 million people.</p>
    <div class="ad-slot inline-ad">Advertisement | Story continues below</div>
    <p>There are now 29 ICSs in England, covering more than 35 million people – more than 60 per cent of the population.</p>
    <p>The 11 areas that will become ICSs are:</p>
    <ol>
      <li>North West London</li>
      <li>North Central London</li>
      <li>North East London</li>
      <li>Bath and North East Somerset, Swindon and Wiltshire</li>
      <li>Bristol, North Somerset and South Gloucestershire</li>
      <li>Cornwall and Isles of Scilly</li>
      <li>Somerset</li>
      <li>Norfolk and Waveney</li>
      <li>Birmingham and Solihull</li>
      <li>Derbyshire</li>
      <li>Hampshire and Isle of Wight</li>
    </ol>
    <p>Each of the 11 has shown NHS England that its partners share a plan for improving care, backed by sound finances and agreed leadership arrangements.</p>
    <p>“Local partners from Norfolk to Cornwall have risen to the challenge of the pandemic together,” an NHS England spokesperson said.</p>
    <p>Greater Manchester, which has held devolved health and social care budgets since 2016, was among the first areas to work in this way.</p>`,
};

const HL_WHITE_PAPER: Story = {
  url: `${HL}/news/white-paper-puts-icss-on-a-statutory-footing/`,
  title: 'White paper puts ICSs on a statutory footing',
  published: '2021-02-11T17:00:00Z',
  author: 'Jess Hacker',
  standfirst:
    'CCGs will be abolished and their duties passed to integrated care system bodies under government plans.',
  body: `    <p>Integrated care systems (ICSs) would become statutory bodies under plans set out in the Government's health and care white paper published today.</p>
    <p>Clinical commissioning groups would be abolished, with their commissioning functions taken on by ICS NHS bodies from April 2022, subject to parliament.</p>
    <div class="ad-slot inline-ad">Advertisement | Story continues below</div>
    <p>“This is the moment to lock in the collaboration we have seen in places like Frimley and Dorset,” said one ICS leader.</p>`,
};

const HL_MAR: Story = {
  url: `${HL}/news/final-13-areas-to-become-icss-from-april/`,
  title: 'Final 13 areas to become ICSs from April',
  published: '2021-03-23T11:45:00Z',
  author: 'Costanza Pearce',
  standfirst: 'Every part of England will be covered by an integrated care system from next month.',
  body: `    <p>The last 13 parts of England will become integrated care systems on 1 April 2021, meaning every part of the country will be covered by an ICS.</p>
    <p>Together the 13 systems serve 14.9 million people.</p>
    <div class="ad-slot inline-ad">Advertisement | Story continues below</div>
    <p>The 13 areas to become ICSs are:</p>
    <ul>
      <li>Cambridgeshire and Peterborough</li>
      <li>Mid and South Essex</li>
      <li>The Black Country and West Birmingham</li>
      <li>Herefordshire and Worcestershire</li>
      <li>Northamptonshire</li>
      <li>Coventry and Warwickshire</li>
      <li>Leicester, Leicestershire and Rutland</li>
      <li>Lincolnshire</li>
      <li>Shropshire, Telford and Wrekin</li>
      <li>Staffordshire and Stoke-on-Trent</li>
      <li>Cheshire and Merseyside</li>
      <li>Kent and Medway</li>
      <li>Devon</li>
    </ul>
    <p>They follow the 11 systems confirmed in December, including North West London and Somerset.</p>
    <p>A spokesperson for the Staffordshire partnership said the county would become an integrated care system alongside “our neighbours: Shropshire, Telford and Wrekin; Birmingham and Solihull; and the Black Country”.</p>`,
};

const UNRELATED_HL: [string, string, string][] = [
  [
    '2020-05-20',
    'gp-practices-asked-to-keep-remote-consultations',
    'GP practices asked to keep remote consultations',
  ],
  [
    '2020-11-30',
    'pharmacists-to-support-flu-vaccination-drive',
    'Pharmacists to support flu vaccination drive',
  ],
  ['2021-03-30', 'pcns-given-more-time-for-enhanced-access', 'PCNs given more time to plan enhanced access'],
  ['2022-07-12', 'practices-warned-over-summer-staffing-gaps', 'Practices warned over summer staffing gaps'],
];

function hlIndex(snapshotDate: string, stories: Story[]): string {
  const cards = [
    ...stories,
    ...UNRELATED_HL.map(([date, slug, title]) => ({
      url: `${HL}/news/${slug}/`,
      title,
      published: `${date}T09:00:00Z`,
      standfirst: '',
    })),
  ]
    .filter((story) => story.published.slice(0, 10) <= snapshotDate)
    .sort((a, b) => b.published.localeCompare(a.published))
    .map(
      (story) => `  <article class="story-card">
    <h2 class="story-card__title"><a href="${story.url}">${escapeHtml(story.title)}</a></h2>
    <p class="story-card__date">${longDate(story.published)}</p>
  </article>`,
    )
    .join('\n');
  return hlPage(
    'News',
    `<h1 class="section-title">News</h1>
<section class="story-list">
${cards}
</section>
<div class="ad-slot inline-ad">Advertisement</div>
<p class="pager"><a href="${HL}/news/page/2/">More news</a></p>`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Writing the snapshots

const httpDate = (iso: string) => new Date(iso).toUTCString();

function pathFor(url: string): string {
  const { hostname, pathname } = new URL(url);
  return `files/${hostname}${pathname}index.html`;
}

class SnapshotWriter {
  readonly resources = new Map<string, SnapshotResource[]>();
  constructor(readonly date: string) {}

  page(sourceId: string, url: string, html: string, lastModifiedIso: string, note: string): void {
    if (lastModifiedIso.slice(0, 10) > this.date) throw new Error(`${url}: Last-Modified after ${this.date}`);
    const file = pathFor(url);
    const target = join(SNAPSHOTS, this.date, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, html);
    this.add(sourceId, {
      url,
      file,
      status: 200,
      contentType: 'text/html; charset=utf-8',
      lastModified: httpDate(lastModifiedIso),
      origin: 'written',
      note,
    });
  }

  redirect(sourceId: string, url: string, location: string, note: string): void {
    this.add(sourceId, { url, status: 302, location, origin: 'written', note });
  }

  private add(sourceId: string, resource: SnapshotResource): void {
    const list = this.resources.get(sourceId) ?? [];
    list.push(resource);
    this.resources.set(sourceId, list);
  }

  flush(): void {
    for (const [sourceId, list] of this.resources) {
      const target = join(SNAPSHOTS, this.date, 'resources', `${sourceId}.json`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${JSON.stringify(list, null, 2)}\n`);
    }
  }
}

const IN_YOUR_AREA = `${NHSE}/integratedcare/integrated-care-in-your-area/`;
const ICS_2020 = `${NHSE}/integratedcare/integrated-care-systems/`;
const NEWS = `${NHSE}/news/`;
const HL_NEWS = `${HL}/news/`;
const ARTICLE_NOTE =
  'Written for the snapshot: NHS England news item carrying the real facts of the wave (../shared/data/09a_ics_designation_waves.csv); prose is our own.';
const STORY_NOTE =
  'Written for the snapshot in trade-press style; carries the facts reported by Healthcare Leader (09a), prose is our own.';

interface SnapshotPlan {
  date: string;
  listing: { html: string; modified: string; era: 2020 | 2021 };
  articles: Article[];
  stories: Story[];
  indexModified: string;
}

const PLANS: SnapshotPlan[] = [
  {
    date: '2020-06-15',
    listing: { html: listing2020(3), modified: '2020-05-28T14:00:00Z', era: 2020 },
    articles: [A2017, A2018, A2019, A2020MAY],
    stories: [],
    indexModified: '2020-06-12T16:00:00Z',
  },
  {
    date: '2020-12-14',
    listing: { html: listing2020(4), modified: '2020-12-08T16:00:00Z', era: 2020 },
    articles: [A2017, A2018, A2019, A2020MAY, A2020NOV, A2020DEC],
    stories: [HL_DEC],
    indexModified: '2020-12-11T16:00:00Z',
  },
  {
    date: '2021-04-12',
    listing: { html: inYourArea(2021), modified: '2021-04-01T09:00:00Z', era: 2021 },
    articles: [A2017, A2018, A2019, A2020MAY, A2020NOV, A2020DEC, A2021MAR],
    stories: [HL_DEC, HL_WHITE_PAPER, HL_MAR],
    indexModified: '2021-04-09T16:00:00Z',
  },
  {
    date: '2022-07-20',
    listing: { html: inYourArea(2022), modified: '2022-07-01T09:00:00Z', era: 2021 },
    articles: [A2017, A2018, A2019, A2020MAY, A2020NOV, A2020DEC, A2021MAR, A2022JUL],
    stories: [HL_DEC, HL_WHITE_PAPER, HL_MAR],
    indexModified: '2022-07-15T16:00:00Z',
  },
];

for (const plan of PLANS.filter((candidate) => wantsDate(options, candidate.date))) {
  const writer = new SnapshotWriter(plan.date);
  if (plan.listing.era === 2020) {
    writer.redirect(
      'nhse-ics-list',
      IN_YOUR_AREA,
      ICS_2020,
      'In 2020 the "integrated care in your area" address forwarded to the integrated care systems page.',
    );
    writer.page(
      'nhse-ics-list',
      ICS_2020,
      plan.listing.html,
      plan.listing.modified,
      'Written for the snapshot: the 2020-era integrated care systems page, ICSs by region (09b).',
    );
  } else {
    writer.page(
      'nhse-ics-list',
      IN_YOUR_AREA,
      plan.listing.html,
      plan.listing.modified,
      'Written for the snapshot: all 42 ICSs under the seven region headings (09b, 01).',
    );
  }
  writer.page(
    'nhse-news',
    NEWS,
    newsIndex(plan.date, plan.articles),
    plan.indexModified,
    'Written for the snapshot: news index with ICS announcements and unrelated items.',
  );
  for (const article of plan.articles) {
    writer.page('nhse-news', article.url, nhseArticle(article), article.published, ARTICLE_NOTE);
  }
  writer.page(
    'trade-press',
    HL_NEWS,
    hlIndex(plan.date, plan.stories),
    plan.indexModified,
    'Written for the snapshot: trade-press news index (non-WordPress markup).',
  );
  for (const story of plan.stories) {
    writer.page('trade-press', story.url, hlStory(story), story.published, STORY_NOTE);
  }
  writer.flush();
}

// The 2023-2026 snapshots: their own pages, plus every 2017-2022 article and story again with the same bytes.
const eraFacts = loadEraFacts(resolve(options.positionals[0] ?? '/work/shared/data'));
const LEGACY_ARTICLES = [A2017, A2018, A2019, A2020MAY, A2020NOV, A2020DEC, A2021MAR, A2022JUL];
const LEGACY_STORIES = [HL_DEC, HL_WHITE_PAPER, HL_MAR];
const ERA_PLANS = eraHtmlPlans(eraFacts, {
  legacyNhse: LEGACY_ARTICLES,
  legacyHl: LEGACY_STORIES,
  websiteByIcbName: new Map(ICSS.map((ics) => [ics.icb, ics.website])),
});
for (const plan of ERA_PLANS.filter((candidate) => wantsDate(options, candidate.date))) {
  const writer = new SnapshotWriter(plan.date);
  for (const page of plan.pages) writer.page(page.sourceId, page.url, page.html, page.modified, page.note);
  for (const article of LEGACY_ARTICLES) {
    writer.page('nhse-news', article.url, nhseArticle(article), article.published, ARTICLE_NOTE);
  }
  for (const story of LEGACY_STORIES) {
    writer.page('trade-press', story.url, hlStory(story), story.published, STORY_NOTE);
  }
  writer.flush();
  writeFileSync(join(SNAPSHOTS, plan.date, 'manifest.json'), eraManifestJson(plan.date));
}

// Expected listing-parser output, derived from the facts table above (never from running the parser): each
// region's designated systems in page order, with the name and link as published. Only refreshed when writing
// the repository's own snapshots (never into a staging folder).
const LISTING_GOLDEN = join(
  REPOSITORY_SNAPSHOTS,
  '..',
  'tests',
  'fixtures',
  'announcements',
  'listing-golden',
);
if (options.isRepositoryRoot) mkdirSync(LISTING_GOLDEN, { recursive: true });
for (const [date, url, title, total, maxWave, label] of [
  ['2020-06-15', ICS_2020, 'Integrated care systems', 18, 3, (ics: Ics) => ics.name],
  ['2020-12-14', ICS_2020, 'Integrated care systems', 29, 4, (ics: Ics) => ics.name],
  ['2021-04-12', IN_YOUR_AREA, 'Integrated care in your area', 42, 5, (ics: Ics) => ics.name],
  ['2022-07-20', IN_YOUR_AREA, 'Integrated care in your area', 42, 5, (ics: Ics) => ics.icb],
] as const) {
  const entries = REGIONS.flatMap((region) =>
    ICSS.filter((ics) => ics.region === region && ics.wave <= maxWave).map((ics) => ({
      region,
      name_as_published: label(ics),
      href: ics.website,
      evidence: label(ics),
    })),
  );
  if (!options.isRepositoryRoot || !wantsDate(options, date)) continue;
  writeFileSync(
    join(LISTING_GOLDEN, `${date}.golden.json`),
    `${JSON.stringify({ url, title, stated_total: total, entries }, null, 2)}\n`,
  );
}
