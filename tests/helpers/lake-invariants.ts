import path from 'node:path';
import { expect } from 'vitest';
import { fileKey, Manifest } from '../../lib/lake/manifest.ts';
import { sha256Hex } from '../../lib/lake/rows.ts';
import { getText, type LakeStore } from '../../lib/lake/store.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { listVersions, readLatestPointer, readVersionRows } from '../../lib/lake/versions.ts';

/** The committed small snapshots (real pages, GP files cut to two CCGs): a full replay takes about a second. */
export const SMALL_SNAPSHOTS = path.resolve(import.meta.dirname, '../fixtures/snapshots-small');

/** A copy of a memory lake, to restart from a checkpoint. */
export function cloneLake(store: MemoryLakeStore): MemoryLakeStore {
  const copy = new MemoryLakeStore();
  for (const [key, value] of store.objects) copy.objects.set(key, new Uint8Array(value));
  return copy;
}

/** Every object's sha256 by key, optionally leaving out keys under some prefixes (e.g. `runs/`). */
export function memoryLakeHashes(
  store: MemoryLakeStore,
  exclude: readonly string[] = [],
): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const key of [...store.objects.keys()].sort()) {
    if (exclude.some((prefix) => key.startsWith(prefix))) continue;
    hashes[key] = sha256Hex(store.objects.get(key) ?? new Uint8Array());
  }
  return hashes;
}

/** Only the published outputs: datasets, feed and catalog (no raw zone, state, caches or run reports). */
export function publishedHashes(store: MemoryLakeStore): Record<string, string> {
  const hashes = memoryLakeHashes(store);
  return Object.fromEntries(
    Object.entries(hashes).filter(([key]) => key.startsWith('datasets/') || key.startsWith('feed/')),
  );
}

/**
 * Assert the lake's public face is consistent: every `datasets/<name>/latest.json` points at a manifest whose
 * hash it records and whose files all match the manifest's hashes, and every event in any feed page names a
 * committed version (at or below latest.json, with a manifest). Returns the committed version per dataset.
 */
export async function assertCommittedLake(store: LakeStore): Promise<Record<string, number>> {
  const committed: Record<string, number> = {};
  const pointers = (await store.list('datasets/')).filter(({ key }) =>
    /^datasets\/[^/]+\/latest\.json$/.test(key),
  );
  for (const { key } of pointers) {
    const name = key.split('/')[1] ?? '';
    const pointer = await readLatestPointer(store, name);
    if (pointer === undefined) throw new Error(`${key} unreadable`);
    const manifestText = await getText(store, pointer.manifest);
    expect(manifestText, `${pointer.manifest} exists`).toBeDefined();
    expect(sha256Hex(manifestText ?? ''), `${pointer.manifest} hash`).toBe(pointer.manifest_sha256);
    const manifest = Manifest.parse(JSON.parse(manifestText ?? ''));
    const files = [
      ...manifest.files.map((file) => ({ ...file, key: fileKey(manifest, file) })),
      {
        name: 'datapackage.json',
        ...manifest.datapackage,
        key: `datasets/${name}/v${manifest.version}/datapackage.json`,
      },
    ];
    for (const file of files) {
      // A partitioned version's files are shared parts (datasets/<name>/parts/…), the others in its folder.
      const body = await store.get(file.key);
      expect(body && sha256Hex(body), `${name} v${manifest.version} ${file.name}`).toBe(file.sha256);
    }
    committed[name] = manifest.version;
    await assertLatestCopiesNotAhead(store, name, manifest.version);
  }
  // Copies of a dataset whose latest.json is not written yet are ahead of it by definition.
  for (const { key } of await store.list('datasets/')) {
    const name = /^datasets\/([^/]+)\/latest\//.exec(key)?.[1];
    if (name !== undefined && committed[name] === undefined) await assertLatestCopiesNotAhead(store, name, 0);
  }
  for (const { key } of await store.list('feed/')) {
    if (!key.endsWith('.jsonl')) continue;
    const text = (await getText(store, key)) ?? '';
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as { data?: { dataset?: string; version?: number } };
      const dataset = event.data?.dataset;
      const version = event.data?.version;
      if (dataset === undefined || version === undefined) continue;
      expect(version, `${key}: event for ${dataset} v${version}`).toBeLessThanOrEqual(
        committed[dataset] ?? 0,
      );
      expect(await store.exists(`datasets/${dataset}/v${version}/manifest.json`)).toBe(true);
    }
  }
  return committed;
}

/**
 * Every `datasets/<name>/latest/` copy present holds the bytes of a committed version no newer than `latest.json`'s:
 * a crash may leave the stable URLs behind, never ahead and never half-written.
 */
async function assertLatestCopiesNotAhead(store: LakeStore, name: string, pointed: number): Promise<void> {
  const allowed = new Set<string>();
  for (const manifest of await listVersions(store, name)) {
    if (manifest.version > pointed) continue;
    for (const file of manifest.files) allowed.add(`${file.name} ${file.sha256}`);
    const manifestBytes = await store.get(`datasets/${name}/v${manifest.version}/manifest.json`);
    if (manifestBytes !== undefined) allowed.add(`manifest.json ${sha256Hex(manifestBytes)}`);
  }
  for (const { key } of await store.list(`datasets/${name}/latest/`)) {
    const body = await store.get(key);
    const found = `${key.split('/').at(-1)} ${body === undefined ? 'missing' : sha256Hex(body)}`;
    expect(allowed.has(found), `${key} holds a committed version at or below latest.json's v${pointed}`).toBe(
      true,
    );
  }
}

/** The column of each dataset that dates an observation: no version may hold one later than its own date. */
const OBSERVED_ON: Readonly<Record<string, string>> = {
  ics_designations: 'announced_on',
  ics_population: 'reference_date',
  ics_coverage: 'date',
  published_claims: 'date',
};

/**
 * Time only moves forward, on every dataset: version dates (`as_of`) never decrease with the version number,
 * and no version holds data observed after its own date (a population dated 2022-07-01 in a version as of
 * 2021-04-12 would be history rewritten with newer documents).
 */
export async function assertTimeMovesForward(store: LakeStore): Promise<void> {
  const names = new Set(
    (await store.list('datasets/')).flatMap(
      ({ key }) => /^datasets\/([^/]+)\/latest\.json$/.exec(key)?.[1] ?? [],
    ),
  );
  for (const name of names) {
    const manifests = await listVersions(store, name);
    for (let index = 1; index < manifests.length; index += 1) {
      const [before, after] = [manifests[index - 1], manifests[index]];
      expect(
        Date.parse(after?.as_of ?? ''),
        `${name} v${after?.version} dated before v${before?.version}`,
      ).toBeGreaterThanOrEqual(Date.parse(before?.as_of ?? ''));
    }
    const column = OBSERVED_ON[name];
    if (column === undefined) continue;
    for (const manifest of manifests) {
      const asOf = manifest.as_of.slice(0, 10);
      const rows = await readVersionRows(store, name, manifest.version);
      const late = rows.filter((row) => typeof row[column] === 'string' && (row[column] as string) > asOf);
      expect(
        late.map((row) => row[column]),
        `${name} v${manifest.version} (as of ${asOf}) holds later ${column}`,
      ).toEqual([]);
    }
  }
}
