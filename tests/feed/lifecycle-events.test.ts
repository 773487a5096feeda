import { createHash } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { diffByKey } from '../../lib/feed/diff.ts';
import { ChangeEvent, changeEventJsonSchema, eventId, rowChangeEvents } from '../../lib/feed/events.ts';
import { summariseVersion } from '../../lib/feed/summary.ts';
import { icsDefinition, icsRow } from './definitions.ts';

const asOf = '2026-04-20T12:00:00.000Z';
const edge = (predecessor: string, successor: string, kind: string) => ({
  predecessor_code: predecessor,
  successor_code: successor,
  effective_date: '2026-04-01',
  kind,
  patient_share: 0.5,
});
const lineage = [
  edge('QHG', 'S1Y5D', 'merger'),
  edge('QNQ', 'QRL', 'acquisition'),
  edge('QNQ', 'S0E4D', 'split'),
];
const lineageOf = (code: string) =>
  lineage.filter((row) => row.predecessor_code === code || row.successor_code === code);

function events(before: Record<string, unknown>[], after: Record<string, unknown>[]): ChangeEvent[] {
  return diffByKey(icsDefinition, before, after).flatMap((change) =>
    rowChangeEvents(icsDefinition, 8, asOf, change, { lineageOf }),
  );
}

const statutory = { status: 'icb' as const, designated_from: '2020-12-08', statutory_from: '2022-07-01' };

describe('lifecycle events of the ics dataset', () => {
  it('announces a body created with a start date as "established", carrying its lineage edges', () => {
    const [event, ...rest] = events([], [icsRow('S1Y5D', { ...statutory, valid_from: '2026-04-01' })]);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'uk.nhs.ics.ics.established',
      subject: 'S1Y5D',
      id: eventId('ics', 8, 'S1Y5D', 'created'),
      data: { op: 'created', named_change: 'established', named_changes: ['established'] },
    });
    expect(event?.data.lineage).toEqual([lineage[0]]);
    expect(ChangeEvent.safeParse(event).success).toBe(true);
    // The published contract (feed/schema/v1.json, with its compatible additions) accepts it as well.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(changeEventJsonSchema());
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps a body created without a start date (first seen, not established) a plain "created"', () => {
    expect(events([], [icsRow('QE1')]).map((event) => event.type)).toEqual(['uk.nhs.ics.ics.created']);
  });

  it('announces "abolished" with the edges that took the area over', () => {
    const [event] = events(
      [icsRow('QNQ', statutory)],
      [icsRow('QNQ', { ...statutory, status: 'abolished' as const, valid_to: '2026-04-01' })],
    );
    expect(event?.type).toBe('uk.nhs.ics.ics.abolished');
    expect(event?.data.lineage?.map((row) => row.successor_code)).toEqual(['QRL', 'S0E4D']);
  });

  it('emits one event per milestone when a change is both a boundary change and a recode, with stable ids', () => {
    const all = events(
      [icsRow('QRL', { ...statutory, ons_code: 'E54000042', boundary_changed_on: [] })],
      [icsRow('QRL', { ...statutory, ons_code: 'E54000067', boundary_changed_on: ['2026-04-01'] })],
    );
    expect(all.map((event) => [event.type, event.data.named_change])).toEqual([
      ['uk.nhs.ics.ics.boundary_changed', 'boundary_changed'],
      ['uk.nhs.ics.ics.recoded', 'recoded'],
    ]);
    expect(all[0]?.id).toBe(eventId('ics', 8, 'QRL', 'updated'));
    expect(all[1]?.id).toBe(createHash('sha256').update('ics|8|QRL|updated|recoded').digest('hex'));
    expect(all[0]?.data.lineage).toEqual([lineage[1]]);
    expect(all[1]?.data.lineage).toBeUndefined();
    expect(all[1]?.data).toMatchObject({
      before: { ons_code: 'E54000042' },
      after: { ons_code: 'E54000067' },
    });
  });

  it('in July 2022 emits statutory, recoded and renamed for one row, each typed by its own milestone', () => {
    const before = icsRow('QF7', {
      status: 'ics',
      designated_from: '2017-06-15',
      name: 'South Yorkshire and Bassetlaw',
    });
    const after = icsRow('QF7', {
      ...statutory,
      designated_from: '2017-06-15',
      ons_code: 'E54000061',
      name: 'NHS South Yorkshire Integrated Care Board',
    });
    expect(events([before], [after]).map((event) => event.type)).toEqual([
      'uk.nhs.ics.ics.statutory',
      'uk.nhs.ics.ics.recoded',
      'uk.nhs.ics.ics.renamed',
    ]);
  });

  it('summarises a reorganisation in words', () => {
    const before = [
      icsRow('QNQ', { ...statutory, name: 'NHS Frimley' }),
      icsRow('QRL', { ...statutory, name: 'HIOW' }),
    ];
    const after = [
      icsRow('QNQ', {
        ...statutory,
        name: 'NHS Frimley',
        status: 'abolished' as const,
        valid_to: '2026-04-01',
      }),
      icsRow('QRL', { ...statutory, name: 'HIOW', boundary_changed_on: ['2026-04-01'] }),
      icsRow('S0E4D', { ...statutory, name: 'NHS Thames Valley', valid_from: '2026-04-01' }),
    ];
    const text = summariseVersion({
      dataset: 'ics',
      version: 8,
      changes: diffByKey(icsDefinition, before, after),
      rowCount: after.length,
      previousRows: before,
      rows: after,
    });
    expect(text).toBe(
      '1 ICB established: NHS Thames Valley; 1 ICB abolished: NHS Frimley; 1 ICB changed boundary: HIOW',
    );
  });
});
