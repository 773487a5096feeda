import type { z } from 'zod';
import type { DatasetDefinition } from '../core/dataset.ts';

/** The storage type of a column, read from the zod row schema; it drives CSV, Parquet and Table Schema types. */
export type ColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'array';

/** One column of a dataset, in schema order. */
export interface Column {
  name: string;
  kind: ColumnKind;
  /** Whether the value may be null or missing (zod `.nullable()` / `.optional()`). */
  nullable: boolean;
  /** Parquet integer width: `int32` only when the schema says `z.int32()`, otherwise 64-bit. */
  integerWidth?: 32 | 64;
  /** For `array` columns: the element kind. */
  items?: ColumnKind;
  /** For enum columns: the allowed values. */
  enumValues?: string[];
  description: string;
}

interface ZodInternals {
  _zod: { def: { type: string; format?: string; innerType?: unknown; element?: unknown; entries?: object } };
}

function describeZod(schema: unknown, where: string): Omit<Column, 'name' | 'description'> {
  const def = (schema as ZodInternals)._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return { ...describeZod(def.innerType, where), nullable: true };
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return describeZod(def.innerType, where);
    case 'string':
      if (def.format === 'date') return { kind: 'date', nullable: false };
      if (def.format === 'datetime') return { kind: 'datetime', nullable: false };
      return { kind: 'string', nullable: false };
    case 'enum':
      return {
        kind: 'string',
        nullable: false,
        enumValues: Object.values(def.entries ?? {}).map(String),
      };
    case 'literal':
      return { kind: 'string', nullable: false };
    case 'number':
      if (def.format === 'int32') return { kind: 'integer', integerWidth: 32, nullable: false };
      if (def.format === 'safeint' || def.format === 'uint32')
        return { kind: 'integer', integerWidth: 64, nullable: false };
      return { kind: 'number', nullable: false };
    case 'boolean':
      return { kind: 'boolean', nullable: false };
    case 'array': {
      const element = describeZod(def.element, `${where}[]`);
      if (element.kind === 'array')
        throw new TypeError(`Nested arrays are not publishable (column ${where})`);
      return { kind: 'array', items: element.kind, nullable: false };
    }
    default:
      throw new TypeError(
        `Column ${where}: expected a string, date, datetime, enum, number, integer, boolean or array schema, found zod type "${def.type}"`,
      );
  }
}

/** The dataset's columns in schema order, with kinds read from the zod v4 schema (z.iso.date() -> date, z.int() -> integer). */
export function datasetColumns(definition: DatasetDefinition): Column[] {
  const shape = definition.schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    ...describeZod(schema, `${definition.name}.${name}`),
    description: (definition.columns as Record<string, string>)[name] ?? '',
  }));
}
