import type { NormaliseInput } from '../../lib/normalise/input.ts';
import type { CodeLookupRow } from '../../lib/parse/records.ts';
import { provenance } from './small-world.ts';

/**
 * A hand-built reorganisation, small enough to check by hand. Two lookup vintages, SICBL25 and SICBL26 (1 April
 * 2026), and a GP edition either side of the change:
 *
 *   SICBL25                      SICBL26                       what happened
 *   QAA: A01, A02                N1A2B: A01, A02, B01, C02     QAA and QBB merge into the new N1A2B
 *   QBB: B01                                                   (five-character ODS code)
 *   QCC: C01 (practices PC1, PC2) closed: PC1 -> C02 (N1A2B),  QCC split: to N1A2B and to QDD (acquisition)
 *                                         PC2 -> D01 (QDD)
 *   QDD: D01, D02                QDD: D01 (new ONS code)       QDD recoded; D02 moves to QEE (boundary transfer)
 *   QEE: E01 (E38000901)         QEE: D02, E01 (E38000911)     E01's ONS code changes: no event
 *
 *   practice  sub-ICB   patients (2025-10-01)
 *   PA1       A01       100
 *   PA2       A02        50
 *   PB1       B01       200
 *   PC1       C01        30
 *   PC2       C01        70
 *   PD1       D01       400
 *   PD2       D02       100
 *   PE1       E01       300
 */

const URLS = {
  lookup25:
    'https://hub.arcgis.com/api/v3/datasets/25252525252525252525252525252525_0/downloads/data?format=csv',
  lookup26:
    'https://hub.arcgis.com/api/v3/datasets/26262626262626262626262626262626_0/downloads/data?format=csv',
  gp2025: 'https://files.digital.nhs.uk/25/OCT025/gp-reg-pat-prac-all.zip',
  gp2026: 'https://files.digital.nhs.uk/26/APR026/gp-reg-pat-prac-all.zip',
  listing: 'https://www.england.nhs.uk/integratedcare/integrated-care-in-your-area/',
  news: 'https://www.england.nhs.uk/2026/04/new-board/',
};

export { URLS as REORGANISED_URLS };

function row(
  vintage: string,
  sub: string,
  icb: string,
  icbOns: string,
  icbName: string,
  subOns: string | null = null,
): CodeLookupRow {
  return {
    vintage,
    sub_icb_code: sub,
    sub_icb_ons_code: subOns,
    sub_icb_name: null,
    icb_code: icb,
    icb_ons_code: icbOns,
    icb_name: icbName,
    region_code: 'Y59',
    region_ons_code: 'E40000005',
    region_name: 'South East',
  };
}

export const lookups2025: CodeLookupRow[] = [
  row('SICBL25', 'A01', 'QAA', 'E54000901', 'NHS Alpha Integrated Care Board'),
  row('SICBL25', 'A02', 'QAA', 'E54000901', 'NHS Alpha Integrated Care Board'),
  row('SICBL25', 'B01', 'QBB', 'E54000902', 'NHS Bravo Integrated Care Board'),
  row('SICBL25', 'C01', 'QCC', 'E54000903', 'NHS Charlie Integrated Care Board'),
  row('SICBL25', 'D01', 'QDD', 'E54000904', 'NHS Delta Integrated Care Board'),
  row('SICBL25', 'D02', 'QDD', 'E54000904', 'NHS Delta Integrated Care Board'),
  row('SICBL25', 'E01', 'QEE', 'E54000905', 'NHS Echo Integrated Care Board', 'E38000901'),
];

