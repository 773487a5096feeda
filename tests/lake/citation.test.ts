import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CITATION, versionCitation } from '../../lib/lake/citation.ts';
import type { Manifest } from '../../lib/lake/manifest.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** CITATION.cff read by a real YAML parser (Debian's python3-yaml), as JSON. */
function readCff(): unknown {
  const json = execFileSync('/usr/bin/python3', [
    '-c',
    'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), default=str))',
    path.join(ROOT, 'CITATION.cff'),
  ]).toString();
  return JSON.parse(json);
}

/** The keys CFF 1.2.0 allows at the top level, and the shape of the ones we use. */
const CFF_KEYS = [
  'abstract',
  'authors',
  'cff-version',
  'commit',
  'contact',
  'date-released',
  'doi',
  'identifiers',
  'keywords',
  'license',
  'license-url',
  'message',
  'preferred-citation',
  'references',
  'repository',
  'repository-artifact',
  'repository-code',
  'title',
  'type',
  'url',
  'version',
];
const Author = z.union([
  z.object({ name: z.string().min(1) }).loose(),
  z.object({ 'family-names': z.string().min(1) }).loose(),
]);
const Cff = z
  .object({
    'cff-version': z.literal('1.2.0'),
    message: z.string().min(1),
    title: z.string().min(1),
    authors: z.array(Author).min(1),
    type: z.enum(['software', 'dataset']).optional(),
    version: z.string().optional(),
    license: z
      .string()
      .regex(/^[A-Za-z0-9.+-]+$/)
      .optional(),
    keywords: z.array(z.string().min(1)).optional(),
    references: z
      .array(
        z.object({ type: z.string(), title: z.string().min(1), authors: z.array(Author).min(1) }).loose(),
      )
      .optional(),
  })
  .loose();

describe('CITATION.cff', () => {
  it('is CFF 1.2.0 with only the keys the format defines, and names the lake as the catalog does', () => {
    const cff = readCff() as Record<string, unknown>;
    expect(Object.keys(cff).filter((key) => !CFF_KEYS.includes(key))).toEqual([]);
    const parsed = Cff.parse(cff);
    expect(parsed.title).toBe(CITATION.title);
    expect(parsed.authors).toEqual([{ name: CITATION.authors }]);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      license: string;
    };
    expect(parsed.version).toBe(pkg.version);
    expect(parsed.license).toBe(pkg.license);
  });

  it('would refuse a file without authors, so the check can fail', () => {
    const cff = readCff() as Record<string, unknown>;
    expect(Cff.safeParse({ ...cff, authors: [] }).success).toBe(false);
    expect(Cff.safeParse({ ...cff, 'cff-version': '1.1.0' }).success).toBe(false);
  });
});

describe('versionCitation', () => {
  it('names the dataset, version, release, date, path and content hash', () => {
    const manifest = {
      dataset: 'ics',
      version: 4,
      release: '2.1.0',
      as_of: '2022-07-01T00:00:00.000Z',
      content_hash: 'ab'.repeat(32),
    } as Manifest;
    expect(versionCitation('Integrated care systems and boards', manifest)).toBe(
      "ics-lake contributors (2022). Integrated care systems and boards [Data set], ics version 4 (release 2.1.0, as of 2022-07-01). In ics-lake: England's Integrated Care Systems, open data. datasets/ics/v4/ (content hash abababababab). Open Government Licence v3.0.",
    );
  });
});
