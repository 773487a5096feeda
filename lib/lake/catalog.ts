import type { DatasetDefinition } from '../core/dataset.ts';
import { type CatalogContent, renderCatalogHtml } from './catalog-html.ts';
import { headlineFigures, ICS_DATASET, icsEntries, POPULATION_DATASET, regionSeries } from './catalog-ics.ts';
import { readVersionRowsContaining } from './catalog-read.ts';
import { datasetColumns } from './columns.ts';
import { type DataSource, lakeDataPackage } from './datapackage.ts';
import type { Row } from './rows.ts';
import type { LakeStore } from './store.ts';
import { listVersionSummaries } from './version-summaries.ts';
import { parseInstant, readLatest, readVersionRows } from './versions.ts';

export { coverageChartSvg, regionPopulationChartSvg } from './catalog-charts.ts';
export { type CatalogContent, FEEDS, renderCatalogHtml } from './catalog-html.ts';
export { escapeHtml } from './catalog-text.ts';
export { safeExternalHref } from './urls.ts';

/** The dataset whose rows feed the coverage chart (columns: date, ics_count, coverage_pct). */
export const COVERAGE_DATASET = 'ics_coverage';
/** The dataset whose rows feed the claims table. */
export const CLAIMS_DATASET = 'published_claims';

type CatalogDatasets = CatalogContent['datasets'];

/** The columns of a dataset whose description is empty: the catalog's data dictionary must have none. */
export function undocumentedColumns(definition: DatasetDefinition): string[] {
  return datasetColumns(definition)
    .filter((column) => column.description.trim() === '')
    .map((column) => column.name);
}

/** Every published dataset's latest manifest and history; datasets never published are left out. */
async function readPublished(
  store: LakeStore,
  definitions: readonly DatasetDefinition[],
): Promise<CatalogDatasets> {
  const datasets: CatalogDatasets = [];
  for (const definition of definitions) {
    const latest = await readLatest(store, definition.name);
    if (latest === undefined) continue;
    datasets.push({ definition, latest, history: await listVersionSummaries(store, definition.name) });
  }
  return datasets;
}

/** Gather what the page shows from the latest version of each dataset it draws on. */
export async function catalogContent(
  store: LakeStore,
  datasets: CatalogDatasets,
  sources: readonly DataSource[],
  asOf: string,
): Promise<CatalogContent> {
  const rowsOf = async (name: string): Promise<Row[]> => {
    const found = datasets.find((entry) => entry.definition.name === name);
    return found === undefined ? [] : readVersionRows(store, name, found.latest.version);
  };
  const icsRows = await rowsOf(ICS_DATASET);
  const population = datasets.find((entry) => entry.definition.name === POPULATION_DATASET)?.latest;
  // Only the whole-population rows: a text pre-filter spares parsing the age and sex breakdowns.
  const figures = headlineFigures(
    population === undefined
      ? []
      : await readVersionRowsContaining(store, population, ['"sex":"ALL"', '"age_band":"ALL"']),
  );
  const bodiesOn = datasets.find((entry) => entry.definition.name === ICS_DATASET)?.definition.validTime;
  return {
    asOf,
    datasets,
    sources,
    coverage: await rowsOf(COVERAGE_DATASET),
    claims: await rowsOf(CLAIMS_DATASET),
    ics: icsEntries(icsRows, figures, asOf.slice(0, 10), bodiesOn),
    regions: regionSeries(icsRows, figures),
  };
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
  const datasets = await readPublished(store, options.datasets);
  const newest = datasets
    .map(({ latest }) => latest.as_of)
    .sort()
    .at(-1);
  const asOf = newest ?? parseInstant(options.asOf).toISOString();
  const content = await catalogContent(store, datasets, options.sources, asOf);
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
