import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SnapshotManifest, SnapshotResource } from './snapshot-manifest.ts';

/** A snapshot folder on disk. */
export interface SnapshotRef {
  /** The ISO date the snapshot represents (the folder name). */
  date: string;
  /** Absolute path of the snapshot folder. */
  dir: string;
}

/** A snapshot with its manifest and every `resources/*.json` merged into one resource list. */
export interface LoadedSnapshot {
  date: string;
  description: string;
  dir: string;
  resources: SnapshotResource[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The dated snapshot folders under `root` (those holding a manifest.json), oldest first. */
export function listSnapshots(root = 'snapshots'): SnapshotRef[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => ISO_DATE.test(name) && existsSync(path.join(root, name, 'manifest.json')))
    .sort()
    .map((date) => ({ date, dir: path.resolve(root, date) }));
}

/**
 * Resolve a `--snapshot` argument: a folder holding manifest.json, or a date naming a folder under `root`.
 * Without an argument, the newest snapshot under `root`.
 */
export function resolveSnapshot(argument: string | undefined, root = 'snapshots'): SnapshotRef {
  if (argument === undefined) {
    const newest = listSnapshots(root).at(-1);
    if (!newest)
      throw new RangeError(`No snapshots found under ${path.resolve(root)} (expected <date>/manifest.json)`);
    return newest;
  }
  const candidates = [argument, path.join(root, argument)];
  for (const candidate of candidates) {
    if (existsSync(path.join(candidate, 'manifest.json')) && statSync(candidate).isDirectory()) {
      return { date: path.basename(path.resolve(candidate)), dir: path.resolve(candidate) };
    }
  }
  const known = listSnapshots(root)
    .map((ref) => ref.date)
    .join(', ');
  throw new RangeError(
    `Snapshot "${argument}" not found: expected a folder with manifest.json or a date under ${root} (known: ${known || 'none'})`,
  );
}

const ResourceList = z.array(SnapshotResource);

/** Read a snapshot's manifest and its `resources/*.json` files; a URL listed twice is an error. */
export async function loadSnapshot(dir: string): Promise<LoadedSnapshot> {
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = SnapshotManifest.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  const resources: SnapshotResource[] = [...manifest.resources];
  const origins = new Map<string, string>(resources.map((resource) => [resource.url, manifestPath]));
  const resourcesDir = path.join(dir, 'resources');
  const extraFiles = existsSync(resourcesDir)
    ? (await readdir(resourcesDir)).filter((name) => name.endsWith('.json')).sort()
    : [];
  for (const name of extraFiles) {
    const file = path.join(resourcesDir, name);
    const parsed = ResourceList.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success)
      throw new RangeError(`Invalid snapshot resources in ${file}: ${parsed.error.message}`);
    for (const resource of parsed.data) {
      const previous = origins.get(resource.url);
      if (previous)
        throw new RangeError(`Snapshot URL ${resource.url} is listed twice: in ${previous} and ${file}`);
      origins.set(resource.url, file);
      resources.push(resource);
    }
  }
  return { date: manifest.date, description: manifest.description, dir: path.resolve(dir), resources };
}
