/**
 * Facts of the 2023-2026 era, read from the shared reference data (files 01, 02, 07a and 12-18), shared by the two
 * snapshot generators: the five era snapshot dates, the ICBs and sub-ICB locations of each code vintage, the
 * place of every GP practice of the real January 2021 file at each date, the April 2026 successions and the
 * 2025/26 clusters.
 *
 * Code vintages (see 19_icb_2023_2026.md):
 * - 2023 (April 2023): the 42 ICBs of July 2022 with ICB23CD (Surrey Heartlands E54000063, Sussex E54000064);
 *   sub-ICB location codes as ONS has them after 2022, 92A E38000264 and 70F E38000265; regions as in 2022.
 * - 2024 (January 2024): as 2023 with East of England E40000013 and North West E40000014.
 * - 2025 (April 2025): as 2024 (no boundary change).
 * - 2026 (April 2026): the ONS April 2026 lookup (file 12): 36 ICBs, 106 sub-ICB locations.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';

export type CsvRecord = Record<string, string>;

export function readCsv(file: string): CsvRecord[] {
  const text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  const parsed = Papa.parse<CsvRecord>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
  return parsed.data;
}

export function column(record: CsvRecord, name: string): string {
  const value = record[name];
  if (value === undefined) throw new Error(`missing column ${name}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// The era snapshots

export interface EraSnapshot {
  date: string;
  description: string;
}

export const ERA_SNAPSHOTS: readonly EraSnapshot[] = [
  {
    date: '2023-04-20',
    description:
      'After 1 April 2023: the ICB (Establishment) (Variation) Order 2023 in force; Surrey Heartlands and Sussex recoded (E54000063, E54000064; sub-ICB locations 92A E38000264, 70F E38000265); 42 ICBs; ONS April 2023 lookup and ICB names; GP registrations April 2023 (derived).',
  },
  {
    date: '2024-02-15',
    description:
      'After the January 2024 region recode (East of England E40000007 -> E40000013, North West E40000010 -> E40000014): 42 ICBs; ONS January 2024 lookup; GP registrations February 2024 (derived).',
  },
  {
    date: '2025-10-15',
    description:
      'ICB clustering in 2025/26 (shared leadership, still separate legal bodies with unchanged boundaries); written statement HCWS915 (9 September 2025) and NHS England merger guidance (23 September 2025) for April 2026 and 2027; still 42 ICBs; ONS April 2025 lookup; GP registrations October 2025 (derived).',
  },
  {
    date: '2026-04-20',
    description:
      'After 1 April 2026: 36 ICBs (12 abolished, 6 established, Hampshire and Isle of Wight enlarged; Frimley split three ways); the real ONS April 2026 lookup and ICB names; GP registrations April 2026 with the practice mapping file (derived; the stale ONS codes of D9Y0V and 92A as in the real file).',
  },
  {
    date: '2026-11-30',
    description:
      'November 2026: 36 ICBs; further mergers expected from 1 April 2027 but no confirmed list; GP registrations November 2026 (derived).',
  },
];

export const ERA_DATES: readonly string[] = ERA_SNAPSHOTS.map((snapshot) => snapshot.date);

/** The manifest.json of an era snapshot (its resources live in resources/<source-id>.json). */
export function eraManifestJson(date: string): string {
  const snapshot = ERA_SNAPSHOTS.find((candidate) => candidate.date === date);
  if (!snapshot) throw new RangeError(`${date} is not an era snapshot`);
  return `${JSON.stringify({ date, description: snapshot.description, resources: [] }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// ICBs and sub-ICB locations by vintage

export type Vintage = 2023 | 2024 | 2025 | 2026;

export interface EraIcb {
  ods: string;
  ons: string;
  name: string;
  regionOds: string;
  regionOns: string;
  regionName: string;
  subIcbs: string[];
}

export interface EraSubIcb {
  /** ODS code, e.g. 92A. */
  code: string;
  /** ONS code in this vintage's ONS lookup. */
  ons: string;
  /** ONS code NHS England's GP registration files use (differs from `ons` for D9Y0V and 92A in 2026). */
  gpFileOns: string;
  /** ONS-style name, e.g. "NHS Surrey and Sussex ICB - 92A". */
  name: string;
  icb: EraIcb;
}

export interface Succession {
  predecessorOds: string;
  predecessorName: string;
  successorOds: string;
  successorName: string;
  kind: string;
}

export interface Cluster {
  name: string;
  members: string[];
  region: string;
  status: string;
  sourceUrl: string;
  trust: string;
}

export interface FrimleyPractice {
  code: string;
  icb26Ons: string;
  basis: string;
}

export interface EraFacts {
  icbs(vintage: Vintage): EraIcb[];
  subIcbs(vintage: Vintage): EraSubIcb[];
  /** The ICB of 1 July 2022 to 31 March 2026 with this ODS code (names as in file 01). */
  icb2023(ods: string): EraIcb;
  /**
   * The sub-ICB location a practice of the January 2021 file belongs to in a vintage: its CCG's April 2021
   * successor (file 02), except that in 2026 the practices of the closed D4U1Y (Frimley) move per file 18.
   */
  practiceSubIcb(vintage: Vintage, practice: CsvRecord): string;
  /** The April 2021 CCG (= July 2022 sub-ICB location) of a practice of the January 2021 file (file 02). */
  practiceCcg21(practice: CsvRecord): string;
  /** How each D4U1Y practice was placed in April 2026 (for notes). */
  frimleyPlacement: Map<string, { subIcb: string; basis: string }>;
  successions: Succession[];
  clusters: Cluster[];
  /** The real ONS April 2026 lookup, byte-exact (UTF-8 with BOM). */
  lookup2026Bytes: Buffer;
}

const FRIMLEY_SUB_ICB_BY_ICB26: Record<string, string> = {
  E54000070: 'U2G6B', // NHS Thames Valley ICB
  E54000067: 'D9Y0V', // NHS Hampshire and Isle of Wight ICB
  E54000069: '92A', // NHS Surrey and Sussex ICB
};

function subIcbName(icbName: string, code: string): string {
  return `${icbName.replace(/ Integrated Care Board$/, '')} ICB - ${code}`;
}

export function loadEraFacts(sharedDataDir: string): EraFacts {
  const read = (name: string) => readCsv(path.join(sharedDataDir, name));
  const icbs2022 = read('01_icb_42_list_2022.csv');
  const ccgMapping = read('02_ccg_to_stp2021_to_nhser2021_lookup.csv');
  const lookup2026Bytes = readFileSync(
    path.join(sharedDataDir, '12_ons_sicbl26_icb26_nhser26_lookup_april2026.csv'),
  );
  const lookup2026 = readCsv(path.join(sharedDataDir, '12_ons_sicbl26_icb26_nhser26_lookup_april2026.csv'));
  const sicblChanges = read('15_sicbl_changes_2026-04.csv');
  const regions = read('16_nhser_codes_2021_2026.csv');
  const frimley = read('18_frimley_practice_icb26.csv');

  const ccg21ByOldCcg = new Map(
    ccgMapping.map((row) => [column(row, 'CCG_UNMAPPED'), column(row, 'CCG21CDH')]),
  );
  const changeByCode = new Map(sicblChanges.map((row) => [column(row, 'SICBL_ODS'), row]));
  const ons2026ByCode = new Map(
    lookup2026.map((row) => [column(row, 'SICBL26CDH'), column(row, 'SICBL26CD')]),
  );
  const region24ByOds = new Map(regions.map((row) => [column(row, 'NHSER_ODS'), column(row, 'NHSER24CD')]));

  /** Sub-ICB ONS code from April 2023 to March 2026: file 15's pre-2026 code if listed there, else file 12's. */
  const onsBefore2026 = (code: string): string => {
    const change = changeByCode.get(code);
    const listed = change ? column(change, 'SICBL_ONS_CODE_PRE_2026_APR2023').split(' ')[0] : '';
    const ons = listed || ons2026ByCode.get(code);
    if (!ons) throw new Error(`no ONS code for sub-ICB location ${code} before April 2026`);
    return ons;
  };

  const icbsBefore2026 = (vintage: 2023 | 2024 | 2025): EraIcb[] =>
    icbs2022.map((row) => {
      const regionOds = column(row, 'NHSER_ODS_CODE');
      const regionOns = vintage === 2023 ? column(row, 'NHSER22CD') : region24ByOds.get(regionOds);
      if (!regionOns) throw new Error(`no 2024 region code for ${regionOds}`);
      return {
        ods: column(row, 'ICB_ODS_CODE'),
        ons: column(row, 'ICB23CD'),
        name: column(row, 'ICB22NM_MIXED'),
        regionOds,
        regionOns,
        regionName: column(row, 'NHSER_NAME'),
        subIcbs: column(row, 'SUB_ICB_LOCATION_ODS_CODES_JULY2022').split(';'),
      };
    });

  const icbs2026 = (): EraIcb[] => {
    const byOds = new Map<string, EraIcb>();
    for (const row of lookup2026) {
      const ods = column(row, 'ICB26CDH');
      const icb = byOds.get(ods) ?? {
        ods,
        ons: column(row, 'ICB26CD'),
        name: column(row, 'ICB26NM'),
        regionOds: column(row, 'NHSER26CDH'),
        regionOns: column(row, 'NHSER26CD'),
        regionName: column(row, 'NHSER26NM'),
        subIcbs: [],
      };
      icb.subIcbs.push(column(row, 'SICBL26CDH'));
      byOds.set(ods, icb);
    }
    return [...byOds.values()];
  };

  const icbCache = new Map<Vintage, EraIcb[]>();
  const icbs = (vintage: Vintage): EraIcb[] => {
    let list = icbCache.get(vintage);
    if (!list) {
      list = vintage === 2026 ? icbs2026() : icbsBefore2026(vintage);
      icbCache.set(vintage, list);
    }
    return list;
  };

  const subIcbs = (vintage: Vintage): EraSubIcb[] =>
    icbs(vintage).flatMap((icb) =>
      icb.subIcbs.map((code) => {
        if (vintage !== 2026) {
          const ons = onsBefore2026(code);
          return { code, ons, gpFileOns: ons, name: subIcbName(icb.name, code), icb };
        }
        const row = lookup2026.find((candidate) => column(candidate, 'SICBL26CDH') === code);
        if (!row) throw new Error(`sub-ICB location ${code} missing from the 2026 lookup`);
        const change = changeByCode.get(code);
        const inGpFile = change ? column(change, 'ONS_CODE_IN_GP_FILE_2026_04') : '';
        const ons = column(row, 'SICBL26CD');
        return { code, ons, gpFileOns: inGpFile || ons, name: column(row, 'SICBL26NM'), icb };
      }),
    );

  // Former Frimley (D4U1Y) practices in April 2026: file 18 by practice code; a practice file 18 does not list
  // goes where file 18 puts the other practices of its postcode district (it must be unanimous).
  const frimleyByPractice = new Map(frimley.map((row) => [column(row, 'Practice_Code'), row]));
  const districtIcbs = new Map<string, Set<string>>();
  for (const row of frimley) {
    const district = column(row, 'Practice_Postcode').split(/\s+/)[0] ?? '';
    const set = districtIcbs.get(district) ?? new Set<string>();
    set.add(column(row, 'ICB26CD'));
    districtIcbs.set(district, set);
  }
  const frimleyPlacement = new Map<string, { subIcb: string; basis: string }>();
  const placeFrimleyPractice = (practice: CsvRecord): string => {
    const code = column(practice, 'CODE');
    const known = frimleyPlacement.get(code);
    if (known) return known.subIcb;
    const listed = frimleyByPractice.get(code);
    let icb26: string | undefined;
    let basis: string;
    if (listed) {
      icb26 = column(listed, 'ICB26CD');
      basis = `file 18 (${column(listed, 'Mapping_Basis')})`;
    } else {
      const district = column(practice, 'POSTCODE').split(/\s+/)[0] ?? '';
      const candidates = [...(districtIcbs.get(district) ?? [])];
      if (candidates.length !== 1)
        throw new Error(
          `Frimley practice ${code}: postcode district ${district} is not unanimous in file 18`,
        );
      icb26 = candidates[0];
      basis = `postcode district ${district}, where every file 18 practice is in ${icb26}`;
    }
    const subIcb = icb26 ? FRIMLEY_SUB_ICB_BY_ICB26[icb26] : undefined;
    if (!subIcb) throw new Error(`Frimley practice ${code}: no sub-ICB location for ${icb26}`);
    frimleyPlacement.set(code, { subIcb, basis });
    return subIcb;
  };

  const practiceCcg21 = (practice: CsvRecord): string => {
    const ccg = column(practice, 'CCG_CODE');
    const ccg21 = ccg21ByOldCcg.get(ccg);
    if (!ccg21 || ccg21 === 'Unknown') throw new Error(`CCG ${ccg} is not in the 2021 mapping`);
    return ccg21;
  };
  const practiceSubIcb = (vintage: Vintage, practice: CsvRecord): string => {
    const ccg21 = practiceCcg21(practice);
    if (vintage === 2026 && ccg21 === 'D4U1Y') return placeFrimleyPractice(practice);
    return ccg21;
  };

  const icb2023 = (ods: string): EraIcb => {
    const icb = icbs(2023).find((candidate) => candidate.ods === ods);
    if (!icb) throw new Error(`no 2023 ICB ${ods}`);
    return icb;
  };

  const successions = read('14_icb_succession_2026-04-01.csv').map((row) => ({
    predecessorOds: column(row, 'PREDECESSOR_ODS'),
    predecessorName: column(row, 'PREDECESSOR_NAME'),
    successorOds: column(row, 'SUCCESSOR_ODS'),
    successorName: column(row, 'SUCCESSOR_NAME'),
    kind: column(row, 'SUCCESSION_TYPE'),
  }));
  const clusters = read('17_icb_clusters_2025_26.csv').map((row) => ({
    name: column(row, 'CLUSTER'),
    members: column(row, 'MEMBER_ODS_CODES').split(';'),
    region: column(row, 'REGION'),
    status: column(row, 'STATUS_AS_REPORTED'),
    sourceUrl: column(row, 'SOURCE_URL'),
    trust: column(row, 'TRUST'),
  }));

  return {
    icbs,
    subIcbs,
    icb2023,
    practiceSubIcb,
    practiceCcg21,
    frimleyPlacement,
    successions,
    clusters,
    lookup2026Bytes,
  };
}
