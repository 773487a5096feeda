import { z } from 'zod';
import { type DatasetDefinition, rowKey } from '../../core/dataset.ts';
import { diffRows, type RowsDiff } from '../../lake/diff.ts';
import { assertDatasetExists } from '../../lake/existing.ts';
import type { Manifest } from '../../lake/manifest.ts';
import { readVersionRows, resolveVersion } from '../../lake/versions.ts';
import type { ConfigureCommand } from './index.ts';
import { openExistingLake } from './lake-options.ts';
import { versionNumber } from './version-argument.ts';

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

/** Human-readable diff: one line per created or deleted row, one indented line per changed field. */
export function describeDiff(
  dataset: string,
  from: number,
  to: number,
  diff: RowsDiff,
  keyOf: (row: Record<string, unknown>) => string,
): string {
  const lines = [
    `${dataset} v${from} -> v${to}: ${diff.created.length} created, ${diff.updated.length} updated, ${diff.deleted.length} deleted`,
  ];
  for (const row of diff.created) lines.push(`+ ${keyOf(row)}\t${show(row)}`);
  for (const update of diff.updated) {
    lines.push(`~ ${update.key}`);
    for (const field of update.changed_fields) {
      lines.push(`    ${field}: ${show(update.before[field])} -> ${show(update.after[field])}`);
    }
  }
  for (const row of diff.deleted) lines.push(`- ${keyOf(row)}\t${show(row)}`);
  return `${lines.join('\n').replace(/\r/g, '\\r')}\n`;
}

/** `ics-lake diff <dataset> <vA> <vB>`: created, updated (field by field) and deleted rows between two versions. */
export const configureDiff: ConfigureCommand = (command) => {
  command
    .argument('<dataset>', 'dataset name, e.g. ics')
    .argument('<from>', 'the older version, e.g. 2 or v2', versionNumber)
    .argument('<to>', 'the newer version, e.g. 3 or v3', versionNumber)
    .option('--json', 'print the diff as JSON')
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake')
    .action(async (dataset: string, from: number, to: number, options: DiffOptions) => {
      const store = await openExistingLake(options);
      await assertDatasetExists(store, dataset);
      const [before, after] = [
        await resolveVersion(store, dataset, { version: from }),
        await resolveVersion(store, dataset, { version: to }),
      ];
      const definition = definitionFrom(after);
      const diff = diffRows(
        definition,
        await readVersionRows(store, dataset, before.version),
        await readVersionRows(store, dataset, after.version),
      );
      const keyOf = (row: Record<string, unknown>) => rowKey(definition, row);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ dataset, from, to, ...diff }, null, 2)}\n`
          : describeDiff(dataset, from, to, diff, keyOf),
      );
    });
};
