import { describe, expect, it } from 'vitest';
import { documentSignature } from '../../lib/pipeline/acquire.ts';
import type { CurrentDocument } from '../../lib/sources/raw-zone.ts';

const doc = (
  url: string,
  sha256: string,
  parse = true,
  archiveEntry: string | null = null,
): CurrentDocument => ({
  url,
  finalUrl: url,
  key: `raw/x/${sha256}.csv`,
  sha256,
  ext: 'csv',
  role: 'document',
  contentType: null,
  parentUrl: null,
  parentSha256: null,
  archiveEntry,
  fetchedAt: '2021-04-12T12:00:00.000Z',
  lastChangedAt: '2021-04-12T12:00:00.000Z',
  isArchive: false,
  parse,
});

describe('the document signature that decides fetched vs unchanged', () => {
  it('ignores order and pages that are not parsed, and sees any changed hash or archive entry', () => {
    const a = [doc('https://x/a.csv', 'a'.repeat(64)), doc('https://x/b.csv', 'b'.repeat(64))];
    expect(documentSignature(a)).toBe(documentSignature([...a].reverse()));
    expect(documentSignature([...a, doc('https://x/', 'c'.repeat(64), false)])).toBe(documentSignature(a));
    expect(documentSignature([a[0] as CurrentDocument, doc('https://x/b.csv', 'd'.repeat(64))])).not.toBe(
      documentSignature(a),
    );
    expect(documentSignature([doc('https://x/z.zip', 'e'.repeat(64), true, 'one.csv')])).not.toBe(
      documentSignature([doc('https://x/z.zip', 'e'.repeat(64), true, 'two.csv')]),
    );
  });
});
