import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { sourceById } from '../../lib/sources/catalogue.ts';
import { acquirePages } from './acquired-documents.ts';

/** Versions of NHS England's listing page from the bundled snapshots, acquired into a lake one run at a time. */

const ROOT = path.resolve(import.meta.dirname, '../..');
export const LISTING_URL = 'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/';
export const listingSource = sourceById('nhse-ics-list');

/** The listing page as the snapshot of `date` holds it (`file` under integratedcare/, as the page moved once). */
export function listingPage(date: string, file = 'integrated-care-in-your-area/index.html'): string {
  return readFileSync(
    path.join(ROOT, 'snapshots', date, 'files/www.england.nhs.uk/integratedcare', file),
    'utf8',
  );
}

/** Make `html` the listing source's current document, fetched at `at`, as a finished acquire would. */
export async function acquireListing(store: MemoryLakeStore, html: string, at: string): Promise<void> {
  await acquirePages(store, listingSource.id, [{ url: LISTING_URL, html, at }], 'landing');
}
