import { z } from 'zod';
import type { DatasetDefinition } from '../../core/dataset.ts';
import { diffRows, type RowsDiff } from '../../lake/diff.ts';
import { assertDatasetExists } from '../../lake/existing.ts';
import { isPartitioned, type Manifest } from '../../lake/manifest.ts';
import type { LakeStore } from '../../lake/store.ts';
import { diffVersions } from '../../lake/version-diff.ts';
import { readVersionRows, resolveVersion, type VersionSelector, versionAsOf } from '../../lake/versions.ts';
import { asOfNote, versionSelector } from './arguments.ts';
import type { ConfigureCommand } from './index.ts';
import { openExistingLake } from './lake-options.ts';

interface DiffOptions {
  json?: boolean;
  lake: string;
  endpoint?: string;
}

/** The key and column order of a version, from its manifest, so any dataset in the lake can be diffed. */
function definitionFrom(manifest: Manifest): DatasetDefinition {
  const properties = Object.keys((manifest.schema.properties ?? {}) as Record<string, unknown>);
  return {
    name: manifest.dataset,
    title: manifest.dataset,
    description: '',
    schema: z.object(Object.fromEntries(properties.map((column) => [column, z.unknown()]))),
    primaryKey: manifest.primary_key,
    columns: {},
  };
}

function show(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * ICS names by ODS code, from the `ics` version that was latest at `asOf` (names change between eras: STP, ICS,
 * ICB); empty when the lake has no `ics` dataset then.
 */
export async function icsNamesAt(store: LakeStore, asOf: string): Promise<Map<string, string>> {
  const manifest = await versionAsOf(store, 'ics', asOf).catch(() => undefined);
  if (manifest === undefined) return new Map();
  const rows = await readVersionRows(store, 'ics', manifest.version);
  return new Map(
    rows.flatMap((row) =>
      typeof row.ics_code === 'string' && typeof row.name === 'string'
        ? [[row.ics_code, row.name] as const]
        : [],
    ),
  );
}

/**
 * A row's key with names beside codes: `E54000008 (Cheshire and Merseyside)`. A key column's name is its
 * `<x>_name` sibling (predecessor_code -> predecessor_name), else the row's `name` for the first key column,
 * else the ICS name of that code.
 */
export function keyLabeller(
  primaryKey: readonly string[],
  icsNames: ReadonlyMap<string, string>,
): (row: Record<string, unknown>) => string {
  const nameFor = (column: string, value: string, row: Record<string, unknown>, first: boolean) => {
    const sibling = column.endsWith('_code') ? row[`${column.slice(0, -'_code'.length)}_name`] : undefined;
    if (typeof sibling === 'string' && sibling !== '') return sibling;
    if (first && typeof row.name === 'string' && row.name !== '') return row.name;
    return icsNames.get(value);
  };
  return (row) =>
    primaryKey
      .map((column, index) => {
        const value = String(row[column] ?? '');
        const name = nameFor(column, value, row, index === 0);
        return name === undefined ? value : `${value} (${name})`;
      })
      .join('|');
}

/** Human-readable diff: one line per created or deleted row, one indented line per changed field. */
export function describeDiff(
  dataset: string,
  from: number,
  to: number,
  diff: RowsDiff,
  labelOf: (row: Record<string, unknown>) => string,
): string {
  const lines = [
    `${dataset} v${from} -> v${to}: ${diff.created.length} created, ${diff.updated.length} updated, ${diff.deleted.length} deleted`,
  ];
  for (const row of diff.created) lines.push(`+ ${labelOf(row)}\t${show(row)}`);
  for (const update of diff.updated) {
    lines.push(`~ ${labelOf(update.after)}`);
    for (const field of update.changed_fields) {
      lines.push(`    ${field}: ${show(update.before[field])} -> ${show(update.after[field])}`);
    }
  }
  for (const row of diff.deleted) lines.push(`- ${labelOf(row)}\t${show(row)}`);
  return `${lines.join('\n').replace(/\r/g, '\\r')}\n`;
}

/** The manifest a version argument picks, noting on stderr which version an as-of argument chose. */
async function resolveArgument(
  store: LakeStore,
  dataset: string,
  selector: VersionSelector,
): Promise<Manifest> {
  const manifest = await resolveVersion(store, dataset, selector);
  if (selector.asOf !== undefined) process.stderr.write(`${asOfNote(manifest, String(selector.asOf))}\n`);
  return manifest;
}

const VERSION_HELP =
  'a version (3 or v3), latest, or an ISO date (the version latest then; a date alone: end of day UTC)';

/** `ics-lake diff <dataset> <from> <to>`: created, updated (field by field) and deleted rows between two versions. */
export const configureDiff: ConfigureCommand = (command) => {
  command
    .argument('<dataset>', 'dataset name, e.g. ics')
    .argument('<from>', `the older version: ${VERSION_HELP}`, versionSelector)
    .argument('<to>', `the newer version: ${VERSION_HELP}`, versionSelector)
    .option('--json', 'print the diff as JSON')
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake')
    .action(async (dataset: string, from: VersionSelector, to: VersionSelector, options: DiffOptions) => {
      const store = await openExistingLake(options);
      await assertDatasetExists(store, dataset);
      const before = await resolveArgument(store, dataset, from);
      const after = await resolveArgument(store, dataset, to);
      const definition = definitionFrom(after);
      // Two partitioned versions: only the partitions whose hash differs are read (the same answer as diffRows).
      const diff =
        isPartitioned(before) && isPartitioned(after)
          ? (await diffVersions(store, definition, before.version, after.version)).diff
          : diffRows(
              definition,
              await readVersionRows(store, dataset, before.version),
              await readVersionRows(store, dataset, after.version),
            );
      const [v1, v2] = [before.version, after.version];
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ dataset, from: v1, to: v2, ...diff }, null, 2)}\n`);
        return;
      }
      const labelOf = keyLabeller(definition.primaryKey, await icsNamesAt(store, after.as_of));
      process.stdout.write(describeDiff(dataset, v1, v2, diff, labelOf));
    });
};
