import { describe, expect, it } from 'vitest';
import type { NormaliseInput, Provenance } from '../../lib/normalise/input.ts';
import { normalise } from '../../lib/normalise/normalise.ts';
import { hex, smallWorld, URLS } from './small-world.ts';

const asOf = '2021-04-12';

describe('normalise: ics', () => {
  const { ics } = normalise(smallWorld(), { asOf }).datasets;

  it('has one row per ICS in the lookups, sorted by code', () => {
    expect(ics.map((row) => row.ics_code)).toEqual(['QAA', 'QBB', 'QCC', 'QDD']);
  });

  it('describes an ICS from its newest lookup rows and the listing page', () => {
    expect(ics[0]).toEqual({
      ics_code: 'QAA',
      ons_code: 'E54000901',
      name: 'Alpha',
      short_name: 'Alpha',
      region_code: 'Y56',
      region_name: 'London',
      predecessor_stp_code: 'E54000901',
      sub_icb_location_codes: ['A01', 'A02'],
      status: 'ics',
      valid_from: null,
      valid_to: null,
      designated_from: '2020-05-20',
      designation_wave: '2020-05',
      statutory_from: null,
      website: 'https://alpha.example.org/',
      ons_code_history: ['2021-04-01 E54000901'],
      name_history: ['2021-04-01 Alpha'],
      boundary_changed_on: [],
      predecessor_codes: [],
      successor_codes: [],
    });
  });

  it('takes the NHS England date for the December 2020 conflict, not the trade-press 1 April 2021', () => {
    const charlie = ics.find((row) => row.ics_code === 'QCC');
    expect(charlie?.designated_from).toBe('2020-12-08');
    expect(charlie?.designation_wave).toBe('2020-12');
  });

  it('uses the stated effective date of the March 2021 wave', () => {
    expect(ics.find((row) => row.ics_code === 'QDD')?.designated_from).toBe('2021-04-01');
  });

  it('keeps an ICS whose designation is not yet effective at the run date as an STP', () => {
    const early = normalise(smallWorld(), { asOf: '2021-03-25' }).datasets.ics;
    expect(early.find((row) => row.ics_code === 'QDD')?.status).toBe('stp');
    expect(early.find((row) => row.ics_code === 'QCC')?.status).toBe('ics');
  });

  it('marks ICBs statutory from 2022-07-01 once a 2022 ICB vintage is in the lookups', () => {
    const input = smallWorld();
    const lookups = input.lookups[0];
    if (!lookups) throw new Error('fixture has lookups');
    const icbRows = lookups.rows.map((row) => ({
      ...row,
      vintage: 'SICBL22',
      icb_name: `NHS ${row.icb_name} ICB`,
    }));
    input.lookups.push({
      provenance: { ...lookups.provenance, url: `${URLS.lookup}&v=2022` },
      rows: icbRows,
    });
    const rows = normalise(input, { asOf: '2022-07-20' }).datasets.ics;
    expect(rows[0]).toMatchObject({
      ics_code: 'QAA',
      status: 'icb',
      statutory_from: '2022-07-01',
      name: 'NHS Alpha ICB',
      short_name: 'Alpha',
      predecessor_stp_code: 'E54000901',
    });
    expect(normalise(input, { asOf: '2022-06-30' }).datasets.ics[0]?.status).toBe('ics');
  });
});

