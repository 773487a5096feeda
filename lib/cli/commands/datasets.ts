import type { DatasetDefinition } from '../../core/dataset.ts';
import { listDatasets } from '../../lake/existing.ts';
import type { LakeStore } from '../../lake/store.ts';
import { readLatest } from '../../lake/versions.ts';
import { datasetDefinitions } from '../../normalise/datasets.ts';
import type { ConfigureCommand } from './index.ts';
import { type LakeCliOptions, openExistingLake, withLakeOptions } from './lake-options.ts';

/** One dataset as `ics-lake datasets` lists it: the latest version's figures, when there is one. */
export interface DatasetSummary {
  name: string;
  /** Undefined when the lake has not published the dataset (yet). */
  latest?: { version: number; release: string; rows: number; as_of: string; created_at: string };
  description: string;
}

/**
 * Every dataset defined by the pipeline or present in the lake, in definition order (others after, by name), with
 * its latest version read through latest.json and its manifest.
 */
export async function summariseDatasets(
  store: LakeStore,
  definitions: readonly DatasetDefinition[],
): Promise<DatasetSummary[]> {
  const defined = definitions.map((definition) => definition.name);
  const names = [...defined, ...(await listDatasets(store)).filter((name) => !defined.includes(name))];
  const summaries: DatasetSummary[] = [];
  for (const name of names) {
    const manifest = await readLatest(store, name);
    const description = definitions.find((definition) => definition.name === name)?.description ?? '';
    summaries.push({
      name,
      description,
      ...(manifest && {
        latest: {
          version: manifest.version,
          release: manifest.release,
          rows: manifest.rows,
          as_of: manifest.as_of,
          created_at: manifest.created_at,
        },
      }),
    });
  }
  return summaries;
}

/** The first sentence of a description, on one line. */
function firstSentence(description: string): string {
  const text = description.replace(/\s+/g, ' ').trim();
  const end = text.search(/[.!?] /);
  return end === -1 ? text : text.slice(0, end + 1);
}

/** `name  vN  rows  as-of date  description` (its first sentence), tab-separated like `ics-lake versions`. */
export function describeDatasetSummary({ name, latest, description }: DatasetSummary): string {
  const figures = latest
    ? [`v${latest.version}`, `${latest.rows} rows`, latest.as_of.slice(0, 10)]
    : ['-', 'not published', '-'];
  return [name, ...figures, firstSentence(description)].join('\t');
}

/** `ics-lake datasets`: what the lake publishes, from its latest pointers and the dataset definitions. */
export const configureDatasets: ConfigureCommand = (command) => {
  withLakeOptions(command.option('--json', 'print one JSON object per dataset (JSON Lines)')).action(
    async (options: LakeCliOptions & { json?: boolean }) => {
      const store = await openExistingLake(options);
      for (const summary of await summariseDatasets(store, datasetDefinitions)) {
        process.stdout.write(`${options.json ? JSON.stringify(summary) : describeDatasetSummary(summary)}\n`);
      }
    },
  );
};
