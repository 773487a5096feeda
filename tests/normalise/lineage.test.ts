import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalise, normalisePartitioned } from '../../lib/normalise/normalise.ts';
import { isRebasedPartition } from '../../lib/normalise/population-partitions.ts';
import { parseGpPublication } from '../../lib/parse/gp-publication.ts';
import {
  icbNamesFromIcbList,
  lookupsFromCcgMapping,
  lookupsFromIcbList,
  provenanceFor,
} from './reference.ts';
import { lookups2025, lookups2026, REORGANISED_URLS, reorganisedWorld } from './reorganised-world.ts';
import { provenance } from './small-world.ts';

const asOf = '2026-11-30';

describe('lineage derived from two lookup vintages and the GP practices around the change', () => {
  const { datasets, unresolved } = normalise(reorganisedWorld(), { asOf });

  it('finds one edge per predecessor -> successor pair, with its kind', () => {
    expect(
      datasets.ics_lineage.map((edge) => [
        edge.predecessor_code,
        edge.successor_code,
        edge.kind,
        edge.effective_date,
      ]),
    ).toEqual([
      ['QAA', 'N1A2B', 'merger', '2026-04-01'],
      ['QBB', 'N1A2B', 'merger', '2026-04-01'],
      ['QCC', 'N1A2B', 'split', '2026-04-01'],
      ['QCC', 'QDD', 'acquisition', '2026-04-01'],
      ['QDD', 'QEE', 'boundary_transfer', '2026-04-01'],
    ]);
  });

  it("says which sub-ICB locations and practices moved, and the share of the predecessor's patients", () => {
    const byPair = new Map(
      datasets.ics_lineage.map((edge) => [`${edge.predecessor_code}>${edge.successor_code}`, edge]),
    );
    expect(byPair.get('QAA>N1A2B')).toMatchObject({
      sub_icb_location_codes: ['A01', 'A02'],
      partial_sub_icb_location_codes: [],
      practice_codes: ['PA1', 'PA2'],
      patients_moved: 150,
      predecessor_patients: 150,
      patient_share: 1,
      patients_reference_date: '2025-10-01',
      lookup_before: 'SICBL25',
      lookup_after: 'SICBL26',
      gp_edition_after: null,
    });
    expect(byPair.get('QCC>N1A2B')).toMatchObject({
      sub_icb_location_codes: [],
      partial_sub_icb_location_codes: ['C01'],
      practice_codes: ['PC1'],
      patients_moved: 30,
      predecessor_patients: 100,
      patient_share: 0.3,
      gp_edition_after: '2026-04-01',
    });
    expect(byPair.get('QCC>QDD')).toMatchObject({ practice_codes: ['PC2'], patient_share: 0.7 });
    expect(byPair.get('QDD>QEE')).toMatchObject({
      sub_icb_location_codes: ['D02'],
      practice_codes: ['PD2'],
      patients_moved: 100,
      predecessor_patients: 500,
      patient_share: 0.2,
    });
    expect(byPair.get('QCC>QDD')?.source_urls).toEqual(
      [
        REORGANISED_URLS.gp2025,
        REORGANISED_URLS.gp2026,
        REORGANISED_URLS.lookup25,
        REORGANISED_URLS.lookup26,
      ].sort(),
    );
  });

  it('does not turn an ONS recode of a sub-ICB location whose code and parent stayed into an event', () => {
    expect(datasets.ics_lineage.some((edge) => edge.sub_icb_location_codes.includes('E01'))).toBe(false);
    expect(datasets.ics.find((row) => row.ics_code === 'QEE')?.ons_code_history).toEqual([
      '2025-04-01 E54000905',
    ]);
  });

  it('gives every body that ever existed its lifetime, status, histories and lineage', () => {
    const byCode = new Map(datasets.ics.map((row) => [row.ics_code, row]));
    expect([...byCode.keys()]).toEqual(['N1A2B', 'QAA', 'QBB', 'QCC', 'QDD', 'QEE']);
    expect(byCode.get('QAA')).toMatchObject({
      status: 'abolished',
      valid_from: null,
      valid_to: '2026-04-01',
      successor_codes: ['N1A2B'],
      predecessor_codes: [],
    });
    expect(byCode.get('N1A2B')).toMatchObject({
      status: 'icb',
      valid_from: '2026-04-01',
      valid_to: null,
      statutory_from: '2026-04-01',
      name: 'NHS Newtown Integrated Care Board',
      predecessor_codes: ['QAA', 'QBB', 'QCC'],
      sub_icb_location_codes: ['A01', 'A02', 'B01', 'C02'],
    });
    expect(byCode.get('QDD')).toMatchObject({
      status: 'icb',
      ons_code: 'E54000921',
      ons_code_history: ['2025-04-01 E54000904', '2026-04-01 E54000921'],
      boundary_changed_on: ['2026-04-01'],
      predecessor_codes: ['QCC'],
      successor_codes: ['QEE'],
    });
    expect(byCode.get('QEE')?.boundary_changed_on).toEqual(['2026-04-01']);
  });

  it('corroborates edges with the lifecycle claims that name both bodies, and checks each reported claim', () => {
    const corroborated = datasets.ics_lineage.filter((edge) => edge.corroborating_urls.length > 0);
    expect(corroborated.map((edge) => edge.predecessor_code)).toEqual(['QAA', 'QBB', 'QCC']);
    const claims = datasets.ics_lifecycle_claims;
    const byKind = (kind: string) => claims.find((claim) => claim.kind === kind);
    expect(byKind('established')).toMatchObject({
      ics_codes: ['N1A2B', 'QAA', 'QBB', 'QCC'],
      matches_lineage: true,
      announced_on: '2026-04-01',
    });
    // Echo (QEE) was not abolished: the claim is kept, and flagged as not matching the data.
    expect(byKind('abolished')).toMatchObject({ ics_codes: ['QAA', 'QEE'], matches_lineage: false });
    expect(byKind('succession')).toMatchObject({
      tense: 'planned',
      matches_lineage: null,
      unresolved_names: ['NHS Foxtrot ICB'],
    });
    expect(unresolved).toContainEqual(
      expect.objectContaining({ name: 'NHS Foxtrot ICB', source_id: 'icb-news' }),
    );
  });

  it('re-bases each GP month onto the current footprint by practice, and says so on every row', () => {
    const rows = datasets.ics_population.filter((row) => row.sex === 'ALL' && row.age_band === 'ALL');
    const value = (code: string, date: string, basis: string) =>
      rows.find((row) => row.ics_code === code && row.reference_date === date && row.basis === basis);
    expect(value('QAA', '2025-10-01', 'as_published')).toMatchObject({ value: 150, footprint: 'SICBL25' });
    expect(value('N1A2B', '2025-10-01', 'rebased')).toMatchObject({
      value: 100 + 50 + 200 + 30,
      footprint: 'SICBL26',
      method: 'gp_by_practice',
    });
    expect(value('N1A2B', '2026-04-01', 'rebased')?.value).toBe(110 + 60 + 210 + 40);
    expect(value('N1A2B', '2026-04-01', 'as_published')).toMatchObject({
      value: 420,
      method: 'gp_by_sub_icb',
    });
    expect(value('QAA', '2025-10-01', 'rebased')).toBeUndefined();
  });

  it('publishes nothing about a change whose vintage is not yet in force', () => {
    const before = normalise(reorganisedWorld(), { asOf: '2026-03-31' }).datasets;
    expect(before.ics_lineage).toEqual([]);
    expect(before.ics.map((row) => row.ics_code)).toEqual(['QAA', 'QBB', 'QCC', 'QDD', 'QEE']);
    expect(before.ics.every((row) => row.valid_to === null)).toBe(true);
  });
});