describe('normalise: ics_designations', () => {
  const { ics_designations } = normalise(smallWorld(), { asOf }).datasets;

  it('keeps every claim as its own row, including both sides of the December 2020 conflict', () => {
    expect(ics_designations.map((row) => `${row.ics_code} ${row.source_url}`)).toEqual([
      `QAA ${URLS.press2017}`,
      `QAA ${URLS.may}`,
      `QBB ${URLS.may}`,
      `QCC ${URLS.decPress}`,
      `QCC ${URLS.decNhse}`,
      `QDD ${URLS.march}`,
    ]);
    const charlie = ics_designations.filter((row) => row.ics_code === 'QCC');
    expect(charlie.map((row) => [row.authority, row.announced_on, row.effective_from])).toEqual([
      ['trade-press', '2020-12-09', '2021-04-01'],
      ['official', '2020-12-08', null],
    ]);
  });

  it('carries provenance, wave and the partial flag on each row', () => {
    expect(ics_designations[0]).toEqual({
      ics_code: 'QAA',
      source_url: URLS.press2017,
      announced_on: '2017-06-15',
      effective_from: null,
      wave: '2017-06',
      name_as_published: 'Alpha North',
      partial: true,
      source_sha256: hex('5'),
      authority: 'trade-press',
      evidence: 'Alpha North',
    });
  });

  it('returns unresolved names with their document and evidence instead of dropping them', () => {
    const { unresolved } = normalise(smallWorld(), { asOf });
    expect(unresolved).toEqual([
      {
        name: 'Greater London',
        source_id: 'nhse-news',
        url: URLS.may,
        sha256: hex('1'),
        evidence: 'unlike Greater London, which ...',
        reason: 'no ICS name, alias or code has the normalised form "greater london"',
      },
      {
        name: 'X99',
        source_id: 'ons-population',
        url: URLS.ons,
        sha256: hex('b'),
        evidence: 'X99 NHS X99 CCG: 50',
        reason: 'no lookup vintage holds the code "X99"',
      },
    ]);
  });
});

describe('normalise: ics_population', () => {
  const { ics_population } = normalise(smallWorld(), { asOf }).datasets;
  const value = (code: string, measure: string, sex: string, band: string): number | undefined =>
    ics_population.find(
      (row) => row.ics_code === code && row.measure === measure && row.sex === sex && row.age_band === band,
    )?.value;

  it('sums ONS CCG estimates and their age bands to each ICS', () => {
    expect(value('QAA', 'ons_mid_year_estimate', 'ALL', 'ALL')).toBe(250);
    expect(value('QAA', 'ons_mid_year_estimate', 'ALL', '0-17')).toBe(50);
    expect(value('QAA', 'ons_mid_year_estimate', 'ALL', '18-64')).toBe(180);
    expect(value('QAA', 'ons_mid_year_estimate', 'ALL', '65+')).toBe(20);
    expect(value('QDD', 'ons_mid_year_estimate', 'ALL', 'ALL')).toBe(250);
  });

  it('sums GP registrations, totals and sex x age, through sub-ICB codes', () => {
    expect(value('QAA', 'registered_patients', 'ALL', 'ALL')).toBe(270);
    expect(value('QBB', 'registered_patients', 'ALL', 'ALL')).toBe(270);
    expect(value('QAA', 'registered_patients', 'MALE', '0')).toBe(12);
    expect(value('QAA', 'registered_patients', 'FEMALE', '95+')).toBe(2);
    expect(value('QCC', 'registered_patients', 'ALL', 'ALL')).toBeUndefined();
  });

  it('has 16 ONS rows and 4 GP rows, each with the source hash', () => {
    expect(ics_population).toHaveLength(20);
    const gp = ics_population.filter((row) => row.measure === 'registered_patients');
    expect(gp).toHaveLength(4);
    expect(new Set(gp.map((row) => row.source_sha256))).toEqual(new Set([hex('c')]));
    expect(gp[0]?.reference_date).toBe('2021-01-01');
  });
});

