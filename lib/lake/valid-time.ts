import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatasetDefinition } from '../core/dataset.ts';
import { isoDate, parseIsoDate } from '../core/instant.ts';
import { datasetColumns } from './columns.ts';
import { renderCsv } from './formats/csv.ts';
import { renderJson } from './formats/json.ts';
import { renderParquet } from './formats/parquet.ts';
import type { Manifest } from './manifest.ts';
import type { LakeStore } from './store.ts';
import { readVersionRows } from './versions.ts';

/**
 * Valid time (`ics-lake get DATASET --on DATE`): what one version says about the world on DATE, rendered in the same
 * format as the version's own editions. Publication time picks the version (`--version`, `--as-of`, else the
 * latest); the dataset's own `validTime` rule picks the rows. The rows are read through the manifest's hash check.
 */

export type EditionFormat = 'csv' | 'json' | 'parquet';

/** The rows of `manifest`'s version valid on `on`, rendered as `format`. */
export async function validTimeEdition(
  store: LakeStore,
  manifest: Manifest,
  definition: DatasetDefinition | undefined,
  on: string,
  format: EditionFormat,
): Promise<Uint8Array> {
  const date = isoDate(parseIsoDate(on, '--on'));
  if (definition?.validTime === undefined) {
    throw new RangeError(
      `Dataset ${manifest.dataset} has no valid-time axis: --on applies to datasets that describe the world on a date (ics, ics_population); use --as-of for the version that was latest at an instant`,
    );
  }
  const rows = definition.validTime(await readVersionRows(store, manifest.dataset, manifest.version), date);
  const columns = datasetColumns(definition as DatasetDefinition);
  if (format === 'parquet') return renderParquet(definition as DatasetDefinition, rows);
  const text = format === 'csv' ? renderCsv(columns, rows) : renderJson(columns, rows);
  return new TextEncoder().encode(text);
}

/**
 * Write the valid-time rows of a version to `out` (through a temporary file renamed into place) or to `stdout`;
 * the CLI's `--on` is this one call.
 */
export async function writeValidTimeEdition(
  store: LakeStore,
  manifest: Manifest,
  definition: DatasetDefinition | undefined,
  options: {
    on: string;
    format: EditionFormat;
    out?: string;
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
  },
): Promise<void> {
  const bytes = await validTimeEdition(store, manifest, definition, options.on, options.format);
  if (options.out === undefined) {
    await pipeline(Readable.from([bytes]), options.stdout, { end: false });
    return;
  }
  const temp = `${options.out}.part-${process.pid}`;
  try {
    await pipeline(Readable.from([bytes]), createWriteStream(temp));
    await rename(temp, options.out);
  } finally {
    await rm(temp, { force: true });
  }
  options.stderr.write(
    `${manifest.dataset} v${manifest.version} on ${options.on} (${options.format}) -> ${options.out}\n`,
  );
}
