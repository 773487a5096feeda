import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { ArchiveRefusedError } from '../../lib/core/errors.ts';
import { extractArchive, looksLikeZip } from '../../lib/sources/archive.ts';

const PATTERN = '^gp-reg-pat-prac-(all|sing-age-regions)[A-Za-z0-9-]*\\.csv$';
const CSV = 'PUBLICATION,EXTRACT_DATE,CODE,NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,01JAN2021,A84002,5903\n';

/** Build a ZIP in memory with yazl. */
async function zipOf(entries: { name: string; data: string | Buffer }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    zip.addBuffer(Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data), entry.name, {
      mtime: new Date('2021-01-01T00:00:00Z'),
    });
  }
  zip.end();
  return buffer(zip.outputStream);
}

/** Rename an entry by rewriting its name bytes in place (yazl itself refuses unsafe names). */
function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  expect(to.length).toBe(from.length);
  const patched = Buffer.from(zip);
  let at = patched.indexOf(from);
  expect(at).toBeGreaterThan(-1);
  while (at !== -1) {
    patched.write(to, at, 'latin1');
    at = patched.indexOf(from, at + 1);
  }
  return patched;
}

function extract(zip: Uint8Array, limits = {}) {
  return extractArchive(zip, {
    entryPattern: PATTERN,
    sourceId: 'nhsd-gp-registrations',
    url: 'https://files.digital.nhs.uk/AB/123456/gp.zip',
    limits,
  });
}

async function refusal(promise: Promise<unknown>): Promise<ArchiveRefusedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ArchiveRefusedError);
  const refused = error as ArchiveRefusedError;
  expect(refused.message).toContain('nhsd-gp-registrations');
  expect(refused.message).toContain('https://files.digital.nhs.uk/AB/123456/gp.zip');
  return refused;
}

describe('extractArchive', () => {
  it('unpacks the matching CSV entries', async () => {
    const zip = await zipOf([
      { name: 'gp-reg-pat-prac-all.csv', data: CSV },
      { name: '__MACOSX/._gp-reg-pat-prac-all.csv', data: 'resource fork' },
    ]);
    expect(looksLikeZip(zip)).toBe(true);
    const entries = await extract(zip);
    expect(entries.map((entry) => entry.name)).toEqual(['gp-reg-pat-prac-all.csv']);
    expect(new TextDecoder().decode(entries[0]?.bytes)).toBe(CSV);
  });

  it('refuses a ZIP bomb by its declared compression ratio', async () => {
    const zip = await zipOf([{ name: 'gp-reg-pat-prac-all.csv', data: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(100 * 1024);
    const refused = await refusal(extract(zip));
    expect(refused.message).toMatch(/compression ratio of \d+:1, over the limit of 200:1/);
  });

  it('refuses a bomb that lies about its size, while inflating', async () => {
    const zip = await zipOf([{ name: 'gp-reg-pat-prac-all.csv', data: Buffer.alloc(20 * 1024 * 1024) }]);
    // Patch the central directory's uncompressed size (offset 24 in the 0x02014b50 record) to look harmless.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(1000, central + 24);
    const refused = await refusal(extract(zip));
    expect(refused.message).toMatch(/inflates past|too many bytes|uncompressed size/i);
  });

  it('refuses an entry over the size limit', async () => {
    const zip = await zipOf([{ name: 'gp-reg-pat-prac-all.csv', data: CSV.repeat(100) }]);
    const refused = await refusal(extract(zip, { maxEntryBytes: 1000 }));
    expect(refused.message).toMatch(/declares \d+ bytes, over the limit of 1000/);
  });

  it('refuses too many entries', async () => {
    const zip = await zipOf(
      Array.from({ length: 5 }, (_, index) => ({ name: `gp-reg-pat-prac-all-${index}.csv`, data: CSV })),
    );
    expect((await refusal(extract(zip, { maxEntries: 4 }))).message).toMatch(
      /5 entries, more than the limit of 4/,
    );
  });

  it.each([
    ['path traversal', 'xx/gp-reg-pat-prac-all.csv', '../gp-reg-pat-prac-all.csv'],
    ['an absolute path', 'xgp-reg-pat-prac-all.csv', '/gp-reg-pat-prac-all.csv'],
    ['a drive letter', 'Cxgp-reg-pat-prac-all.csv', 'C:gp-reg-pat-prac-all.csv'],
    ['a backslash', 'a/gp-reg-pat-prac-all.csv', 'a\\gp-reg-pat-prac-all.csv'],
  ])('refuses an entry name with %s', async (_case, safeName, unsafeName) => {
    const zip = renameEntry(await zipOf([{ name: safeName, data: CSV }]), safeName, unsafeName);
    const refused = await refusal(extract(zip));
    expect(refused.message).toMatch(/path|drive|backslash|invalid|absolute|characters/i);
  });

  it('refuses an archive holding an unexpected file', async () => {
    const zip = await zipOf([
      { name: 'gp-reg-pat-prac-all.csv', data: CSV },
      { name: 'run-me.exe', data: 'MZ' },
    ]);
    expect((await refusal(extract(zip))).message).toMatch(/unexpected entry "run-me.exe"/);
  });

  it('refuses an archive with no matching entry', async () => {
    const zip = await zipOf([{ name: '__MACOSX/._x', data: 'x' }]);
    expect((await refusal(extract(zip))).message).toMatch(/no entry matches/);
  });

  it('refuses bytes that are not a ZIP', async () => {
    expect((await refusal(extract(new TextEncoder().encode('<html>not a zip</html>')))).message).toMatch(
      /not a readable ZIP/,
    );
  });
});
