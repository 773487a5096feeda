/**
 * Regenerates tests/fixtures/snapshots-small from the bundled snapshots: every page and lookup is copied as it
 * is; the GP registration files (CSV or ZIP) keep only the rows of a few CCGs / sub-ICB locations, so a full
 * replay of the small history takes well under a second. Run: `npx tsx tests/helpers/make-snapshots-small.ts`.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';

const repo = path.resolve(import.meta.dirname, '../..');
const source = path.join(repo, 'snapshots');
const target = path.join(repo, 'tests/fixtures/snapshots-small');
/** The organisations kept: three CCGs of the North East and two of Dorset/Somerset (first in file order). */
const KEPT_ORGS = new Set(['00L', '11J']);

function keepRows(csv: string): string {
  const lines = csv.split('\n');
  const header = lines[0] ?? '';
  const columns = header.split(',');
  const orgColumn = columns.findIndex((name) => /^(CCG_CODE|SUB_ICB_LOCATION_CODE|ORG_CODE)$/.test(name));
  if (orgColumn < 0) throw new Error(`no organisation column in ${header}`);
  const kept = lines.slice(1).filter((line) => KEPT_ORGS.has(line.split(',')[orgColumn] ?? ''));
  return `${[header, ...kept].join('\n')}\n`;
}

async function unzipFirst(file: string): Promise<{ name: string; text: string }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.readEntry();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            zip.close();
            resolve({ name: entry.fileName, text: Buffer.concat(chunks).toString('utf8') });
          });
        });
      });
    });
  });
}

async function zipOne(name: string, text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text), name, { mtime: new Date('2020-01-01T00:00:00Z') });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

rmSync(target, { recursive: true, force: true });
/** Three dates: the CSV era, the first ZIP edition, and the last CCG-era edition (enough history, still fast). */
for (const date of ['2020-06-15', '2020-12-14', '2021-04-12']) {
  cpSync(path.join(source, date), path.join(target, date), { recursive: true });
}
for (const file of walk(target)) {
  if (!file.includes('files.digital.nhs.uk')) continue;
  if (file.endsWith('.csv')) writeFileSync(file, keepRows(readFileSync(file, 'utf8')));
  if (file.endsWith('.zip')) {
    const entry = await unzipFirst(file);
    writeFileSync(file, await zipOne(entry.name, keepRows(entry.text)));
  }
}
