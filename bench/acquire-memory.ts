import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { startSnapshotServer } from '../lib/sources/snapshot-server.ts';
import { runChild } from './child.ts';

const EDITION =
  'https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice/january-2021';
const CSV_URL = 'https://files.digital.nhs.uk/AA/BENCH1/gp-reg-pat-prac-all-bench.csv';
const ZIP_URL = 'https://files.digital.nhs.uk/AA/BENCH2/gp-reg-pat-prac-all-zipped.zip';

/** One acquire measured in a fresh child process. */
export interface AcquireMeasurement {
  ms: number;
  peakRssBytes: number;
  outcome: { status: string; documents: number; newObjects: number; bytes: number };
}

/**
 * Build a one-edition snapshot serving `csvFile` as a plain CSV and `zipSourceFile` inside a ZIP, serve it from this
 * process, and acquire it from a fresh child process into an empty lake (so the server's own buffers do not count).
 */
export async function measureAcquireMemory(
  workDir: string,
  csvFile: string,
  zipSourceFile: string,
): Promise<AcquireMeasurement> {
  const snapshotDir = path.join(workDir, 'acquire-snapshot');
  await rm(snapshotDir, { recursive: true, force: true });
  await mkdir(path.join(snapshotDir, 'resources'), { recursive: true });
  await mkdir(path.join(snapshotDir, 'files'), { recursive: true });
  const zipFile = path.join(snapshotDir, 'files', 'edition.zip');
  const zip = new yazl.ZipFile();
  zip.addReadStream(createReadStream(zipSourceFile), 'gp-reg-pat-prac-all-entry.csv');
  zip.end();
  const out = createWriteStream(zipFile);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
  const csvCopy = path.join(snapshotDir, 'files', 'edition.csv');
  // The snapshot server refuses files outside its folder: link the CSV in (copy across filesystems).
  await link(csvFile, csvCopy).catch(() => copyFile(csvFile, csvCopy));
  const page = `<!doctype html><html><body><div id="resources"><a href="${CSV_URL}">CSV</a> <a href="${ZIP_URL}">ZIP</a></div></body></html>`;
  await writeFile(path.join(snapshotDir, 'files', 'edition.html'), page);
  await writeFile(
    path.join(snapshotDir, 'manifest.json'),
    JSON.stringify({ date: '2021-02-11', description: 'benchmark: one large GP edition', resources: [] }),
  );
  await writeFile(
    path.join(snapshotDir, 'resources', 'gp.json'),
    JSON.stringify([
      { url: EDITION, file: 'files/edition.html', contentType: 'text/html; charset=utf-8' },
      { url: CSV_URL, file: 'files/edition.csv', contentType: 'text/csv' },
      { url: ZIP_URL, file: 'files/edition.zip', contentType: 'application/zip' },
    ]),
  );
  const server = await startSnapshotServer({ dir: snapshotDir });
  const lake = path.join(workDir, 'acquire-lake');
  await rm(lake, { recursive: true, force: true });
  try {
    return await runChild<AcquireMeasurement>('acquire.ts', [lake, String(server.port), EDITION]);
  } finally {
    await server.close();
    await rm(lake, { recursive: true, force: true });
  }
}
