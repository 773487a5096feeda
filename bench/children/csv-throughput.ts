// Child process: over one lake object, time the real GP parse+validate+aggregate stage, a bare papaparse parse that
// discards rows, and a newline-counting byte scan, interleaved run by run so machine noise hits all three alike.
import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import { FolderLakeStore } from '../../lib/lake/stores/folder.ts';
import {
  aggregateGpRegistrationBatches,
  parseGpRegistrationBatches,
} from '../../lib/parse/gp-registrations.ts';

const [lakeDir, key, runsText] = process.argv.slice(2);
if (lakeDir === undefined || key === undefined)
  throw new Error('usage: csv-throughput.ts <lake> <key> [runs]');
const store = new FolderLakeStore(lakeDir);
const runs = Number(runsText ?? 3);

async function open(): Promise<Readable> {
  const stream = await store.getStream(key as string);
  if (stream === undefined) throw new Error(`${key} is not in ${lakeDir}`);
  return stream;
}

async function pipelineStage(): Promise<number> {
  const options = { sourceId: 'nhsd-gp-registrations', url: `bench:${key}` };
  const aggregate = await aggregateGpRegistrationBatches(
    parseGpRegistrationBatches(await open(), options),
    options,
  );
  return aggregate.row_count;
}

async function barePapaparse(): Promise<number> {
  const stream = await open();
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream, {
      delimiter: ',',
      chunk: (results) => {
        rows += results.data.length;
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    });
  });
  return rows;
}

async function byteScan(): Promise<number> {
  let lines = 0;
  for await (const chunk of (await open()) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(10);
    while (at !== -1) {
      lines += 1;
      at = chunk.indexOf(10, at + 1);
    }
  }
  return lines;
}

const methods = { pipeline: pipelineStage, papaparse: barePapaparse, byteScan };
const ms: Record<keyof typeof methods, number[]> = { pipeline: [], papaparse: [], byteScan: [] };
// CPU time of this process (all its threads, GC included) per method: other jobs on the machine stretch wall time
// but not the work done, so the CPU ratio stays readable when the machine is busy.
const cpuMs: Record<keyof typeof methods, number[]> = { pipeline: [], papaparse: [], byteScan: [] };
const counts: Record<string, number> = {};
for (let run = 0; run < runs; run++) {
  for (const [name, method] of Object.entries(methods) as [keyof typeof methods, () => Promise<number>][]) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    counts[name] = await method();
    const cpu = process.cpuUsage(cpuStart);
    ms[name].push(performance.now() - started);
    cpuMs[name].push((cpu.user + cpu.system) / 1000);
  }
}
const bytes = (await store.list(key)).find((object) => object.key === key)?.bytes ?? 0;
process.stdout.write(`${JSON.stringify({ bytes, ms, cpuMs, counts })}\n`);
