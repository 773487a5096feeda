import {
  type ColumnSource,
  fileWriter,
  ParquetWriter,
  parquetWriteBuffer,
  type SchemaElement,
} from 'hyparquet-writer';
import type { DatasetDefinition } from '../../core/dataset.ts';
import { type Column, type ColumnKind, datasetColumns } from '../columns.ts';
import { compareByPrimaryKey, type Row } from '../rows.ts';

/**
 * Parquet edition (hyparquet-writer, pure JS), typed columns:
 * - strings and enums: BYTE_ARRAY UTF8; numbers: DOUBLE; booleans: BOOLEAN;
 * - integers: INT64 (INT32 when the schema says `z.int32()`);
 * - dates: INT32 with the DATE logical type; datetimes: INT64 TIMESTAMP_MILLIS (UTC);
 * - arrays: a standard three-level LIST (`<name>` LIST → repeated `list` → required `element`) of the element's
 *   type, so readers see `VARCHAR[]`, `DATE[]`, … and an empty list stays distinct from null;
 * - nullable columns are OPTIONAL, the rest REQUIRED.
 * Rows are in primary-key order and min/max statistics are written for every column chunk, so a reader filtering
 * on the leading key columns skips the row groups that cannot hold a match. SNAPPY compression.
 */
export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

/**
 * Rows per row group: 2^16, 32 of DuckDB's 2,048-row vectors. A decade of monthly `ics_population` releases is
 * about 1.5 million rows, some 35 thousand per ICS, so one ICS spans one or two groups and a filter on `ics_code`
 * reads at most about 130 thousand rows instead of all; the ~23 groups still give a reader one unit of parallel
 * work per core, and the footer stays small (one statistics entry per column per group). Much smaller groups
 * would cost compression (one dictionary per column chunk) and footer size for no better pruning on our data.
 */
export const PARQUET_ROW_GROUP_ROWS = 65_536;

const DAY_MS = 86_400_000;

type Repetition = 'REQUIRED' | 'OPTIONAL';

/** The schema element of one value of `kind` (a whole column, or the element of a list). */
function valueElement(
  name: string,
  kind: ColumnKind,
  repetition_type: Repetition,
  integerWidth?: 32 | 64,
): SchemaElement {
  switch (kind) {
    case 'integer':
      return { name, repetition_type, type: integerWidth === 32 ? 'INT32' : 'INT64' };
    case 'number':
      return { name, repetition_type, type: 'DOUBLE' };
    case 'boolean':
      return { name, repetition_type, type: 'BOOLEAN' };
    case 'date':
      return { name, repetition_type, type: 'INT32', converted_type: 'DATE' };
    case 'datetime':
      return { name, repetition_type, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    default:
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

/** The schema elements of one column: one leaf, or the three levels of a LIST (Parquet's LogicalTypes.md). */
export function columnSchema(column: Column): SchemaElement[] {
  const repetition = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  if (column.kind !== 'array') {
    return [valueElement(column.name, column.kind, repetition, column.integerWidth)];
  }
  return [
    { name: column.name, repetition_type: repetition, converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    // Our array schemas never allow null elements, so a null element fails the write (fail closed).
    valueElement('element', column.items ?? 'string', 'REQUIRED'),
  ];
}

/** The value as the writer stores it for `kind`. */
function physicalValue(kind: ColumnKind, value: unknown, integerWidth?: 32 | 64): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
      return integerWidth === 32 ? value : BigInt(value as number);
    case 'date':
      // Days since the epoch, computed from the ISO text so no time zone is involved.
      return Math.round(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS);
    case 'datetime':
      return BigInt(Date.parse(String(value)));
    default:
      return value;
  }
}

/** One column's values as the writer stores them; a list keeps its array shape, with each element converted. */
export function columnValues(column: Column, rows: readonly Row[]): unknown[] {
  if (column.kind !== 'array') {
    return rows.map((row) => physicalValue(column.kind, row[column.name], column.integerWidth));
  }
  const items = column.items ?? 'string';
  return rows.map((row) => {
    const list = row[column.name];
    if (list === null || list === undefined) return null;
    if (!Array.isArray(list)) {
      throw new TypeError(`Column ${column.name}: expected an array, found ${JSON.stringify(list)}`);
    }
    return list.map((element) => physicalValue(items, element));
  });
}

/**
 * The rows in primary-key order: the same array when it is already in order, otherwise a sorted copy. Publish and
 * the valid-time rules (`ics-lake get --on`) both sort already, so today this is one linear check that guards the
 * row-group statistics against a future caller.
 */
export function inPrimaryKeyOrder(definition: DatasetDefinition, rows: readonly Row[]): readonly Row[] {
  const compare = compareByPrimaryKey(definition);
  for (let i = 1; i < rows.length; i++) {
    if (compare(rows[i - 1] as Row, rows[i] as Row) > 0) return [...rows].sort(compare);
  }
  return rows;
}

/** Render validated rows as the dataset's Parquet edition, sorted by primary key, with statistics on every column. */
export function renderParquet(definition: DatasetDefinition, rows: readonly Row[]): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: columnSources(definition, inPrimaryKeyOrder(definition, rows)),
      schema: parquetSchema(definition),
      rowGroupSize: PARQUET_ROW_GROUP_ROWS,
      statistics: true,
      createdBy: CREATED_BY,
    }),
  );
}

const CREATED_BY = 'ics-lake (hyparquet-writer)';

function parquetSchema(definition: DatasetDefinition): SchemaElement[] {
  const columns = datasetColumns(definition);
  return [
    { name: 'root', num_children: columns.length },
    ...columns.flatMap((column) => columnSchema(column)),
  ];
}

function columnSources(definition: DatasetDefinition, rows: readonly Row[]): ColumnSource[] {
  return datasetColumns(definition).map((column) => ({
    name: column.name,
    data: columnValues(column, rows),
    nullable: column.nullable,
  }));
}

/**
 * Write batches of rows (a partitioned version's parts, each sorted by primary key) as one Parquet file, a batch
 * at a time: each batch becomes its own row groups (of at most PARQUET_ROW_GROUP_ROWS rows) and only one batch is
 * in memory. The file is in batch order, sorted within each batch.
 */
export async function writeParquetFile(
  definition: DatasetDefinition,
  filename: string,
  batches: AsyncIterable<readonly Row[]>,
): Promise<void> {
  const writer = new ParquetWriter({
    writer: fileWriter(filename),
    schema: parquetSchema(definition),
    statistics: true,
    createdBy: CREATED_BY,
  });
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    await writer.write({
      columnData: columnSources(definition, inPrimaryKeyOrder(definition, rows)),
      rowGroupSize: PARQUET_ROW_GROUP_ROWS,
    });
  }
  writer.finish();
}
