import { describe, expect, it } from 'vitest';
import { datasetColumns } from '../../lib/lake/columns.ts';
import { parseJsonRows } from '../../lib/lake/formats/json.ts';
import { publishDataset } from '../../lib/lake/publish.ts';
import { MemoryLakeStore } from '../../lib/lake/stores/memory.ts';
import { validTimeEdition } from '../../lib/lake/valid-time.ts';
import { readLatest } from '../../lib/lake/versions.ts';
import { icsDataset, icsDesignationsDataset } from '../../lib/normalise/datasets.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import { reorganisedWorld } from '../normalise/reorganised-world.ts';

async function lakeWithIcs() {
  const store = new MemoryLakeStore();
  const { datasets } = normalise(reorganisedWorld(), { asOf: '2026-11-30' });
  await publishDataset(store, icsDataset, datasets.ics, {
    asOf: new Date('2026-11-30T12:00:00Z'),
    createdAt: new Date('2026-11-30T12:00:00Z'),
    pipelineVersion: 'test',
    lineage: [],
  });
  const manifest = await readLatest(store, 'ics');
  if (!manifest) throw new Error('ics not published');
  return { store, manifest };
}

describe('validTimeEdition (ics-lake get --on)', () => {
  it("renders the rows valid on a date in the version's own formats and columns", async () => {
    const { store, manifest } = await lakeWithIcs();
    const json = parseJsonRows(
      new TextDecoder().decode(await validTimeEdition(store, manifest, icsDataset, '2026-03-31', 'json')),
    );
    expect(json.map((row) => row.ics_code)).toEqual(['QAA', 'QBB', 'QCC', 'QDD', 'QEE']);
    expect(Object.keys(json[0] ?? {})).toEqual(datasetColumns(icsDataset).map((column) => column.name));
    const csv = new TextDecoder().decode(
      await validTimeEdition(store, manifest, icsDataset, '2026-04-01', 'csv'),
    );
    expect(csv.split('\r\n')[0]?.startsWith('ics_code,ons_code,name')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 3);
    const parquet = await validTimeEdition(store, manifest, icsDataset, '2026-04-01', 'parquet');
    expect(new TextDecoder().decode(parquet.subarray(0, 4))).toBe('PAR1');
  });

  it('refuses a dataset without a valid-time axis and a date that is not an ISO date', async () => {
    const { store, manifest } = await lakeWithIcs();
    await expect(
      validTimeEdition(store, manifest, icsDesignationsDataset, '2026-01-01', 'json'),
    ).rejects.toThrow(/no valid-time axis.*use --as-of/);
    await expect(validTimeEdition(store, manifest, icsDataset, '1 April 2026', 'json')).rejects.toThrow(
      /--on: expected an ISO date/,
    );
  });
});
