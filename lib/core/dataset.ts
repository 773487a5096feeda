import type { z } from 'zod';

/**
 * One published dataset: its contract (zod schema), key and documentation. Types derive from `schema`.
 * The bare `DatasetDefinition` accepts any concrete definition: zod's ZodObject is invariant in its shape, so a
 * `z.ZodRawShape` default would reject `DatasetDefinition<{ code: ZodString }>` wherever generic code takes one.
 */
// biome-ignore lint/suspicious/noExplicitAny: the erased default is what lets generic code accept every definition.
export interface DatasetDefinition<Shape extends z.ZodRawShape = any> {
  /** File and folder name, e.g. `ics` -> `datasets/ics/v<N>/ics.csv`. */
  name: string;
  title: string;
  description: string;
  /** The row schema. Column order in CSV/Parquet follows the shape's key order. */
  schema: z.ZodObject<Shape>;
  /** Columns forming the primary key, in sort order. */
  primaryKey: readonly (keyof Shape & string)[];
  /** A description for every column (shown in datapackage.json and the catalog). */
  columns: { readonly [K in keyof Shape & string]: string };
  /**
   * For datasets with a valid-time axis: the rows that describe the world on an ISO date (`ics-lake get --on`),
   * as opposed to the version that was latest at an instant (`--as-of`, publication time). Pure: rows in, rows out.
   */
  validTime?: (rows: readonly Record<string, unknown>[], date: string) => Record<string, unknown>[];
  /** Datasets too large to rewrite every release are stored in partitions, each written once and shared by
   *  every version that holds it unchanged. */
  partition?: {
    /** The partition of a row: a function of primary-key columns only; matches /^[A-Za-z0-9][A-Za-z0-9._-]*$/. */
    of: (row: Record<string, unknown>) => string;
    /** One sentence for the README/catalog/datapackage, e.g. "one partition per reference month, and one for the re-based series". */
    description: string;
  };
}

/** Build a definition with its column descriptions checked against the schema at compile time. */
export function defineDataset<Shape extends z.ZodRawShape>(
  definition: DatasetDefinition<Shape>,
): DatasetDefinition<Shape> {
  return definition;
}

/** The stable key of a row, e.g. `QE1` or `QE1|2021-01-01|registered_patients`. */
export function rowKey(definition: DatasetDefinition, row: Record<string, unknown>): string {
  return definition.primaryKey.map((column) => String(row[column] ?? '')).join('|');
}
