import { describeError } from '../core/errors.ts';
import { latestPaths, refreshLatestFiles } from './latest-files.ts';
import { fileKey, type LatestPointer, lakePaths, type Manifest } from './manifest.ts';
import { jsonBytes, pointerFor } from './publish.ts';
import { sha256Hex } from './rows.ts';
import { hashObject, type LakeStore, parseJsonOrUndefined, repairHint } from './store.ts';
import { committedVersionNumbers, readLatestPointer, readManifest } from './versions.ts';

/** One thing `ics-lake verify` found wrong (a `problem`) or worth saying (a `note`). */
export interface Finding {
  level: 'problem' | 'note';
  /** The lake key concerned. */
  key: string;
  message: string;
  /** How to repair it. */
  hint?: string;
  /** Set when `verify --repair` can fix it: `latest` copies again, `orphan` deletes a part no version holds. */
  repairable?: 'latest' | 'orphan';
}

/** Check every dataset: manifests, file hashes, latest.json, and that version dates never decrease. */
export async function verifyDatasets(store: LakeStore): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const name of await datasetNames(store)) findings.push(...(await verifyDataset(store, name)));
  return findings;
}

/** Every dataset folder under datasets/, with or without a latest.json. */
async function datasetNames(store: LakeStore): Promise<string[]> {
  const names = new Set<string>();
  for (const { key } of await store.list('datasets/')) {
    const name = key.split('/')[1];
    if (name !== undefined && key.split('/').length > 2) names.add(name);
  }
  return [...names].sort();
}

