// Child process: the process stage's own work on ics_population (issue 15) — parse every source's current documents,
// normalise, build the population rows — over a history lake, without publishing, in one of three modes, each
// measured in a process of its own:
//   whole: every GP edition's parse whole in memory and every ics_population row built (as before issue 15);
//   month: GP sex x age cells held out of memory and ics_population built for the newest month and its re-based
//          year only, which is all publish asks for while the newest edition places practices as the one before;
//   moved: as month, and every re-based year too, which publish asks for when a practice every year holds moves to
//          another location (openings and closures, which the bench's editions have, do not move earlier years).
// Prints one JSON line: { ms, peakRssBytes, rows, partitions, built }.
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import { normalise, normalisePartitioned } from '../../lib/normalise/normalise.ts';
import { isRebasedPartition, rebasedPartitionOf } from '../../lib/normalise/population-partitions.ts';
import { gazetteerOfParsed, parseSources } from '../../lib/pipeline/parse-stage.ts';
import { catalogue } from '../../lib/sources/catalogue.ts';
import { peakRssBytes, resetPeakRss } from '../memory.ts';

const [lakeDir, mode, asOf] = process.argv.slice(2);
if (lakeDir === undefined || !['whole', 'month', 'moved'].includes(mode ?? '') || asOf === undefined)
  throw new Error('usage: process-side.ts <lake> whole|month|moved <as-of YYYY-MM-DD>');

const store = new FolderLakeStore(lakeDir);
resetPeakRss();
const started = performance.now();
const parsed = await parseSources({
  store,
  runId: 'bench-process-side',
  catalogue,
  quarantine: () => {},
  gazetteerFor: gazetteerOfParsed,
  holdGpDetailOut: mode !== 'whole',
});
let result: { rows: number; partitions: number; built: string[] };
if (mode === 'whole') {
  const rows = normalise(parsed.input, { asOf }).datasets.ics_population.length;
  result = { rows, partitions: 0, built: [] };
} else {
  const { population } = await normalisePartitioned(
    parsed.input,
    { asOf },
    {
      codeVersion: 'bench',
      loadSexAge: parsed.loadGpSexAge,
      loadPractices: parsed.loadGpPractices,
      loadPracticeIndex: parsed.loadPracticeIndex,
    },
  );
  // The run's own month: the newest month partition not after the as-of date (an ONS estimate may be dated later),
  // and its re-based year.
  const months = [...population.inputs.keys()]
    .filter((partition) => !isRebasedPartition(partition) && partition <= asOf.slice(0, 7))
    .sort();
  const month = months.at(-1);
  const years = [...population.inputs.keys()].filter(isRebasedPartition);
  const built = [month, ...(mode === 'moved' ? years : [month && rebasedPartitionOf(month)])].filter(
    (partition): partition is string => partition !== undefined && population.inputs.has(partition),
  );
  const { rows } = await population.build(new Set(built));
  result = { rows: rows.length, partitions: population.inputs.size, built };
}
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, peakRssBytes: peakRssBytes(), ...result })}\n`,
);
