import { describeError } from '../../core/errors.ts';
import { bundledSnapshotsDir } from '../../core/project-root.ts';
import {
  documentUrlFor,
  explainAnnouncement,
  parseDocument,
  parseOutput,
  readCapturedDocument,
  referenceGazetteer,
} from '../../parse/dispatch.ts';
import { catalogue, sourceById } from '../../sources/catalogue.ts';
import type { ConfigureCommand } from './index.ts';

interface ParseOptions {
  source: string;
  url?: string;
  snapshots: string;
  explain?: boolean;
}

const OUTPUT_HELP = `
Output (JSON on stdout):
  announcements (nhse-news, trade-press)  { records: [{ ics_code, name_as_published, announced_on, effective_from,
                                            evidence, source_url, resolution }], announcement: {...} }
                                          a page that announces no designation gives { records: [] }
  listing (nhse-ics-list)                 { records: [{ ics_code, name_as_published, region, href, evidence,
                                            resolution }], listing: { url, title, stated_total } }
  lookups (ons-code-lookups)              { records: [...rows], lookup: { kind, vintage } }
  population (ons-population)             { records: [...rows] }
  GP registrations (nhsd-gp-registrations, CSV or ZIP)
                                          { aggregate: { ..., icb_totals: [{ ics_code, patients, practice_count }],
                                          unresolved_sub_icb_locations }, archive_entry } (per-sub-ICB sums, and
                                          per-ICB totals resolved on ODS codes through the lookups in force on the
                                          extract date, so stale ONS codes still resolve; a ZIP with several CSVs
                                          gives { aggregates: [{ archive_entry, aggregate }] })
Names resolve to ICS codes through the lookups of the newest snapshot; an unresolved name keeps ics_code null
and says why in "resolution".

Fails with exit 1 and one line on stderr when:
  - the file is larger than its source's byte cap (the catalogue's maxBytes, the cap a fetch of the source has);
    the size is checked before the file is read. Caps:
${catalogue.map((entry) => `      ${entry.id.padEnd(24)}${entry.maxBytes / 2 ** 20} MiB`).join('\n')}
  - an announcement fails closed: count_mismatch (the page states a number of areas that differs from the areas
    found) or layout_drift (the headline or lead announces designations but no area is found, or no publication
    date); the line names the mismatch and the areas found;
  - any other layout drift or invalid data.

--explain (announcement sources) prints, instead of JSON, every mention of a known ICS name with the decision
taken on it and the words that drove it, the counts checked and the outcome; it exits 1 on a fail-closed page.
`;

/** `ics-lake parse --source <id> <file>`: parse one captured document and print its records as JSON. */
export const configureParse: ConfigureCommand = (command) => {
  command
    .argument('<file>', 'the captured document (HTML page, CSV or ZIP)')
    .requiredOption(
      '--source <source-id>',
      `the catalogue source: ${catalogue.map((entry) => entry.id).join(', ')}`,
    )
    .option('--url <url>', 'the URL it was published at (default: from the snapshot manifest, else file://)')
    .option('--snapshots <dir>', 'the snapshots whose newest lookups resolve names', bundledSnapshotsDir())
    .option('--explain', 'announcements: print each mention with its decision and the words that drove it')
    .addHelpText('after', OUTPUT_HELP)
    .action(async (file: string, options: ParseOptions) => {
      const source = sourceById(options.source);
      try {
        const bytes = await readCapturedDocument(file, source);
        const url = options.url ?? (await documentUrlFor(file));
        const gazetteer = await referenceGazetteer(options.snapshots);
        if (options.explain) {
          const { text, failure } = explainAnnouncement(source, bytes, { url, gazetteer });
          process.stdout.write(text);
          if (failure) throw new Error(failure);
          return;
        }
        const knownNames = (name: string) => gazetteer.isKnownName(name);
        const parsed = await parseDocument(source, bytes, { url, gazetteer, knownNames });
        process.stdout.write(`${JSON.stringify(parseOutput(parsed, gazetteer.resolve), null, 2)}\n`);
      } catch (error) {
        const message = describeError(error);
        process.stderr.write(
          `ics-lake parse: ${message.includes(source.id) ? message : `${source.id}: ${message}`}\n`,
        );
        process.exitCode = 1;
      }
    });
};