describe('lineage that cannot be derived is reported, never invented', () => {
  it('reports the closed and new sub-ICB locations when no GP edition after the change follows their practices', () => {
    const input = reorganisedWorld();
    input.gpRegistrations = input.gpRegistrations?.slice(0, 1);
    const { datasets, unresolved } = normalise(input, { asOf });
    expect(datasets.ics_lineage.map((edge) => `${edge.predecessor_code}>${edge.successor_code}`)).toEqual([
      'QAA>N1A2B',
      'QBB>N1A2B',
      'QDD>QEE',
    ]);
    const lookups = unresolved.filter((entry) => entry.source_id === 'ons-code-lookups');
    expect(lookups.map((entry) => entry.name)).toEqual(['C01', 'C02']);
    expect(lookups.every((entry) => /no lineage guessed/.test(entry.reason))).toBe(true);
    // Nor can C01's two practices be re-based onto the new footprint: reported with their patients, not spread.
    expect(unresolved).toContainEqual(
      expect.objectContaining({ name: '2 practices', evidence: 'GP 2025-10-01: 2 practices, 100 patients' }),
    );
  });

  it('reports a practice that lands in a sub-ICB location no lookup holds', () => {
    const input = reorganisedWorld();
    const after = input.gpRegistrations?.[1]?.aggregate;
    if (!after?.practices) throw new Error('fixture has practices');
    after.practices = after.practices.map((practice) =>
      practice.practice_code === 'PC1' ? { ...practice, sub_icb_code: 'Z99' } : practice,
    );
    const { datasets, unresolved } = normalise(input, { asOf });
    expect(unresolved).toContainEqual(
      expect.objectContaining({ name: 'Z99', reason: expect.stringMatching(/lookup SICBL26 does not hold/) }),
    );
    expect(
      datasets.ics_lineage.find((edge) => edge.predecessor_code === 'QCC' && edge.successor_code === 'N1A2B'),
    ).toBeUndefined();
  });

  it('makes no lineage and no body change from vintages that only re-issue ONS codes', () => {
    const reissue = lookups2025.map((row) => ({ ...row, vintage: 'SICBL24', sub_icb_ons_code: 'E38000999' }));
    const input = {
      lookups: [
        {
          provenance: provenance(REORGANISED_URLS.lookup25, 'a', 'official', 'ons-code-lookups'),
          rows: reissue,
        },
        {
          provenance: provenance(REORGANISED_URLS.lookup26, 'b', 'official', 'ons-code-lookups'),
          rows: lookups2025,
        },
      ],
    };
    const { datasets, unresolved } = normalise(input, { asOf: '2025-10-01' });
    expect(datasets.ics_lineage).toEqual([]);
    expect(unresolved).toEqual([]);
    expect(datasets.ics.every((row) => row.valid_from === null && row.valid_to === null)).toBe(true);
    void lookups2026;
  });
});

