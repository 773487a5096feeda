import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { datasetDefinitions } from '../../lib/normalise/datasets.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import { reorganisedWorld } from './reorganised-world.ts';
import { smallWorld } from './small-world.ts';

describe('dataset definitions', () => {
  it('defines the seven datasets in publication order', () => {
    expect(datasetDefinitions.map((definition) => definition.name)).toEqual([
      'ics',
      'ics_lineage',
      'ics_designations',
      'ics_population',
      'ics_coverage',
      'published_claims',
      'ics_lifecycle_claims',
    ]);
  });

  it.each(datasetDefinitions.map((definition) => [definition.name, definition]))(
    '%s describes every column of its schema, and only those',
    (_name, definition) => {
      const schemaColumns = Object.keys(definition.schema.shape);
      expect(Object.keys(definition.columns)).toEqual(schemaColumns);
      for (const column of schemaColumns) {
        expect((definition.columns as Record<string, string>)[column]?.length, column).toBeGreaterThan(10);
      }
      expect(definition.description.length).toBeGreaterThan(20);
      for (const key of definition.primaryKey) expect(schemaColumns).toContain(key);
    },
  );

  it.each(datasetDefinitions.map((definition) => [definition.name, definition]))(
    '%s exports as JSON Schema with every column required',
    (_name, definition) => {
      const jsonSchema = z.toJSONSchema(definition.schema) as { required?: string[] };
      expect(jsonSchema.required?.sort()).toEqual(Object.keys(definition.schema.shape).sort());
    },
  );

  it('accepts every row the normalise stage produces, with unique primary keys', () => {
    const designations = normalise(smallWorld(), { asOf: '2021-04-12' }).datasets;
    const reorganisation = normalise(reorganisedWorld(), { asOf: '2026-11-30' }).datasets;
    for (const definition of datasetDefinitions) {
      const name = definition.name as keyof typeof designations;
      const rows = (designations[name].length > 0 ? designations[name] : reorganisation[name]) as Record<
        string,
        unknown
      >[];
      expect(rows.length, definition.name).toBeGreaterThan(0);
      const keys = new Set<string>();
      for (const row of rows) {
        expect(() => definition.schema.parse(row), definition.name).not.toThrow();
        keys.add(definition.primaryKey.map((column) => String(row[column])).join('|'));
      }
      expect(keys.size, definition.name).toBe(rows.length);
    }
  });

  it('rejects a row that breaks the contract', () => {
    const ics = datasetDefinitions[0];
    const { datasets } = normalise(smallWorld(), { asOf: '2021-04-12' });
    expect(() => ics?.schema.parse({ ...datasets.ics[0], status: 'designated' })).toThrow();
    expect(() => ics?.schema.parse({ ...datasets.ics[0], designated_from: '8 December 2020' })).toThrow();
  });
});
