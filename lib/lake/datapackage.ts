import type { DatasetDefinition } from '../core/dataset.ts';
import { type Column, datasetColumns } from './columns.ts';
import { CSV_MEDIA_TYPE } from './formats/csv.ts';
import { type Manifest, type ManifestFile, partFiles } from './manifest.ts';
import { safeExternalHref } from './urls.ts';

/** A source the data was derived from, as cited in datapackage.json and the catalog. */
export interface DataSource {
  title: string;
  /** The source's public URL. */
  path: string;
}

/** The licence every dataset is published under. */
export const OGL_V3 = {
  name: 'OGL-UK-3.0',
  path: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  title: 'Open Government Licence v3.0',
} as const;

interface TableSchemaField {
  name: string;
  type: string;
  format?: string;
  description: string;
  constraints?: { required?: boolean; enum?: string[] };
}

/** A Frictionless Table Schema. */
export interface TableSchema {
  fields: TableSchemaField[];
  primaryKey: string[];
  missingValues: string[];
}

/** A Frictionless Data Resource describing one file of one dataset version. */
export interface DataResource {
  name: string;
  /** One file, or (a partitioned version) the list of its part files, concatenated in order. */
  path: string | string[];
  profile: 'tabular-data-resource' | 'data-resource';
  title: string;
  description: string;
  format: ManifestFile['format'];
  mediatype: string;
  encoding?: string;
  /** sha256 of the one file (absent for a multi-part resource: each part's hash is in the manifest). */
  hash?: string;
  bytes: number;
  dialect?: { delimiter: string; lineTerminator: string; header: boolean; doubleQuote: boolean };
  schema: TableSchema;
}

/** A Frictionless Data Package descriptor. */
export interface DataPackage {
  profile: 'data-package';
  name: string;
  title: string;
  description: string;
  version: string;
  licenses: { name: string; path: string; title: string }[];
  sources: { title: string; path?: string }[];
  resources: DataResource[];
}

function fieldType(
  column: Column,
  format: ManifestFile['format'],
): Pick<TableSchemaField, 'type' | 'format'> {
  switch (column.kind) {
    case 'date':
      return { type: 'date' };
    case 'datetime':
      return { type: 'datetime' };
    case 'array':
      // JSON holds arrays and Parquet a LIST; only CSV flattens them, joining the elements with ';'.
      return format === 'csv' ? { type: 'string' } : { type: 'array' };
    default:
      return { type: column.kind };
  }
}

function arrayNote(column: Column, format: ManifestFile['format']): string {
  if (column.kind !== 'array') return '';
  if (format === 'csv') return ' (list: elements joined with ";")';
  if (format === 'parquet') return ` (a Parquet LIST of ${column.items ?? 'string'})`;
  return '';
}

/** The Table Schema of one edition of a dataset (Frictionless types, descriptions, primary key). */
export function tableSchema(definition: DatasetDefinition, format: ManifestFile['format']): TableSchema {
  return {
    fields: datasetColumns(definition).map((column) => {
      const constraints: TableSchemaField['constraints'] = {};
      if (!column.nullable) constraints.required = true;
      if (column.enumValues !== undefined) constraints.enum = column.enumValues;
      return {
        name: column.name,
        ...fieldType(column, format),
        description: `${column.description}${arrayNote(column, format)}`,
        ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
      };
    }),
    primaryKey: [...definition.primaryKey],
    missingValues: [''],
  };
}

/** One resource per file of a dataset version; `pathPrefix` is where the files sit relative to the descriptor. */
export function datasetResources(
  definition: DatasetDefinition,
  files: readonly ManifestFile[],
  pathPrefix: string,
  partPath: (key: string) => string = (key) => key,
): DataResource[] {
  if (files.some((file) => file.partition !== undefined))
    return partitionedResources(definition, files, partPath);
  return files.map((file) => ({
    ...resourceHead(definition, file),
    path: `${pathPrefix}${file.name}`,
    hash: `sha256:${file.sha256}`,
    bytes: file.bytes,
    ...resourceTail(definition, file),
  }));
}

/**
 * A partitioned version: one multi-part resource per format, its `path` the list of part files in partition order
 * (Frictionless: the parts concatenated are the table). Every CSV part starts with the header row, so each part is
 * also a table on its own; concatenating readers drop the repeated headers.
 */