describe('Bassetlaw, July 2022, from the real lookups and the real January 2021 GP file', async () => {
  const gpFile = new URL(
    '../fixtures/normalise/07a_gp-reg-pat-prac-all_2021-01_REAL_FULL.csv',
    import.meta.url,
  );
  const aggregate = await parseGpPublication(createReadStream(gpFile), {
    url: 'https://files.digital.nhs.uk/real/2021-01.csv',
  });
  const { datasets } = normalise(
    {
      lookups: [
        {
          provenance: provenanceFor('02_ccg_to_stp2021_to_nhser2021_lookup.csv'),
          rows: lookupsFromCcgMapping(),
        },
        { provenance: provenanceFor('01_icb_42_list_2022.csv'), rows: lookupsFromIcbList() },
      ],
      icbNames: [{ provenance: provenanceFor('01_icb_42_list_2022.csv'), entries: icbNamesFromIcbList() }],
      gpRegistrations: [
        {
          provenance: provenance(
            'https://files.digital.nhs.uk/real/2021-01.csv',
            'f',
            'official',
            'nhsd-gp-registrations',
          ),
          aggregate,
        },
      ],
    },
    { asOf: '2023-06-01' },
  );

  it('is the only edge of July 2022: 02Q moved whole from South Yorkshire to Nottingham and Nottinghamshire', () => {
    expect(
      datasets.ics_lineage.map((edge) => [edge.predecessor_code, edge.successor_code, edge.kind]),
    ).toEqual([['QF7', 'QT1', 'boundary_transfer']]);
  });

  it("carries the Bassetlaw practices and their share of South Yorkshire and Bassetlaw's patients", () => {
    const text = readFileSync(gpFile, 'utf8').trim().split(/\r?\n/).slice(1);
    const patientsIn = (ccgs: string[]) =>
      text
        .map((line) => line.split(','))
        .filter((cells) => ccgs.includes(cells[3] as string) && cells[7] === 'ALL' && cells[8] === 'ALL')
        .reduce((sum, cells) => sum + Number(cells[9]), 0);
    const bassetlaw = patientsIn(['02Q']);
    const southYorkshireAndBassetlaw = patientsIn(['02P', '02Q', '02X', '03L', '03N']);
    const [edge] = datasets.ics_lineage;
    expect(edge).toMatchObject({
      effective_date: '2022-07-01',
      sub_icb_location_codes: ['02Q'],
      patients_moved: bassetlaw,
      predecessor_patients: southYorkshireAndBassetlaw,
      patient_share: Math.round((bassetlaw / southYorkshireAndBassetlaw) * 10_000) / 10_000,
      patients_reference_date: '2021-01-01',
    });
    expect(edge?.practice_count).toBeGreaterThan(5);
    const byCode = new Map(datasets.ics.map((row) => [row.ics_code, row]));
    expect(byCode.get('QF7')?.boundary_changed_on).toEqual(['2022-07-01']);
    expect(byCode.get('QT1')?.boundary_changed_on).toEqual(['2022-07-01']);
    expect(byCode.get('QF7')?.sub_icb_location_codes).not.toContain('02Q');
  });
});