describe('normalise: GP registration documents', () => {
  const gpValue = (input: NormaliseInput, code: string, sex: string, band: string) =>
    normalise(input, { asOf }).datasets.ics_population.find(
      (row) =>
        row.ics_code === code &&
        row.measure === 'registered_patients' &&
        row.sex === sex &&
        row.age_band === band,
    )?.value;

  it('does not count totals twice when the totals file and the single-year-of-age file both carry them', () => {
    const input = smallWorld();
    const totalsFile = input.gpRegistrations?.[0];
    if (!totalsFile) throw new Error('fixture has GP registrations');
    totalsFile.aggregate.by_sex_age = [];
    input.gpRegistrations?.push({
      provenance: {
        ...(input.gpRegistrations[0]?.provenance as Provenance),
        url: `${URLS.gp}?sing-age`,
        sha256: hex('e'),
      },
      aggregate: {
        extract_date: '2021-01-01',
        totals: [{ sub_icb_code: 'A01', sub_icb_ons_code: null, patients: 110 }],
        by_sex_age: [{ sub_icb_code: 'B01', sex: 'FEMALE', age: '30', patients: 4 }],
      },
    });
    // Totals come from the dedicated totals file only (A01 110 + A02 160), sex x age from the other file.
    expect(gpValue(input, 'QAA', 'ALL', 'ALL')).toBe(270);
    expect(gpValue(input, 'QBB', 'FEMALE', '30')).toBe(4);
    expect(gpValue(input, 'QAA', 'MALE', '0')).toBeUndefined();
  });

  it('accepts the parse stage aggregate as is, ignoring its extra fields', () => {
    const input = smallWorld();
    const aggregate = {
      extract_date: '2021-02-01',
      row_count: 3,
      practice_row_count: 3,
      org_row_count: 0,
      practice_count: 3,
      basis: 'practice',
      total_patients: 300,
      totals: [{ sub_icb_code: 'C01', sub_icb_ons_code: null, patients: 300, practice_count: 3 }],
      by_sex_age: [{ sub_icb_code: 'C01', sex: 'ALL' as const, age: '0', patients: 3 }],
    };
    input.gpRegistrations = [
      {
        provenance: { ...(input.gpRegistrations?.[0]?.provenance as Provenance), sha256: hex('f') },
        aggregate,
      },
    ];
    const rows = normalise(input, { asOf }).datasets.ics_population.filter(
      (row) => row.measure === 'registered_patients',
    );
    expect(rows.map((row) => [row.ics_code, row.reference_date, row.sex, row.age_band, row.value])).toEqual([
      ['QCC', '2021-02-01', 'ALL', '0', 3],
      ['QCC', '2021-02-01', 'ALL', 'ALL', 300],
    ]);
  });
});

describe('normalise: ics_coverage', () => {
  it('has one row per date the designated set changed, with hand-computed shares of England (1000)', () => {
    const { ics_coverage } = normalise(smallWorld(), { asOf }).datasets;
    expect(ics_coverage).toEqual([
      {
        date: '2020-05-20',
        ics_count: 2,
        population_covered: 500,
        england_population: 1000,
        coverage_pct: 50,
        population_basis: 'ons_mid_year_estimate 2019-06-30',
        designated_codes: ['QAA', 'QBB'],
      },
      {
        date: '2020-12-08',
        ics_count: 3,
        population_covered: 700,
        england_population: 1000,
        coverage_pct: 70,
        population_basis: 'ons_mid_year_estimate 2019-06-30',
        designated_codes: ['QAA', 'QBB', 'QCC'],
      },
      {
        date: '2021-04-01',
        ics_count: 4,
        population_covered: 950,
        england_population: 1000,
        coverage_pct: 95,
        population_basis: 'ons_mid_year_estimate 2019-06-30',
        designated_codes: ['QAA', 'QBB', 'QCC', 'QDD'],
      },
    ]);
  });

  it('stops at the run date', () => {
    const { ics_coverage } = normalise(smallWorld(), { asOf: '2021-03-31' }).datasets;
    expect(ics_coverage.map((row) => row.date)).toEqual(['2020-05-20', '2020-12-08']);
  });

  it('rounds the share half up to one decimal', () => {
    const input = smallWorld();
    const population = input.population?.[0];
    if (!population) throw new Error('fixture has population');
    // England 1001 with Alpha+Bravo = 500: 49.95% -> 50.0; Alpha+Bravo+Charlie = 700: 69.93% -> 69.9.
    population.rows = population.rows.map((row) =>
      row.sub_icb_code === 'X99' ? { ...row, all_ages: 51 } : row,
    );
    const { ics_coverage } = normalise(input, { asOf }).datasets;
    expect(ics_coverage.map((row) => row.coverage_pct)).toEqual([50, 69.9, 94.9]);
  });
});

