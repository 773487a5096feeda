import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import type { Provenance } from '../../lib/normalise/input.ts';
import type { CodeLookupRow, PopulationRow } from '../../lib/parse/records.ts';
import type { IcbNameEntry, LegacyStpRow } from '../../lib/reference/gazetteer.ts';

/**
 * Reads the real reference CSVs in tests/fixtures/reference/ into the records the normalise stage takes.
 * Deliberately independent of lib/parse (written concurrently): a plain papaparse read plus column mapping.
 */

const referenceDir = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export const REFERENCE_FILES = {
  icbList2022: '01_icb_42_list_2022.csv',
  ccgToStp2021: '02_ccg_to_stp2021_to_nhser2021_lookup.csv',
  stpApril2019: '04_stp_region_mapping_april2019_mhsds.csv',
  onsMid2019: '05_ons_mid2019_population_by_ccg2020_mhbulletin.csv',
} as const;

function readText(file: string): string {
  return readFileSync(`${referenceDir}${file}`, 'utf8');
}

/** The rows of a reference CSV as header-keyed records. */
export function readReferenceCsv(file: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(readText(file), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
  return parsed.data;
}

function field(row: Record<string, string>, column: string): string {
  const value = row[column];
  if (value === undefined) throw new Error(`missing column ${column}`);
  return value.trim();
}

/** Provenance for a fixture file, with the real SHA-256 of its bytes. */
export function provenanceFor(file: string, overrides: Partial<Provenance> = {}): Provenance {
  return {
    source_id: 'ons-code-lookups',
    url: `https://fixtures.example.org/reference/${file}`,
    sha256: createHash('sha256')
      .update(readFileSync(`${referenceDir}${file}`))
      .digest('hex'),
    authority: 'official',
    fetched_at: '2022-07-20T00:00:00Z',
    ...overrides,
  };
}

/** 01: the July 2022 (SICBL22, ICB22CD) and April 2023 (ICB23, ICB23CD) vintages of the 42 ICBs. */
export function lookupsFromIcbList(): CodeLookupRow[] {
  return readReferenceCsv(REFERENCE_FILES.icbList2022).flatMap((row) =>
    field(row, 'SUB_ICB_LOCATION_ODS_CODES_JULY2022')
      .split(';')
      .flatMap((subIcb) =>
        (
          [
            ['SICBL22', 'ICB22CD'],
            ['ICB23', 'ICB23CD'],
          ] as const
        ).map(([vintage, onsColumn]) => ({
          vintage,
          sub_icb_code: subIcb,
          sub_icb_ons_code: null,
          sub_icb_name: null,
          icb_code: field(row, 'ICB_ODS_CODE'),
          icb_ons_code: field(row, onsColumn),
          icb_name: field(row, 'ICB_NAME_ODS_UPPER'),
          region_code: field(row, 'NHSER_ODS_CODE'),
          region_ons_code: field(row, 'NHSER22CD'),
          region_name: field(row, 'NHSER_NAME'),
        })),
      ),
  );
}

/** 01: the mixed-case ICB names and the predecessor STP partnership names with their STP21 codes. */
export function icbNamesFromIcbList(): IcbNameEntry[] {
  return readReferenceCsv(REFERENCE_FILES.icbList2022).flatMap((row) => [
    {
      icb_code: field(row, 'ICB_ODS_CODE'),
      name: field(row, 'ICB22NM_MIXED'),
      kind: 'official' as const,
      ons_code: null,
    },
    {
      icb_code: field(row, 'ICB_ODS_CODE'),
      name: field(row, 'PREDECESSOR_STP21NM'),
      kind: 'partnership' as const,
      ons_code: field(row, 'PREDECESSOR_STP21CD'),
    },
  ]);
}

/**
 * 02: April 2021 CCGs (vintage CCG21) and every historic CCG code (vintage CCG20: the table maps each code the
 * CCGs had before the 2021 mergers, which covers the April 2020 codes used by the January 2021 GP file).
 */
export function lookupsFromCcgMapping(): CodeLookupRow[] {
  // The table ends with an all-"Unknown" placeholder row, which no lookup schema admits.
  const rows = readReferenceCsv(REFERENCE_FILES.ccgToStp2021).filter(
    (row) => field(row, 'STP21CDH') !== 'Unknown',
  );
  const common = (row: Record<string, string>) => ({
    icb_code: field(row, 'STP21CDH'),
    icb_ons_code: field(row, 'STP21CD'),
    icb_name: field(row, 'STP21NM'),
    region_code: field(row, 'NHSER21CDH'),
    region_ons_code: field(row, 'NHSER21CD'),
    region_name: field(row, 'NHSER21NM'),
  });
  const ccg21 = new Map<string, CodeLookupRow>();
  for (const row of rows) {
    ccg21.set(field(row, 'CCG21CDH'), {
      vintage: 'CCG21',
      sub_icb_code: field(row, 'CCG21CDH'),
      sub_icb_ons_code: field(row, 'CCG21CD'),
      sub_icb_name: field(row, 'CCG21NM'),
      ...common(row),
    });
  }
  const historic = rows.map((row) => ({
    vintage: 'CCG20',
    sub_icb_code: field(row, 'CCG_UNMAPPED'),
    sub_icb_ons_code: null,
    sub_icb_name: null,
    ...common(row),
  }));
  return [...historic, ...ccg21.values()];
}

/** 04: April 2019 CCG memberships of the pre-2020 STP codes. */
export function legacyStpsFromApril2019(): LegacyStpRow[] {
  return readReferenceCsv(REFERENCE_FILES.stpApril2019)
    .filter((row) => field(row, 'STP_code') !== 'UNKNOWN')
    .map((row) => ({
      vintage: 'STP19',
      sub_icb_code: field(row, 'CCG_code'),
      stp_ons_code: field(row, 'STP_code'),
      stp_name: field(row, 'STP_description'),
      region_code: field(row, 'Region_code'),
    }));
}

/** 05: ONS mid-2019 estimates by April 2020 CCG. */
export function populationFromOnsMid2019(): PopulationRow[] {
  return readReferenceCsv(REFERENCE_FILES.onsMid2019).map((row) => ({
    reference_date: '2019-06-30',
    sub_icb_code: field(row, 'CCG_2020_CODE'),
    sub_icb_ons_code: null,
    name: field(row, 'CCG_2020_NAME'),
    all_ages: Number(field(row, 'All_Ages')),
    age_bands: {
      '0-17': Number(field(row, 'Aged_0_to_17')),
      '18-64': Number(field(row, 'Aged_18_to_64')),
      '65+': Number(field(row, 'Aged_65_OVER')),
    },
  }));
}