export const lookups2026: CodeLookupRow[] = [
  row('SICBL26', 'A01', 'N1A2B', 'E54000920', 'NHS Newtown Integrated Care Board'),
  row('SICBL26', 'A02', 'N1A2B', 'E54000920', 'NHS Newtown Integrated Care Board'),
  row('SICBL26', 'B01', 'N1A2B', 'E54000920', 'NHS Newtown Integrated Care Board'),
  row('SICBL26', 'C02', 'N1A2B', 'E54000920', 'NHS Newtown Integrated Care Board'),
  row('SICBL26', 'D01', 'QDD', 'E54000921', 'NHS Delta Integrated Care Board'),
  row('SICBL26', 'D02', 'QEE', 'E54000905', 'NHS Echo Integrated Care Board'),
  row('SICBL26', 'E01', 'QEE', 'E54000905', 'NHS Echo Integrated Care Board', 'E38000911'),
];

type Placement = [practice: string, sub: string, patients: number];

const before: Placement[] = [
  ['PA1', 'A01', 100],
  ['PA2', 'A02', 50],
  ['PB1', 'B01', 200],
  ['PC1', 'C01', 30],
  ['PC2', 'C01', 70],
  ['PD1', 'D01', 400],
  ['PD2', 'D02', 100],
  ['PE1', 'E01', 300],
];
// Patients grow by 10 per practice between the editions; PC1 and PC2 are in their new locations.
const after: Placement[] = before.map(([practice, sub, patients]) => [
  practice,
  practice === 'PC1' ? 'C02' : practice === 'PC2' ? 'D01' : sub,
  patients + 10,
]);

function gpEdition(date: string, placements: Placement[]) {
  const subs = [...new Set(placements.map(([, sub]) => sub))].sort();
  return {
    extract_date: date,
    totals: subs.map((sub) => ({
      sub_icb_code: sub,
      patients: placements.filter(([, s]) => s === sub).reduce((sum, [, , n]) => sum + n, 0),
    })),
    practices: placements.map(([practice_code, sub_icb_code, patients]) => ({
      practice_code,
      sub_icb_code,
      patients,
    })),
  };
}

/** The reorganisation with both GP editions, the new board's announcement and a listing that notes it. */
export function reorganisedWorld(): NormaliseInput {
  return {
    lookups: [
      { provenance: provenance(URLS.lookup25, 'a', 'official', 'ons-code-lookups'), rows: lookups2025 },
      { provenance: provenance(URLS.lookup26, 'b', 'official', 'ons-code-lookups'), rows: lookups2026 },
    ],
    gpRegistrations: [
      {
        provenance: provenance(URLS.gp2025, 'c', 'official', 'nhsd-gp-registrations'),
        aggregate: gpEdition('2025-10-01', before),
      },
      {
        provenance: provenance(URLS.gp2026, 'd', 'official', 'nhsd-gp-registrations'),
        aggregate: gpEdition('2026-04-01', after),
      },
    ],
    lifecycleClaims: [
      {
        provenance: provenance(URLS.news, 'e', 'official', 'icb-news'),
        document: {
          url: URLS.news,
          title: 'NHS Newtown ICB is established',
          published_on: '2026-04-01',
          claims: [
            {
              kind: 'established',
              tense: 'reported',
              names_as_published: ['NHS Newtown ICB', 'NHS Alpha ICB', 'NHS Bravo ICB', 'NHS Charlie ICB'],
              effective_from: '2026-04-01',
              evidence:
                'NHS Newtown ICB was established on 1 April 2026, bringing together NHS Alpha ICB, NHS Bravo ICB and part of NHS Charlie ICB.',
            },
            {
              kind: 'abolished',
              tense: 'reported',
              names_as_published: ['NHS Alpha ICB', 'NHS Echo ICB'],
              effective_from: '2026-04-01',
              evidence: 'NHS Alpha ICB and NHS Echo ICB were abolished on 1 April 2026.',
            },
            {
              kind: 'succession',
              tense: 'planned',
              names_as_published: ['NHS Delta ICB', 'NHS Echo ICB', 'NHS Foxtrot ICB'],
              effective_from: '2027-04-01',
              evidence: 'NHS Delta ICB will merge with NHS Echo ICB and NHS Foxtrot ICB from 1 April 2027.',
            },
          ],
        },
      },
    ],
  };
}