describe('re-basing follows the newest edition, even where it places a practice nowhere', () => {
  // The newest edition puts PA1 in a location no lookup knows: PA1 is left out of every month's re-based figures
  // and reported, not placed by its own (known) location in the older edition.
  function worldWithLostPractice() {
    const input = reorganisedWorld();
    const [older, newest] = input.gpRegistrations ?? [];
    if (!older || !newest) throw new Error('expected two GP editions');
    const practices = (newest.aggregate.practices ?? []).map((practice) =>
      practice.practice_code === 'PA1' ? { ...practice, sub_icb_code: 'ZZ9' } : practice,
    );
    input.gpRegistrations = [older, { ...newest, aggregate: { ...newest.aggregate, practices } }];
    return input;
  }

  it('in the whole build and month by month alike', async () => {
    const { datasets, unresolved } = normalise(worldWithLostPractice(), { asOf });
    const rebased = (date: string) =>
      datasets.ics_population.find(
        (row) => row.ics_code === 'N1A2B' && row.reference_date === date && row.basis === 'rebased',
      )?.value;
    expect(rebased('2025-10-01')).toBe(50 + 200 + 30);
    expect(rebased('2026-04-01')).toBe(60 + 210 + 40);
    const lost = unresolved.filter((entry) => entry.name === '1 practices');
    expect(lost.map((entry) => entry.evidence).sort()).toEqual([
      'GP 2025-10-01: 1 practices, 100 patients',
      'GP 2026-04-01: 1 practices, 110 patients',
    ]);
    const partitioned = await normalisePartitioned(
      worldWithLostPractice(),
      { asOf },
      { codeVersion: 'test' },
    );
    const built = await partitioned.population.build(
      new Set([...partitioned.population.inputs.keys()].filter(isRebasedPartition)),
    );
    expect(built.rows).toEqual(datasets.ics_population.filter((row) => row.basis === 'rebased'));
    expect(built.unresolved.map((entry) => entry.evidence).sort()).toEqual(
      lost.map((entry) => entry.evidence).sort(),
    );
  });
});
