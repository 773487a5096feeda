import type { DatasetDefinition } from '../core/dataset.ts';
import { coverageChartSvg, type RegionSeries, regionPopulationChartSvg } from './catalog-charts.ts';
import type { DatedFigure, IcsEntry } from './catalog-ics.ts';
import { escapeHtml, formatNumber, lakeHref, linkOrText, urlLink } from './catalog-text.ts';
import { versionCitation } from './citation.ts';
import { type Column, datasetColumns } from './columns.ts';
import type { DataSource } from './datapackage.ts';
import { OGL_V3 } from './datapackage.ts';
import { fileKey, type Manifest } from './manifest.ts';
import type { Row } from './rows.ts';
import type { VersionSummary } from './version-summaries.ts';

/** Everything the catalog page shows; built from the lake by `publishCatalog`, or directly in tests. */
export interface CatalogContent {
  asOf: string;
  /** Each dataset's latest manifest and a summary of every version, oldest first (the latest's among them). */
  datasets: { definition: DatasetDefinition; latest: Manifest; history: VersionSummary[] }[];
  sources: readonly DataSource[];
  coverage: readonly Row[];
  claims: readonly Row[];
  /** The ICSs that exist on the lake's date, with their newest populations. */
  ics: readonly IcsEntry[];
  /** GP-registered patients by region over time, and which basis ("rebased" or "as_published") they use. */
  regions: { basis: string; series: readonly RegionSeries[] };
}

/** The change feeds, relative to the lake root (lib/feed/feed-files.ts writes them). */
export const FEEDS = {
  atom: { href: 'feed/atom.xml', type: 'application/atom+xml', title: 'ics-lake changes (Atom)' },
  json: { href: 'feed/feed.json', type: 'application/feed+json', title: 'ics-lake changes (JSON Feed)' },
} as const;

/** A table inside its own scrolling box, so a wide table never widens the page. */
function scrollTable(label: string, table: string): string {
  return `<div class="table-scroll" role="region" aria-label="${escapeHtml(label)}" tabindex="0">${table}</div>`;
}

function figureCell(figure: DatedFigure | undefined, missing: string): string {
  if (figure === undefined) return `<td class="num muted">${escapeHtml(missing)}</td>`;
  return `<td class="num">${escapeHtml(formatNumber(figure.value))} <span class="muted">(${escapeHtml(figure.date)})</span></td>`;
}

function icsSection(content: CatalogContent): string {
  const date = content.asOf.slice(0, 10);
  if (content.ics.length === 0) return '';
  const rows = content.ics
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(entry.name)}</td><td><code>${escapeHtml(entry.code)}</code></td><td>${escapeHtml(entry.region)}</td><td>${escapeHtml(entry.status.toUpperCase())}</td><td>${escapeHtml(entry.designatedFrom ?? '—')}</td><td>${escapeHtml(entry.statutoryFrom ?? '—')}</td>${figureCell(entry.registered, 'not published')}${figureCell(entry.ons, 'no estimate on this footprint')}</tr>`,
    )
    .join('');
  const total = (pick: (entry: IcsEntry) => DatedFigure | undefined) =>
    content.ics.reduce((sum, entry) => sum + (pick(entry)?.value ?? 0), 0);
  const table = `<table id="ics-table"><caption>${content.ics.length} bodies on ${escapeHtml(date)}</caption><thead><tr><th scope="col">Name</th><th scope="col">ODS code</th><th scope="col">Region</th><th scope="col">Status</th><th scope="col">Designated as ICS</th><th scope="col">Statutory ICB from</th><th scope="col">GP-registered patients (date)</th><th scope="col">ONS mid-year estimate (date)</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th scope="row" colspan="6">Total of the figures shown</th><td class="num">${formatNumber(total((entry) => entry.registered))}</td><td class="num">${formatNumber(total((entry) => entry.ons))}</td></tr></tfoot></table>`;
  return `<section id="ics">
