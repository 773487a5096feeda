import { describe, expect, it } from 'vitest';
import { normalise } from '../../lib/normalise/normalise.ts';
import { historyValueOn, icsOn, populationOn } from '../../lib/normalise/valid-time.ts';
import { reorganisedWorld } from './reorganised-world.ts';
import { smallWorld } from './small-world.ts';

const reorganised = normalise(reorganisedWorld(), { asOf: '2026-11-30' }).datasets;

describe('valid time: the state of the world on a date', () => {
  it('lists the bodies that existed on a date, not the ones established later or abolished earlier', () => {
    const codes = (date: string) => icsOn(reorganised.ics, date).map((row) => row.ics_code);
    expect(codes('2026-03-31')).toEqual(['QAA', 'QBB', 'QCC', 'QDD', 'QEE']);
    expect(codes('2026-04-01')).toEqual(['N1A2B', 'QDD', 'QEE']);
    expect(codes('2019-01-01')).toEqual(['QAA', 'QBB', 'QCC', 'QDD', 'QEE']);
  });

  it('gives each body its status, ONS code and name on that date', () => {
    const delta = (date: string) => icsOn(reorganised.ics, date).find((row) => row.ics_code === 'QDD');
    expect(delta('2026-03-31')).toMatchObject({ ons_code: 'E54000904', status: 'icb' });
    expect(delta('2026-04-01')).toMatchObject({ ons_code: 'E54000921' });
    const small = normalise(smallWorld(), { asOf: '2021-04-12' }).datasets.ics;
    const status = (date: string) =>
      Object.fromEntries(icsOn(small, date).map((row) => [row.ics_code, row.status]));
    expect(status('2020-06-01')).toEqual({ QAA: 'ics', QBB: 'ics', QCC: 'stp', QDD: 'stp' });
    expect(status('2021-04-01')).toEqual({ QAA: 'ics', QBB: 'ics', QCC: 'ics', QDD: 'ics' });
  });

  it('reads dated histories: the newest entry on or before the date, else the oldest', () => {
    const history = ['2020-04-01 E54000052', '2023-04-01 E54000063'];
    expect(historyValueOn(history, '2019-01-01')).toBe('E54000052');
    expect(historyValueOn(history, '2023-03-31')).toBe('E54000052');
    expect(historyValueOn(history, '2023-04-01')).toBe('E54000063');
    expect(historyValueOn([], '2023-04-01')).toBeNull();
  });

  it('gives the newest population figure of each series dated on or before the date', () => {
    const on = (date: string) =>
      populationOn(reorganised.ics_population, date).filter(
        (row) => row.ics_code === 'N1A2B' && row.basis === 'rebased',
      );
    expect(on('2026-03-31').map((row) => [row.reference_date, row.value])).toEqual([['2025-10-01', 380]]);
    expect(on('2026-11-30').map((row) => [row.reference_date, row.value])).toEqual([['2026-04-01', 420]]);
    expect(on('2025-01-01')).toEqual([]);
  });
});