async function verifyDataset(store: LakeStore, name: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const prefix = lakePaths.datasetPrefix(name);
  const keys = (await store.list(prefix)).map((object) => object.key);
  const versions = [
    ...new Set(keys.flatMap((key) => /^v([1-9]\d*)\//.exec(key.slice(prefix.length))?.[1] ?? []).map(Number)),
  ].sort((a, b) => a - b);
  const committed: Manifest[] = [];
  // A partition file shared by many versions is hashed once: its result is remembered by key and digest.
  const checked = new Set<string>();
  for (const version of versions) {
    const key = lakePaths.manifest(name, version);
    if (!keys.includes(key)) {
      findings.push({
        level: 'note',
        key: lakePaths.versionPrefix(name, version),
        message:
          'files without a manifest: an uncommitted version left by an interrupted run (invisible to readers; the next publish replaces it)',
      });
      continue;
    }
    let manifest: Manifest | undefined;
    try {
      manifest = await readManifest(store, name, version);
    } catch (error) {
      findings.push({ level: 'problem', key, message: describeError(error), hint: repairHint(key) });
      continue;
    }
    if (manifest === undefined) continue;
    findings.push(...(await verifyFiles(store, manifest, checked)));
    committed.push(manifest);
  }
  findings.push(...orphanParts(name, keys, committed));
  findings.push(...versionOrder(name, committed));
  findings.push(...(await verifyLatest(store, name, committed.at(-1))));
  findings.push(...(await verifyLatestFiles(store, name, committed)));
  return findings;
}

/**
 * Part files no committed manifest lists: left by a run that wrote them and stopped before its commit. Harmless
 * (no reader finds them; the next publish of that content reuses them), so a note; `--repair` deletes them.
 */
function orphanParts(name: string, keys: readonly string[], committed: readonly Manifest[]): Finding[] {
  const referenced = new Set(
    committed.flatMap((manifest) => manifest.files.flatMap((file) => file.path ?? [])),
  );
  return keys
    .filter((key) => key.startsWith(lakePaths.partsPrefix(name)) && !referenced.has(key))
    .map((key) => ({
      level: 'note' as const,
      key,
      message:
        'a part file no committed version holds: left by an interrupted run (the next publish of the same content reuses it)',
      hint: 'Repair: ics-lake verify --repair deletes it',
      repairable: 'orphan' as const,
    }));
}

/** Each file of a version against the manifest's sha256 and size (streamed, so large files cost no memory). */
async function verifyFiles(store: LakeStore, manifest: Manifest, checked: Set<string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const files = [
    ...manifest.files.map((file) => ({ ...file, key: fileKey(manifest, file) })),
    {
      name: 'datapackage.json',
      ...manifest.datapackage,
      key: lakePaths.datapackage(manifest.dataset, manifest.version),
    },
  ];
  for (const file of files) {
    // Reported once, by the first version that holds it.
    if (checked.has(`${file.key} ${file.sha256} ${file.bytes}`)) continue;
    const result = await verifyFile(store, file.key, file);
    if (file.key.startsWith(lakePaths.partsPrefix(manifest.dataset)))
      checked.add(`${file.key} ${file.sha256} ${file.bytes}`);
    findings.push(...result);
  }
  return findings;
}

/** Version dates (`as_of`) never decrease with the version number: history only moves forward. */
function versionOrder(name: string, manifests: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (let index = 1; index < manifests.length; index += 1) {
    const [before, after] = [manifests[index - 1], manifests[index]];
    if (before && after && Date.parse(after.as_of) < Date.parse(before.as_of)) {
      findings.push({
        level: 'problem',
        key: lakePaths.manifest(name, after.version),
        message: `v${after.version} is dated ${after.as_of}, before v${before.version} (${before.as_of}): history went backwards`,
      });
    }
  }
  return findings;
}

async function verifyLatest(
  store: LakeStore,
  name: string,
  newest: Manifest | undefined,
): Promise<Finding[]> {
  const key = lakePaths.latest(name);
  const problem = (message: string): Finding[] => [
    {
      level: 'problem',
      key,
      message,
      hint: 'Repair: ics-lake verify --repair points it at the newest committed version',
      repairable: 'latest',
    },
  ];
  let pointer: LatestPointer | undefined;
  try {
    pointer = await readLatestPointer(store, name);
  } catch (error) {
    return problem(describeError(error).replace(/ Repair: .*$/, ''));
  }
  if (pointer === undefined)
    return newest === undefined ? [] : problem(`missing, although v${newest.version} is committed`);
  if (newest === undefined)
    return problem(`points at v${pointer.version}, but no committed version is readable`);
  if (pointer.version !== newest.version)
    return problem(`points at v${pointer.version}, but the newest committed version is v${newest.version}`);
  const manifestBytes = await store.get(pointer.manifest);
  if (manifestBytes === undefined || sha256Hex(manifestBytes) !== pointer.manifest_sha256)
    return problem(`its manifest_sha256 does not match ${pointer.manifest}`);
  return [];
}

/** Which committed version `latest/manifest.json` is a byte-for-byte copy of: a number, `missing` or `foreign`. */
async function latestMarkerVersion(store: LakeStore, name: string): Promise<number | 'missing' | 'foreign'> {
  const marker = await store.get(latestPaths.marker(name));
  if (marker === undefined) return 'missing';
  const version = (parseJsonOrUndefined(Buffer.from(marker).toString('utf8')) as { version?: unknown })
    ?.version;
  if (typeof version !== 'number') return 'foreign';
  const manifest = await store.get(lakePaths.manifest(name, version));
  return manifest !== undefined && Buffer.from(manifest).equals(Buffer.from(marker)) ? version : 'foreign';
}

/** Where each `latest/` copy stands: the committed version whose bytes it holds, `missing`, or `foreign`. */
async function latestCopyVersions(
  store: LakeStore,
  name: string,
  committed: readonly Manifest[],
): Promise<Map<string, number | 'missing' | 'foreign'>> {
  const standing = new Map<string, number | 'missing' | 'foreign'>();
  for (const file of committed.at(-1)?.files ?? []) {
    const actual = await hashObject(store, latestPaths.file(name, file.name));
    const match = [...committed]
      .reverse()
      .find((manifest) => manifest.files.some((f) => f.name === file.name && f.sha256 === actual?.sha256));
    standing.set(file.name, actual === undefined ? 'missing' : (match?.version ?? 'foreign'));
  }
  return standing;
}

/**
 * The stable copies under `latest/` against the committed versions. Copies left behind (or half moved on) by an
 * interrupted run are a note: each file still holds one committed version's bytes, and the next run that
 * publishes, or `verify --repair`, brings them forward. A copy that matches no committed version, or one left
 * behind under a marker that says it is current, is a problem.
 */
async function verifyLatestFiles(
  store: LakeStore,
  name: string,
  committed: readonly Manifest[],
): Promise<Finding[]> {
  const newest = committed.at(-1);
  if (newest === undefined) return [];
  const marker = await latestMarkerVersion(store, name);
  const standing = await latestCopyVersions(store, name, committed);
  const behind = [...standing].filter(([, version]) => version !== newest.version);
  if (behind.length === 0 && marker === newest.version) return [];
  const describe = [...behind, ['manifest.json', marker] as const]
    .map(([file, version]) => `${file} ${typeof version === 'number' ? `at v${version}` : version}`)
    .join(', ');
  const damaged =
    [marker, ...behind.map(([, version]) => version)].includes('foreign') || marker === newest.version;
  return [
    {
      level: damaged ? 'problem' : 'note',
      key: latestPaths.prefix(name),
      message: damaged
        ? `does not hold committed files (${describe})`
        : `behind v${newest.version} (${describe}): left by an interrupted run (or a lake written before latest/ existed); the next run that publishes brings it forward`,
      hint: 'Repair: ics-lake verify --repair copies the newest committed version',
      repairable: 'latest',
    },
  ];
}

/** One file against its manifest entry's sha256 and size. */
async function verifyFile(
  store: LakeStore,
  key: string,
  file: { sha256: string; bytes: number },
): Promise<Finding[]> {
  const actual = await hashObject(store, key);
  if (actual === undefined)
    return [{ level: 'problem', key, message: 'missing, but listed in its manifest', hint: repairHint(key) }];
  if (actual.sha256 === file.sha256 && actual.bytes === file.bytes) return [];
  return [
    {
      level: 'problem',
      key,
      message: `does not match its manifest (expected sha256 ${file.sha256}, ${file.bytes} bytes; found ${actual.sha256}, ${actual.bytes} bytes)`,
      hint: repairHint(key),
    },
  ];
}

/**
 * `verify --repair` for latest.json and the `latest/` copies: point the one at the newest committed version whose
 * manifest reads, and copy that version's files into the other.
 */
export async function repairLatest(store: LakeStore, name: string): Promise<number | undefined> {
  for (const version of (await committedVersionNumbers(store, name)).reverse()) {
    let manifest: Manifest | undefined;
    try {
      manifest = await readManifest(store, name, version);
    } catch {
      continue;
    }
    const bytes = await store.get(lakePaths.manifest(name, version));
    if (manifest === undefined || bytes === undefined) continue;
    await store.put(lakePaths.latest(name), jsonBytes(pointerFor(manifest, bytes)), {
      contentType: 'application/json',
    });
    await refreshLatestFiles(store, manifest, bytes, { force: true });
    return version;
  }
  return undefined;
}
