import { assertDatasetExists } from '../../lake/existing.ts';
import { listVersions } from '../../lake/versions.ts';
import type { ConfigureCommand } from './index.ts';
import { openExistingLake } from './lake-options.ts';

interface VersionsOptions {
  lake: string;
  endpoint?: string;
  json?: boolean;
}

/** `ics-lake versions <dataset>`: every committed version with its date, row count and change summary. */
export const configureVersions: ConfigureCommand = (command) => {
  command
    .argument('<dataset>', 'dataset name, e.g. ics')
    .option('--lake <uri>', 'lake folder or s3://bucket/prefix', './lake')
    .option('--endpoint <url>', 'S3-compatible endpoint for an s3:// lake')
    .option('--json', 'print the manifests as JSON Lines')
    .action(async (dataset: string, options: VersionsOptions) => {
      const store = await openExistingLake(options);
      await assertDatasetExists(store, dataset);
      const manifests = await listVersions(store, dataset);
      if (manifests.length === 0) throw new Error(`Dataset ${dataset} has no versions in ${store.location}`);
      for (const manifest of manifests) {
        const { created, updated, deleted } = manifest.changes;
        const line = options.json
          ? JSON.stringify(manifest)
          : [
              `v${manifest.version}`,
              manifest.as_of.slice(0, 10),
              `${manifest.rows} rows`,
              `+${created} ~${updated} -${deleted}`,
              manifest.schema_change
                ? `schema change (release ${manifest.release})`
                : `release ${manifest.release}`,
            ].join('\t');
        process.stdout.write(`${line}\n`);
      }
    });
};
