import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishCatalog } from '../../lib/lake/catalog.ts';
import { OGL_V3 } from '../../lib/lake/datapackage.ts';
import { sha256Hex } from '../../lib/lake/rows.ts';
import { getJson } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { buildCatalogLake, catalogDatasets, catalogSources } from '../fixtures/lake/catalog-lake.ts';

const profile = JSON.parse(
  await readFile(new URL('../fixtures/lake/data-package.schema.json', import.meta.url), 'utf8'),
) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(profile);

interface Resource {
  name: string;
  path: string;
  hash: string;
  bytes: number;
  format: string;
  schema: { fields: { name: string; type: string; description: string }[]; primaryKey: string[] };
}

describe('datapackage.json', () => {
  const store = new MemoryLakeStore();
  beforeAll(async () => {
    await buildCatalogLake(store);
    await publishCatalog(store, { datasets: catalogDatasets, sources: catalogSources, asOf: '2021-04-02' });
  });

  it('validates against the Data Package profile, at the lake root and for every version', async () => {
    const keys = (await store.list(''))
      .map((info) => info.key)
      .filter((key) => key.endsWith('datapackage.json'));
    expect(keys).toContain('datapackage.json');
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      const descriptor = await getJson(store, key);
      expect(validate(descriptor), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('rejects a descriptor that breaks the profile, so the validation can fail', async () => {
    const descriptor = (await getJson(store, 'datapackage.json')) as { resources: Resource[] };
    expect(validate({ ...descriptor, resources: [] })).toBe(false);
    expect(validate({ ...descriptor, name: 'Not A Valid Name' })).toBe(false);
    const [first] = descriptor.resources;
    expect(validate({ ...descriptor, resources: [{ ...first, path: '../escape.csv' }] })).toBe(false);
  });

  it('lists one resource per file of each latest version, with hashes and sizes that match the files', async () => {
    const descriptor = (await getJson(store, 'datapackage.json')) as {
      licenses: unknown[];
      sources: unknown[];
      resources: Resource[];
    };
    expect(descriptor.licenses).toEqual([OGL_V3]);
    // The javascript: "URL" is dropped: only http(s) paths are cited.
    expect(descriptor.sources).toEqual([catalogSources[0], { title: catalogSources[1]?.title }]);
    expect(descriptor.resources.map((resource) => resource.path)).toEqual([
      'datasets/ics_coverage/v3/ics_coverage.csv',
      'datasets/ics_coverage/v3/ics_coverage.json',
      'datasets/ics_coverage/v3/ics_coverage.parquet',
      'datasets/published_claims/v2/published_claims.csv',
      'datasets/published_claims/v2/published_claims.json',
      'datasets/published_claims/v2/published_claims.parquet',
      'datasets/regions/v1/regions.csv',
      'datasets/regions/v1/regions.json',
      'datasets/regions/v1/regions.parquet',
    ]);
    for (const resource of descriptor.resources) {
      const body = await store.get(resource.path);
      expect(resource.hash).toBe(`sha256:${sha256Hex(body ?? '')}`);
      expect(resource.bytes).toBe(body?.byteLength);
    }
  });

  it('gives each resource a Table Schema with Frictionless types, descriptions and the primary key', async () => {
    const descriptor = (await getJson(store, 'datasets/regions/v1/datapackage.json')) as {
      version: string;
      resources: Resource[];
    };
    expect(descriptor.version).toBe('1.0.0');
    const csv = descriptor.resources.find((resource) => resource.format === 'csv');
    expect(csv?.path).toBe('regions.csv');
    expect(csv?.schema.primaryKey).toEqual(['region_code']);
    expect(csv?.schema.fields.map((field) => [field.name, field.type])).toEqual([
      ['region_code', 'string'],
      ['name', 'string'],
      ['population', 'integer'],
      ['share_pct', 'number'],
      ['designated', 'boolean'],
      ['designated_on', 'date'],
      ['sub_icb_codes', 'string'],
      ['kind', 'string'],
    ]);
    expect(csv?.schema.fields[6]?.description).toMatch(/joined with ";"/);
    const json = descriptor.resources.find((resource) => resource.format === 'json');
    expect(json?.schema.fields[6]?.type).toBe('array');
    const parquet = descriptor.resources.find((resource) => resource.format === 'parquet');
    expect(parquet?.schema.fields[6]).toMatchObject({
      type: 'array',
      description: expect.stringMatching(/a Parquet LIST of string/),
    });
  });
});
