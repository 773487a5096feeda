import type { DatasetDefinition } from '../core/dataset.ts';
import { type DataSource, lakeDataPackage, OGL_V3 } from './datapackage.ts';
import type { Manifest } from './manifest.ts';
import type { Row } from './rows.ts';
import type { LakeStore } from './store.ts';
import { safeExternalHref } from './urls.ts';
import { listVersions, parseInstant, readLatest, readVersionRows } from './versions.ts';

export { safeExternalHref } from './urls.ts';

/** The dataset whose rows feed the coverage chart (columns: date, ics_count, coverage_pct). */
export const COVERAGE_DATASET = 'ics_coverage';
/** The dataset whose rows feed the claims table. */
export const CLAIMS_DATASET = 'published_claims';

/** Everything the catalog page shows; built from the lake by {@link publishCatalog}, or directly in tests. */
export interface CatalogContent {
  asOf: string;
  datasets: { definition: DatasetDefinition; latest: Manifest; history: Manifest[] }[];
  sources: readonly DataSource[];
  coverage: readonly Row[];
  claims: readonly Row[];
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function lakeHref(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '—' : String(value);
  return value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

function linkOrText(url: unknown, label: unknown): string {
  const href = safeExternalHref(url);
  return href === undefined
    ? escapeHtml(label)
    : `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/** A link to a source-derived URL shown as itself; a URL that is not http(s) is withheld, not echoed. */
function urlLink(url: unknown): string {
  return safeExternalHref(url) === undefined
    ? '<em>link withheld (not an http(s) URL)</em>'
    : linkOrText(url, url);
}

/** An inline SVG step chart of coverage_pct over date (step-after: a value holds until the next date). */
export function coverageChartSvg(rows: readonly Row[]): string {
  const points = rows
    .map((row) => ({
      date: String(row.date),
      time: Date.parse(`${String(row.date)}T00:00:00Z`),
      pct: Number(row.coverage_pct),
    }))
    .filter((point) => Number.isFinite(point.time) && Number.isFinite(point.pct))
    .sort((a, b) => a.time - b.time);
  const width = 640;
  const height = 260;
  const left = 48;
  const right = 16;
  const top = 16;
  const bottom = 36;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const first = points[0];
  const last = points.at(-1);
  const header = `<svg xmlns="http://www.w3.org/2000/svg" id="coverage-chart" role="img" aria-labelledby="coverage-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="coverage-title">Share of England's population in designated ICSs over time</title>`;
  if (first === undefined || last === undefined) {
    return `${header}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">No coverage data yet</text></svg>`;
  }
  const span = Math.max(last.time - first.time, 1);
  const x = (time: number) => left + ((time - first.time) / span) * plotWidth;
  const y = (pct: number) => top + (1 - Math.min(Math.max(pct, 0), 100) / 100) * plotHeight;
  const fmt = (n: number) => n.toFixed(1);
  let path = `M${fmt(x(first.time))} ${fmt(y(first.pct))}`;
  for (const point of points.slice(1)) path += ` H${fmt(x(point.time))} V${fmt(y(point.pct))}`;
  const gridlines = [0, 25, 50, 75, 100]
    .map(
      (pct) =>
        `<line x1="${left}" x2="${width - right}" y1="${fmt(y(pct))}" y2="${fmt(y(pct))}" class="grid"/><text x="${left - 6}" y="${fmt(y(pct) + 4)}" text-anchor="end">${pct}%</text>`,
    )
    .join('');
  const dots = points
    .map(
      (point) =>
        `<circle cx="${fmt(x(point.time))}" cy="${fmt(y(point.pct))}" r="3"><title>${escapeHtml(point.date)}: ${escapeHtml(formatNumber(point.pct))}%</title></circle>`,
    )
    .join('');
  const years: string[] = [];
  for (let year = new Date(first.time).getUTCFullYear() + 1; Date.UTC(year, 0, 1) < last.time; year++) {
    const tick = fmt(x(Date.UTC(year, 0, 1)));
    years.push(
      `<line x1="${tick}" x2="${tick}" y1="${top + plotHeight}" y2="${top + plotHeight + 5}" class="grid"/><text x="${tick}" y="${top + plotHeight + 17}" text-anchor="middle">${year}</text>`,
    );
  }
  const axisLabels = `${years.join('')}<text x="${left}" y="${height - 4}" text-anchor="start">${escapeHtml(first.date)}</text><text x="${width - right}" y="${height - 4}" text-anchor="end">${escapeHtml(last.date)}</text>`;
  return `${header}${gridlines}<path d="${path}" class="line"/>${dots}${axisLabels}</svg>`;
}

function datasetSection({ definition, latest, history }: CatalogContent['datasets'][number]): string {
  const name = definition.name;
  const downloads = latest.files
    .map(
      (file) =>
        `<li><a class="download" data-format="${escapeHtml(file.format)}" href="${lakeHref('datasets', name, `v${latest.version}`, file.name)}" download>${escapeHtml(file.name)}</a> <span class="muted">${escapeHtml(file.format.toUpperCase())}, ${formatNumber(file.bytes)} bytes, sha256 ${escapeHtml(file.sha256.slice(0, 12))}…</span></li>`,
    )
    .join('');
  const rows = [...history]
    .reverse()
    .map(
      (manifest) =>
        `<tr><td><a href="${lakeHref('datasets', name, `v${manifest.version}`, 'manifest.json')}">v${manifest.version}</a></td><td>${escapeHtml(manifest.release)}</td><td>${escapeHtml(manifest.as_of.slice(0, 10))}</td><td class="num">${formatNumber(manifest.rows)}</td><td>+${manifest.changes.created} ~${manifest.changes.updated} −${manifest.changes.deleted}</td><td>${manifest.schema_change ? 'yes' : 'no'}</td></tr>`,
    )
    .join('');
  return `<section class="dataset" id="dataset-${escapeHtml(name)}">
<h2>${escapeHtml(definition.title)} <code>${escapeHtml(name)}</code></h2>
<p>${escapeHtml(definition.description)}</p>
<p>Current version <strong>v${latest.version}</strong> (release ${escapeHtml(latest.release)}), as of ${escapeHtml(latest.as_of.slice(0, 10))}, <strong>${formatNumber(latest.rows)}</strong> rows.</p>
<ul class="downloads">${downloads}<li><a href="${lakeHref('datasets', name, `v${latest.version}`, 'datapackage.json')}">datapackage.json</a></li></ul>
<details><summary>Version history (${history.length})</summary>
<table><thead><tr><th>Version</th><th>Release</th><th>As of</th><th>Rows</th><th>Changes</th><th>Schema change</th></tr></thead><tbody>${rows}</tbody></table>
</details>
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
        `<tr><td>${escapeHtml(claim.date)}</td><td>${urlLink(claim.source_url)}</td><td>${escapeHtml(claim.kind)}</td><td>${escapeHtml(claim.scope)}</td><td>${escapeHtml(claim.qualifier ?? '')}</td><td class="num">${escapeHtml(formatNumber(claim.claimed_value))}</td><td class="num">${escapeHtml(formatNumber(claim.computed_value))}</td><td>${verdict(claim.consistent)}</td><td class="num">${escapeHtml(formatNumber(claim.difference))}</td><td><q>${escapeHtml(claim.evidence)}</q></td></tr>`,
    )
    .join('');
  return `<table id="claims"><thead><tr><th>Date</th><th>Source</th><th>Claim</th><th>Scope</th><th>Qualifier</th><th>Claimed</th><th>Our figure</th><th>Verdict</th><th>Difference</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:2rem}code{font-size:.9em;color:#555}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#666;font-size:.85rem}
.ok{color:#0a6b2e}.bad{color:#b00020}section.dataset{border-top:2px solid #005eb8;margin-top:1.5rem}
#coverage-chart{max-width:100%;height:auto}#coverage-chart .grid{stroke:#ddd}#coverage-chart .line{fill:none;stroke:#005eb8;stroke-width:2.5}
#coverage-chart circle{fill:#005eb8}#coverage-chart text{font-size:12px;fill:#444}`;

/** Render the lake's catalog page: one static HTML file, inline CSS and SVG, no external requests. */
export function renderCatalogHtml(content: CatalogContent): string {
  const sources = content.sources
    .map((source) => `<li>${linkOrText(source.path, source.title)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>ics-lake: England's Integrated Care Systems, open data</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>England's Integrated Care Systems: open data</h1>
<p>Versioned datasets built from NHS England, NHS Digital and ONS publications, as of ${escapeHtml(content.asOf.slice(0, 10))}. Every version is immutable; the lake's <a href="datapackage.json">datapackage.json</a> describes the current files.</p>
</header>
<main>
<section id="coverage">
<h2>Population covered by designated ICSs</h2>
${coverageChartSvg(content.coverage)}
</section>
${content.datasets.map(datasetSection).join('\n')}
<section id="published-claims">
<h2>Published claims versus our figures</h2>
${claimsTable(content.claims)}
</section>
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

/** Options for {@link publishCatalog}. */
export interface PublishCatalogOptions {
  datasets: readonly DatasetDefinition[];
  sources: readonly DataSource[];
  /**
   * The run's clock. Used only when no dataset is published yet: otherwise the page and the root package are
   * dated by the newest version's `as_of`, so a rerun that publishes nothing rewrites nothing.
   */
  asOf: Date | string;
}

async function putIfChanged(
  store: LakeStore,
  key: string,
  body: string,
  contentType: string,
): Promise<boolean> {
  const bytes = new TextEncoder().encode(body);
  const current = await store.get(key);
  if (current !== undefined && Buffer.from(current).equals(Buffer.from(bytes))) return false;
  await store.put(key, bytes, { contentType });
  return true;
}

/**
 * Write the lake-root `datapackage.json` (every dataset's latest version) and `index.html`, each only when its
 * content changed. Datasets never published are left out. Both are dated by the newest version's `as_of`, so
 * their bytes depend on the lake's content only. Returns the keys written.
 */
export async function publishCatalog(
  store: LakeStore,
  options: PublishCatalogOptions,
): Promise<{ written: string[] }> {
  const datasets: CatalogContent['datasets'] = [];
  for (const definition of options.datasets) {
    const latest = await readLatest(store, definition.name);
    if (latest === undefined) continue;
    datasets.push({ definition, latest, history: await listVersions(store, definition.name) });
  }
  const newest = datasets
    .map(({ latest }) => latest.as_of)
    .sort()
    .at(-1);
  const asOf = newest ?? parseInstant(options.asOf).toISOString();
  const rowsOf = async (name: string) => {
    const found = datasets.find((entry) => entry.definition.name === name);
    return found === undefined ? [] : readVersionRows(store, name, found.latest.version);
  };
  const content: CatalogContent = {
    asOf,
    datasets,
    sources: options.sources,
    coverage: await rowsOf(COVERAGE_DATASET),
    claims: await rowsOf(CLAIMS_DATASET),
  };
  const datapackage = lakeDataPackage(
    datasets.map(({ definition, latest }) => ({ definition, manifest: latest })),
    options.sources,
    asOf,
  );
  const written: string[] = [];
  if (
    await putIfChanged(
      store,
      'datapackage.json',
      `${JSON.stringify(datapackage, null, 2)}\n`,
      'application/json',
    )
  ) {
    written.push('datapackage.json');
  }
  if (await putIfChanged(store, 'index.html', renderCatalogHtml(content), 'text/html; charset=utf-8')) {
    written.push('index.html');
  }
  return { written };
}