describe('normalise: published_claims', () => {
  const { published_claims } = normalise(smallWorld(), { asOf }).datasets;
  const byEvidence = (evidence: string) => published_claims.find((row) => row.evidence === evidence);

  it('checks each statement against our figure for the same date and scope', () => {
    expect(byEvidence('around half of the population')).toMatchObject({
      date: '2020-05-20',
      kind: 'percent',
      scope: 'total',
      claimed_value: 50,
      computed_value: 50,
      consistent: true,
      difference: 0,
    });
    expect(byEvidence('more than 60 per cent')).toMatchObject({
      computed_value: 70,
      consistent: true,
      difference: 10,
    });
    expect(byEvidence('serving 200 people')).toMatchObject({
      computed_value: 200,
      consistent: true,
      difference: 0,
    });
    expect(byEvidence('more than 800 people')).toMatchObject({
      computed_value: 700,
      consistent: false,
      difference: -100,
    });
  });

  it('checks running totals, counting the areas the announcement itself designates', () => {
    expect(byEvidence('There are now 2 integrated care systems.')).toMatchObject({
      computed_value: 2,
      consistent: true,
    });
    expect(byEvidence('In all, there are now 3 ICSs.')).toMatchObject({
      computed_value: 3,
      consistent: true,
    });
    expect(byEvidence('all 4 areas will be ICSs')).toMatchObject({
      date: '2021-03-19',
      computed_value: 4,
      consistent: true,
    });
  });

  it('records the listing page total on its fetch date', () => {
    expect(published_claims.find((row) => row.source_url === URLS.listing)).toMatchObject({
      date: '2021-04-12',
      kind: 'count',
      claimed_value: 4,
      computed_value: 4,
      consistent: true,
    });
  });

  it('has eight claims with stable 16-hex ids, sorted by id', () => {
    expect(published_claims).toHaveLength(8);
    const ids = published_claims.map((row) => row.claim_id);
    expect(ids.every((id) => /^[a-f0-9]{16}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('normalise: determinism and lineage', () => {
  function shuffled<T>(items: readonly T[], seed: number): T[] {
    // A fixed permutation (reverse, then rotate) so the test is reproducible.
    const reversed = [...items].reverse();
    const shift = items.length === 0 ? 0 : seed % items.length;
    return [...reversed.slice(shift), ...reversed.slice(0, shift)];
  }

  it('gives byte-identical output for shuffled input', () => {
    const input = smallWorld();
    const reordered: NormaliseInput = {
      ...input,
      lookups: input.lookups.map((doc) => ({ ...doc, rows: shuffled(doc.rows, 2) })),
      population: (input.population ?? []).map((doc) => ({ ...doc, rows: shuffled(doc.rows, 3) })),
      gpRegistrations: (input.gpRegistrations ?? []).map((doc) => ({
        ...doc,
        aggregate: {
          ...doc.aggregate,
          totals: shuffled(doc.aggregate.totals, 1),
          by_sex_age: shuffled(doc.aggregate.by_sex_age ?? [], 1),
        },
      })),
      announcements: shuffled(input.announcements ?? [], 2).map((doc) => ({
        ...doc,
        announcement: { ...doc.announcement, areas: shuffled(doc.announcement.areas, 1) },
      })),
    };
    expect(JSON.stringify(normalise(reordered, { asOf }))).toBe(JSON.stringify(normalise(input, { asOf })));
  });

  it('names the raw documents behind each dataset', () => {
    const { lineage } = normalise(smallWorld(), { asOf });
    expect(lineage.map((entry) => entry.dataset)).toEqual([
      'ics',
      'ics_lineage',
      'ics_designations',
      'ics_population',
      'ics_coverage',
      'published_claims',
      'ics_lifecycle_claims',
    ]);
    const population = lineage.find((entry) => entry.dataset === 'ics_population');
    expect(population?.raw.map((raw) => raw.url).sort()).toEqual([URLS.gp, URLS.lookup, URLS.ons].sort());
  });

  it('keeps only the newest version of a document fetched twice', () => {
    const input = smallWorld();
    const may = input.announcements?.[0];
    if (!may) throw new Error('fixture has announcements');
    const older = {
      provenance: { ...may.provenance, sha256: hex('9'), fetched_at: '2020-05-21T06:00:00Z' },
      announcement: { ...may.announcement, areas: [{ name_as_published: 'Delta', evidence: 'Delta' }] },
    };
    input.announcements?.push(older);
    const rows = normalise(input, { asOf }).datasets.ics_designations.filter(
      (row) => row.source_url === URLS.may,
    );
    expect(rows.map((row) => row.ics_code)).toEqual(['QAA', 'QBB']);
  });

  it('rejects input that breaks the contract, naming the field', () => {
    const input = smallWorld();
    const first = input.lookups[0];
    if (!first) throw new Error('fixture has lookups');
    first.provenance = { ...first.provenance, sha256: 'not-a-hash' };
    expect(() => normalise(input, { asOf })).toThrow(/sha256/);
  });
});