<h2>The ICSs on ${escapeHtml(date)}</h2>
<p>Every body in the <a href="#dataset-ics"><code>ics</code></a> dataset that exists on the lake's date (its <code>valid_from</code> and <code>valid_to</code>), with its newest whole-population figures from <a href="#dataset-ics_population"><code>ics_population</code></a> (all ages, both sexes; the date in brackets is the figure's reference date). ONS estimates are published on older footprints only, so a body established later has none.</p>
${scrollTable('ICSs and their populations', table)}
</section>`;
}

function regionSection(regions: CatalogContent['regions']): string {
  if (regions.series.length === 0) return '';
  const measure =
    regions.basis === 'rebased'
      ? "GP-registered patients, re-based onto today's ICB footprints"
      : 'GP-registered patients, as published';
  const legend = regions.series
    .map(
      (entry, index) =>
        `<li><span class="swatch series-${index % 8}" aria-hidden="true"></span>${escapeHtml(entry.region)}</li>`,
    )
    .join('');
  const dates = [
    ...new Set(regions.series.flatMap((entry) => entry.points.map((point) => point.date))),
  ].sort();
  const rows = regions.series
    .map((entry) => {
      const byDate = new Map(entry.points.map((point) => [point.date, point.value]));
      return `<tr><th scope="row">${escapeHtml(entry.region)}</th>${dates.map((date) => `<td class="num">${formatNumber(byDate.get(date))}</td>`).join('')}</tr>`;
    })
    .join('');
  const table = `<table><thead><tr><th scope="col">Region</th>${dates.map((date) => `<th scope="col">${escapeHtml(date)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  return `<section id="population-by-region">
<h2>Population by region over time</h2>
<figure>${regionPopulationChartSvg(regions.series, measure)}<figcaption>${escapeHtml(measure)}, summed by NHS England region.</figcaption></figure>
<ul class="legend">${legend}</ul>
<details><summary>The figures as a table</summary>${scrollTable('Population by region', table)}</details>
</section>`;
}

function columnType(column: Column): string {
  const base = column.kind === 'array' ? `list of ${column.items ?? 'string'}` : column.kind;
  const values = column.enumValues === undefined ? '' : `; one of ${column.enumValues.join(', ')}`;
  return `${base}${column.nullable ? ', may be empty' : ''}${values}`;
}

function dataDictionary(definition: DatasetDefinition): string {
  const columns = datasetColumns(definition);
  const rows = columns
    .map(
      (column) =>
        `<tr><td><code>${escapeHtml(column.name)}</code>${definition.primaryKey.includes(column.name) ? ' <span class="muted">key</span>' : ''}</td><td>${escapeHtml(columnType(column))}</td><td class="description">${escapeHtml(column.description)}</td></tr>`,
    )
    .join('');
  return `<details class="dictionary"><summary>Data dictionary (${columns.length} columns)</summary>${scrollTable(`Columns of ${definition.name}`, `<table><thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead><tbody>${rows}</tbody></table>`)}</details>`;
}

function versionFiles(name: string, summary: VersionSummary): string {
  const base = ['datasets', name, `v${summary.version}`];
  const files = summary.files.map(
    (file) =>
      `<a href="${lakeHref(...fileKey(summary, file).split('/'))}" data-format="${escapeHtml(file.format)}" download>${escapeHtml(file.partition === undefined ? file.format.toUpperCase() : `${file.partition} ${file.format.toUpperCase()}`)}</a>`,
  );
  files.push(
    `<a href="${lakeHref(...base, 'datapackage.json')}" data-format="datapackage">datapackage</a>`,
    `<a href="${lakeHref(...base, 'manifest.json')}" data-format="manifest">manifest</a>`,
  );
  if (summary.partitions === null) return files.join(' · ');
  const names = [...new Set(summary.files.map((file) => file.partition))];
  return `<span class="partitions">${formatNumber(summary.partitions)} partitions; ${names.length === 0 ? 'none' : formatNumber(names.length)} changed:</span> ${files.join(' · ')}`;
}

function versionHistory(definition: DatasetDefinition, history: readonly VersionSummary[]): string {
  const rows = [...history]
    .reverse()
    .map(
      (manifest) =>
        `<tr data-version="${manifest.version}"><td>v${manifest.version}</td><td>${escapeHtml(manifest.release)}</td><td>${escapeHtml(manifest.as_of.slice(0, 10))}</td><td class="num">${formatNumber(manifest.rows)}</td><td class="changes">+${manifest.changes.created} ~${manifest.changes.updated} −${manifest.changes.deleted}${manifest.schema_change ? ' <strong>schema</strong>' : ''}</td><td class="files">${versionFiles(definition.name, manifest)}</td><td><details><summary>Cite</summary><p class="citation">${escapeHtml(versionCitation(definition.title, manifest))}</p></details></td></tr>`,
    )
    .join('');
  return `<details class="versions"><summary>Every version (${history.length}) with its files and a suggested citation</summary>${scrollTable(`Versions of ${definition.name}`, `<table><thead><tr><th scope="col">Version</th><th scope="col">Release</th><th scope="col">As of</th><th scope="col">Rows</th><th scope="col">Changes</th><th scope="col">Files</th><th scope="col">Citation</th></tr></thead><tbody>${rows}</tbody></table>`)}</details>`;
}

function datasetSection({ definition, latest, history }: CatalogContent['datasets'][number]): string {
  const name = definition.name;
  // A partitioned version shows the partitions it changed; its datapackage.json lists every part.
  const summary = history.find((each) => each.version === latest.version);
  const shown = summary?.files ?? latest.files;
  const partitions =
    summary?.partitions != null
      ? `<p class="partitions">Stored in ${formatNumber(summary.partitions)} partitions (${escapeHtml(definition.partition?.description ?? 'one per partition')}), each written once and shared by every version that holds it; below are the partitions this version changed. Its datapackage.json lists every part: DuckDB reads them as one table with <code>read_parquet([…])</code> of the Parquet path list.</p>`
      : '';
  const downloads = shown
    .map(
      (file) =>
        `<li><a class="download" data-format="${escapeHtml(file.format)}" href="${lakeHref(...fileKey(latest, file).split('/'))}" download>${escapeHtml(file.name)}</a> <span class="muted">${escapeHtml(file.format.toUpperCase())}, ${formatNumber(file.bytes)} bytes, sha256 ${escapeHtml(file.sha256.slice(0, 12))}…</span></li>`,
    )
    .join('');
  const stable = shown
    .map(
      (file) =>
        `<a class="stable" href="${lakeHref('datasets', name, 'latest', file.name)}">${escapeHtml(`latest/${file.name}`)}</a>`,
    )
    .join(' · ');
  return `<section class="dataset" id="dataset-${escapeHtml(name)}">
<h2>${escapeHtml(definition.title)} <code>${escapeHtml(name)}</code></h2>
<p>${escapeHtml(definition.description)}</p>
<p>Current version <strong>v${latest.version}</strong> (release ${escapeHtml(latest.release)}), as of ${escapeHtml(latest.as_of.slice(0, 10))}, <strong>${formatNumber(latest.rows)}</strong> rows.</p>
${partitions}<ul class="downloads">${downloads}<li><a href="${lakeHref('datasets', name, `v${latest.version}`, 'datapackage.json')}">datapackage.json</a></li></ul>
<p class="stable-urls">Stable URLs that always hold the newest version: ${stable}</p>
${dataDictionary(definition)}
${versionHistory(definition, history)}
</section>`;
}

function claimsTable(claims: readonly Row[]): string {
  if (claims.length === 0) return '<p>No published claims have been checked yet.</p>';
  const verdict = (value: unknown) =>
    value === true
      ? '<span class="ok">consistent</span>'
      : value === false
        ? '<span class="bad">inconsistent</span>'
        : '—';
  const rows = claims
    .map(
      (claim) =>
        `<tr><td>${escapeHtml(claim.date)}</td><td class="url">${urlLink(claim.source_url)}</td><td>${escapeHtml(claim.kind)}</td><td>${escapeHtml(claim.scope)}</td><td>${escapeHtml(claim.qualifier ?? '')}</td><td class="num">${escapeHtml(formatNumber(claim.claimed_value))}</td><td class="num">${escapeHtml(formatNumber(claim.computed_value))}</td><td>${verdict(claim.consistent)}</td><td class="num">${escapeHtml(formatNumber(claim.difference))}</td><td class="evidence"><q>${escapeHtml(claim.evidence)}</q></td></tr>`,
    )
    .join('');
  return scrollTable(
    'Published claims',
    `<table id="claims"><thead><tr><th scope="col">Date</th><th scope="col">Source</th><th scope="col">Claim</th><th scope="col">Scope</th><th scope="col">Qualifier</th><th scope="col">Claimed</th><th scope="col">Our figure</th><th scope="col">Verdict</th><th scope="col">Difference</th><th scope="col">Evidence</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

function followSection(): string {
  return `<section id="follow">
<h2>Follow changes and cite</h2>
<ul>
<li><a href="${FEEDS.atom.href}" type="${FEEDS.atom.type}">Atom feed</a> and <a href="${FEEDS.json.href}" type="${FEEDS.json.type}">JSON Feed</a>: one entry per published version.</li>
<li><a href="feed/index.json">feed/index.json</a>: the change events (CloudEvents, JSON Lines pages) with the cursor to read from.</li>
<li><a href="datapackage.json">datapackage.json</a>: a Frictionless descriptor of every dataset's current files.</li>
</ul>
<p>To cite a dataset, use the suggested citation of the version you used (under <em>Every version</em> in its section), so that others can fetch the same bytes. The software is cited through <code>CITATION.cff</code> in its repository.</p>
</section>`;
}

const STYLE = `*,*::before,*::after{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;overflow-wrap:anywhere}
h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:2rem}code{font-size:.9em;color:#555}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none}
.table-scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.9rem;overflow-wrap:normal}caption{text-align:left;color:#666;font-size:.85rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.description{min-width:16rem}td.evidence{min-width:18rem}td.url{max-width:16rem;overflow-wrap:anywhere}td.files,td.changes{white-space:nowrap}
#ics-table td:first-child{min-width:11rem}
.citation{min-width:18rem;font-size:.85rem}
.muted{color:#666;font-size:.85rem}.ok{color:#0a6b2e}.bad{color:#b00020}
section.dataset{border-top:2px solid #005eb8;margin-top:1.5rem}
figure{margin:0}svg.chart{max-width:100%;height:auto;display:block}
svg.chart .grid{stroke:#ddd}svg.chart .line{fill:none;stroke:#005eb8;stroke-width:2.5}
svg.chart circle{fill:#005eb8}svg.chart text{font-size:12px;fill:#444}svg.chart .axis-title{font-size:13px;fill:#1b1b1b}
svg.chart .point-label{font-size:12px;fill:#1b1b1b;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.35rem;vertical-align:-.1rem;border-radius:2px}
.series-0{--c:#0072b2}.series-1{--c:#e69f00}.series-2{--c:#009e73}.series-3{--c:#cc79a7}.series-4{--c:#56b4e9}.series-5{--c:#d55e00}.series-6{--c:#6b6b00}.series-7{--c:#000}
svg.chart .series .line{stroke:var(--c)}svg.chart .series circle{fill:var(--c)}.swatch{background:var(--c)}`;

/** Render the lake's catalog page: one static HTML file, inline CSS and SVG, no script and no external requests. */
export function renderCatalogHtml(content: CatalogContent): string {
  const date = content.asOf.slice(0, 10);
  const sources = content.sources
    .map((source) => `<li>${linkOrText(source.path, source.title)}</li>`)
    .join('');
  const nav = content.datasets
    .map(
      ({ definition }) =>
        `<li><a href="#dataset-${escapeHtml(definition.name)}">${escapeHtml(definition.name)}</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>ics-lake: England's Integrated Care Systems, open data</title>
<link rel="alternate" type="${FEEDS.atom.type}" href="${FEEDS.atom.href}" title="${FEEDS.atom.title}">
<link rel="alternate" type="${FEEDS.json.type}" href="${FEEDS.json.href}" title="${FEEDS.json.title}">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>England's Integrated Care Systems: open data</h1>
<p>Versioned datasets built from NHS England, NHS Digital and ONS publications, as of ${escapeHtml(date)}. Every version is immutable; the lake's <a href="datapackage.json">datapackage.json</a> describes the current files. Follow changes in the <a href="${FEEDS.atom.href}">Atom</a> or <a href="${FEEDS.json.href}">JSON</a> feed.</p>
<nav aria-label="Contents"><ul><li><a href="#ics">ICSs</a></li><li><a href="#coverage">Coverage</a></li><li><a href="#population-by-region">Population</a></li>${nav}<li><a href="#published-claims">Claims</a></li><li><a href="#follow">Feeds and citation</a></li></ul></nav>
</header>
<main>
${icsSection(content)}
<section id="coverage">
<h2>Population covered by designated ICSs</h2>
<figure>${coverageChartSvg(content.coverage)}<figcaption>Each step is a date on which the set of designated ICSs changed, labelled with how many there were.</figcaption></figure>
</section>
${regionSection(content.regions)}
${content.datasets.map(datasetSection).join('\n')}
<section id="published-claims">
<h2>Published claims versus our figures</h2>
${claimsTable(content.claims)}
</section>
${followSection()}
<section id="sources">
<h2>Sources</h2>
<ul>${sources}</ul>
</section>
</main>
<footer><p>Contains public sector information licensed under the <a href="${escapeHtml(OGL_V3.path)}">${escapeHtml(OGL_V3.title)}</a>.</p></footer>
</body>
</html>
`;
}
