import { type ColumnSource, parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import type { Column } from '../columns.ts';
import type { Row } from '../rows.ts';

/**
 * Parquet edition (hyparquet-writer, pure JS), typed columns:
 * - strings and enums: BYTE_ARRAY UTF8; numbers: DOUBLE; booleans: BOOLEAN;
 * - integers: INT64 (INT32 when the schema says `z.int32()`);
 * - dates: INT32 with the DATE logical type; datetimes: INT64 TIMESTAMP_MILLIS (UTC);
 * - arrays: a JSON text column (BYTE_ARRAY, JSON converted type), e.g. `["E54000008","E54000010"]`, because
 *   every reader handles it and our array columns are short lists of codes;
 * - nullable columns are OPTIONAL, the rest REQUIRED.
 * One row group per 100,000 rows; SNAPPY compression (the writer's default).
 */
export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

const DAY_MS = 86_400_000;

function schemaElement(column: Column): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  const name = column.name;
  switch (column.kind) {
    case 'integer':
      return { name, repetition_type, type: column.integerWidth === 32 ? 'INT32' : 'INT64' };
    case 'number':
      return { name, repetition_type, type: 'DOUBLE' };
    case 'boolean':
      return { name, repetition_type, type: 'BOOLEAN' };
    case 'date':
      return { name, repetition_type, type: 'INT32', converted_type: 'DATE' };
    case 'datetime':
      return { name, repetition_type, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    case 'array':
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'JSON' };
    default:
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

function physicalValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'integer':
      return column.integerWidth === 32 ? value : BigInt(value as number);
    case 'date':
      // Days since the epoch, computed from the ISO text so no time zone is involved.
      return Math.round(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS);
    case 'datetime':
      return BigInt(Date.parse(String(value)));
    default:
      // Arrays too: the writer serialises values of a JSON-typed column itself.
      return value;
  }
}

/** Render rows (already validated and sorted) as the Parquet edition. */
export function renderParquet(columns: readonly Column[], rows: readonly Row[]): Uint8Array {
  const columnData: ColumnSource[] = columns.map((column) => ({
    name: column.name,
    data: rows.map((row) => physicalValue(column, row[column.name])),
    nullable: column.nullable,
  }));
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((column) => schemaElement(column)),
  ];
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      schema,
      rowGroupSize: 100_000,
      createdBy: 'ics-lake (hyparquet-writer)',
    }),
  );
}
