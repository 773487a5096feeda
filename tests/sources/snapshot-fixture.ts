import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SourceEntry, SourceEntry as SourceEntrySchema } from '../../lib/sources/catalogue.ts';
import type { SnapshotResource } from '../../lib/sources/snapshot-manifest.ts';

/** A resource for an ad-hoc test snapshot: the manifest fields plus an inline body. */
export type FixtureResource = Partial<Omit<SnapshotResource, 'url' | 'file'>> & {
  url: string;
  body?: string | Uint8Array;
};

/** The folder holding the committed mini snapshots (real catalogue URLs, tiny bodies). */
export const MINI_SNAPSHOTS = path.resolve(import.meta.dirname, '../fixtures/snapshots-mini');

/** Write a throw-away snapshot folder (manifest + bodies) under the system temp folder and return its path. */
export async function writeSnapshot(resources: FixtureResource[], date = '2020-06-15'): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'ics-lake-snapshot-'));
  const dir = path.join(root, date);
  await mkdir(path.join(dir, 'files'), { recursive: true });
  const manifestResources = resources.map(({ body, ...resource }, index) => {
    if (body === undefined) return resource;
    const file = `files/${index}.bin`;
    writeFileSync(path.join(dir, file), body);
    return { ...resource, file };
  });
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ date, description: 'test snapshot', resources: manifestResources }, null, 2),
  );
  return dir;
}

/** A catalogue entry for tests, with small limits; override any field. */
export function testSource(overrides: Partial<SourceEntry> = {}): SourceEntry {
  return SourceEntrySchema.parse({
    id: 'test-source',
    publisher: 'Test',
    title: 'A test source',
    kind: 'html-listing',
    authority: 'official',
    landingUrls: ['https://www.england.nhs.uk/test/'],
    landingIsDocument: true,
    discovery: [],
    cadence: { description: 'test', overdueAfterDays: 30 },
    allowedHosts: ['www.england.nhs.uk'],
    maxBytes: 1024 * 1024,
    deadlineMs: 5_000,
    ...overrides,
  });
}
