import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffByKey } from '../../lib/feed/diff.ts';
import { ChangeEvent, eventId, eventTypeFor, namedChanges, rowChangeEvent } from '../../lib/feed/events.ts';
import { coverageDefinition, icsDefinition, icsRow, populationDefinition } from './definitions.ts';

const asOf = '2021-04-01T00:00:00.000Z';

function icsEvents(before: Record<string, unknown>[], after: Record<string, unknown>[]) {
  return diffByKey(icsDefinition, before, after).map((change) =>
    rowChangeEvent(icsDefinition, 3, asOf, change),
  );
}

describe('change events', () => {
  it('derives the id from sha256 of dataset|version|key|op', () => {
    const expected = createHash('sha256').update('ics|3|QE1|updated').digest('hex');
    expect(eventId('ics', 3, 'QE1', 'updated')).toBe(expected);
    expect(eventId('ics', 4, 'QE1', 'updated')).not.toBe(expected);
  });

  it('names an STP becoming an ICS "designated"', () => {
    const [event] = icsEvents(
      [icsRow('QE1')],
      [icsRow('QE1', { status: 'ics', designated_from: '2021-04-01' })],
    );
    expect(event?.type).toBe('uk.nhs.ics.ics.designated');
    expect(event?.data.named_changes).toEqual(['designated']);
    expect(event?.data.changed_fields).toEqual(['status', 'designated_from']);
  });

  it('names an ICS becoming an ICB "statutory", listing the rename it came with', () => {
    const [event] = icsEvents(
      [icsRow('QE1', { status: 'ics', designated_from: '2020-04-01' })],
      [
        icsRow('QE1', {
          status: 'icb',
          designated_from: '2020-04-01',
          statutory_from: '2022-07-01',
          name: 'NHS X ICB',
        }),
      ],
    );
    expect(event?.type).toBe('uk.nhs.ics.ics.statutory');
    expect(event?.data.named_changes).toEqual(['statutory', 'renamed']);
  });

  it('names a change of ONS code "recoded" and a change of name "renamed"', () => {
    expect(
      eventTypeFor('ics', {
        op: 'updated',
        before: icsRow('QE1'),
        after: icsRow('QE1', { ons_code: 'E54000099' }),
      }),
    ).toBe('uk.nhs.ics.ics.recoded');
    expect(
      eventTypeFor('ics', {
        op: 'updated',
        before: icsRow('QE1'),
        after: icsRow('QE1', { name: 'Renamed' }),
      }),
    ).toBe('uk.nhs.ics.ics.renamed');
    expect(namedChanges(icsRow('QE1'), icsRow('QE1', { sub_icb_location_codes: ['QE1B'] }))).toEqual([]);
  });

  it('keeps generic types for other updates and other datasets', () => {
    const [event] = icsEvents([icsRow('QE1')], [icsRow('QE1', { sub_icb_location_codes: ['QE1A', 'QE1B'] })]);
    expect(event?.type).toBe('uk.nhs.ics.ics.updated');
    expect(event?.data.named_changes).toBeUndefined();
    const [population] = diffByKey(
      populationDefinition,
      [],
      [{ ics_code: 'QE1', reference_date: '2020-06-30', measure: 'all', value: 5 }],
    ).map((change) => rowChangeEvent(populationDefinition, 1, asOf, change, { regionOf: () => 'Y61' }));
    expect(population).toMatchObject({
      type: 'uk.nhs.ics.population.created',
      subject: 'QE1',
      icscode: 'QE1',
      regioncode: 'Y61',
    });
    const [coverage] = diffByKey(
      coverageDefinition,
      [],
      [{ date: '2021-04-01', ics_count: 42, coverage_pct: 100 }],
    ).map((change) => rowChangeEvent(coverageDefinition, 1, asOf, change));
    expect(coverage?.type).toBe('uk.nhs.ics.coverage.created');
    expect(coverage?.subject).toBe('ics_coverage');
    expect(coverage && 'icscode' in coverage).toBe(false);
  });

  it('follows CloudEvents 1.0: required attributes, RFC 3339 time, lowercase alphanumeric extension names', () => {
    const events = icsEvents([icsRow('QE1'), icsRow('QHG')], [icsRow('QE1', { name: 'New' }), icsRow('QJ2')]);
    expect(events.map((event) => event.data.op)).toEqual(['updated', 'deleted', 'created']);
    for (const event of events) {
      expect(ChangeEvent.parse(event)).toEqual(event);
      expect(event.specversion).toBe('1.0');
      for (const attribute of ['id', 'source', 'type'])
        expect(String(event[attribute]).length).toBeGreaterThan(0);
      expect(new Date(event.time).toISOString()).toBe(event.time);
      for (const name of Object.keys(event)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
    }
  });

  it('uses the public base URL for source and dataschema when one is given', () => {
    const [event] = diffByKey(icsDefinition, [], [icsRow('QE1')]).map((change) =>
      rowChangeEvent(icsDefinition, 1, asOf, change, { baseUrl: 'https://data.example.org/lake/' }),
    );
    expect(event?.source).toBe('https://data.example.org/lake/');
    expect(event?.dataschema).toBe('https://data.example.org/lake/feed/schema/v1.json');
  });
});