function partitionedResources(
  definition: DatasetDefinition,
  files: readonly ManifestFile[],
  partPath: (key: string) => string,
): DataResource[] {
  const formats = (['csv', 'json', 'parquet'] as const).filter((format) =>
    files.some((file) => file.format === format),
  );
  return formats.map((format) => {
    const parts = partFiles({ files: [...files] }, format);
    const first = parts[0] as ManifestFile;
    return {
      ...resourceHead(definition, first),
      path: parts.map((file) => partPath(file.path ?? file.name)),
      description: `${definition.description} Stored in ${parts.length} parts: ${definition.partition?.description ?? 'one per partition'}.`,
      bytes: parts.reduce((total, file) => total + file.bytes, 0),
      ...resourceTail(definition, first),
    };
  });
}

function resourceHead(definition: DatasetDefinition, file: ManifestFile) {
  return {
    name: `${definition.name}-${file.format}`.toLowerCase().replace(/[^-a-z0-9._]/g, '-'),
    profile: file.format === 'csv' ? ('tabular-data-resource' as const) : ('data-resource' as const),
    title: `${definition.title} (${file.format.toUpperCase()})`,
    description: definition.description,
    format: file.format,
    mediatype: file.format === 'csv' ? (CSV_MEDIA_TYPE.split(';')[0] ?? 'text/csv') : file.media_type,
    ...(file.format === 'parquet' ? {} : { encoding: 'utf-8' }),
  };
}

function resourceTail(definition: DatasetDefinition, file: ManifestFile) {
  return {
    ...(file.format === 'csv'
      ? { dialect: { delimiter: ',', lineTerminator: '\r\n', header: true, doubleQuote: true } }
      : {}),
    schema: tableSchema(definition, file.format),
  };
}

function uniqueSources(sources: readonly DataSource[]): DataPackage['sources'] {
  const seen = new Map<string, DataPackage['sources'][number]>();
  for (const source of sources) {
    // A path that is not an http(s) URL would be read as a file path inside the package; keep only the title.
    const path = safeExternalHref(source.path);
    seen.set(
      `${source.title}\u0000${path}`,
      path === undefined ? { title: source.title } : { title: source.title, path },
    );
  }
  return [...seen.values()];
}

/** The descriptor stored beside one dataset version: `datasets/<name>/v<N>/datapackage.json`. */
export function versionDataPackage(
  definition: DatasetDefinition,
  version: { version: number; release: string; files: readonly ManifestFile[] },
  sources: readonly DataSource[],
): DataPackage {
  return {
    profile: 'data-package',
    name: `ics-lake-${definition.name}`.toLowerCase().replace(/[^-a-z0-9._]/g, '-'),
    title: definition.title,
    description: `${definition.description} Version ${version.version}.`,
    version: version.release,
    licenses: [{ ...OGL_V3 }],
    sources: uniqueSources(sources),
    // Parts sit beside the version folders (datasets/<name>/parts/…), shared by every version that holds them.
    resources: datasetResources(definition, version.files, '', (key) =>
      key.replace(`datasets/${definition.name}/`, '../'),
    ),
  };
}

/** The lake-root descriptor: every dataset's latest version, with paths relative to the lake root. */
export function lakeDataPackage(
  latest: readonly { definition: DatasetDefinition; manifest: Manifest }[],
  sources: readonly DataSource[],
  asOf: string,
): DataPackage {
  return {
    profile: 'data-package',
    name: 'ics-lake',
    title: "England's Integrated Care Systems: open datasets",
    description: `Versioned datasets about England's Integrated Care Systems, as of ${asOf}. ${latest
      .map(({ manifest }) => `${manifest.dataset} v${manifest.version}`)
      .join(', ')}.`,
    // The root package changes whenever any dataset does; its version is the lake's as-of date.
    version: asOf.slice(0, 10),
    licenses: [{ ...OGL_V3 }],
    sources: uniqueSources(sources),
    resources: latest.flatMap(({ definition, manifest }) =>
      datasetResources(definition, manifest.files, `datasets/${definition.name}/v${manifest.version}/`),
    ),
  };
}
