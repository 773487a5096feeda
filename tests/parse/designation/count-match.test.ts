import { beforeAll, describe, expect, it } from 'vitest';
import { extractDesignations } from '../../../lib/parse/designation/extract.ts';
import { referenceGazetteer } from '../../../lib/parse/dispatch.ts';
import type { Gazetteer } from '../../../lib/reference/gazetteer.ts';

/** A count matched exactly by the known areas it counts, as the evidence on a page with no announcing words. */

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await referenceGazetteer(new URL('../../../snapshots/', import.meta.url).pathname);
});

const bulletin = (count: string, names: readonly string[]) =>
  `<html><head><title>Daily bulletin</title></head><body><div><p>Thursday 24 May 2018</p><p>Good morning: here is today's round-up of news from across the health service.</p><p>Four areas were added to the integrated care system programme yesterday.</p><p>${count}</p><ul>${names.map((name) => `<li>${name}</li>`).join('')}</ul><p>Elsewhere, Dorset opened a new clinic.</p></div></body></html>`;
const FOUR = [
  'Gloucestershire',
  'Suffolk and North East Essex',
  'West, North and East Cumbria',
  'West Yorkshire and Harrogate',
];
const extract = (html: string) =>
  extractDesignations(html, 'https://example.org/bulletin/', { sourceId: 'trade-press', gazetteer });

describe('count-match as evidence', () => {
  it('designates exactly the counted areas when the count matches them, and says so', () => {
    const extraction = extract(bulletin('The four are:', FOUR));
    expect(extraction.outcome).toBe('designation');
    expect(extraction.announces).toMatchObject({ place: 'text', cues: ['counts 4', 'names 4'] });
    expect(extraction.areas.map((area) => area.ics_code).sort()).toEqual(['QHM', 'QJG', 'QR1', 'QWO']);
    expect(extraction.stated_count).toBe(4);
  });

  it('proves nothing when the count and the names differ', () => {
    expect(extract(bulletin('The four are:', FOUR.slice(0, 3))).outcome).toBe('none');
  });

  it('never counts people or posts', () => {
    expect(extract(bulletin('The four new chairs are:', FOUR)).outcome).toBe('none');
  });
});
