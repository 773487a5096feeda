import { buildGazetteer, type Gazetteer } from '../../../lib/reference/gazetteer.ts';
import type { CodeLookupRow } from '../../../lib/reference/lookup-row.ts';

/**
 * A small closed world for the designation tests: some 2021 ICSs under their lookup names (partnership names
 * included), one ICB of April 2026 that did not exist before, and the bundled alias table.
 */

const SYSTEMS: readonly [code: string, name: string, region: string][] = [
  ['QJK', 'Devon', 'South West'],
  ['QSL', 'Somerset', 'South West'],
  ['QT6', 'Cornwall and the Isles of Scilly Health and Social Care Partnership', 'South West'],
  ['QUY', 'Bristol, North Somerset and South Gloucestershire', 'South West'],
  ['QOX', 'Bath and North East Somerset, Swindon and Wiltshire', 'South West'],
  ['QR1', 'Gloucestershire', 'South West'],
  ['QVV', 'Dorset', 'South West'],
  ['QKS', 'Kent and Medway', 'South East'],
  ['QU9', 'Buckinghamshire, Oxfordshire and Berkshire West', 'South East'],
  ['QNQ', 'Frimley Health and Care ICS', 'South East'],
  ['QXU', 'Surrey Heartlands Health and Care Partnership', 'South East'],
  ['QNX', 'Sussex Health and Care Partnership', 'South East'],
  ['QRL', 'Hampshire and the Isle of Wight', 'South East'],
  ['QJM', 'Lincolnshire', 'Midlands'],
  ['QPM', 'Northamptonshire', 'Midlands'],
  ['QJ2', 'Joined Up Care Derbyshire', 'Midlands'],
  ['QT1', 'Nottingham and Nottinghamshire Health and Care', 'Midlands'],
  ['QK1', 'Leicester, Leicestershire and Rutland', 'Midlands'],
  ['QOC', 'Shropshire and Telford and Wrekin', 'Midlands'],
  ['QYG', 'Cheshire and Merseyside', 'North West'],
  ['QOP', 'Greater Manchester Health and Social Care Partnership', 'North West'],
  ['QE1', 'Healthier Lancashire and South Cumbria', 'North West'],
  ['QHM', 'Cumbria and North East', 'North East and Yorkshire'],
  ['QJG', 'Suffolk and North East Essex', 'East of England'],
  ['QH8', 'Mid and South Essex', 'East of England'],
  ['QMM', 'Norfolk and Waveney Health and Care Partnership', 'East of England'],
  ['QWO', 'West Yorkshire and Harrogate (Health and Care Partnership)', 'North East and Yorkshire'],
  ['QF7', 'South Yorkshire and Bassetlaw', 'North East and Yorkshire'],
  ['QRV', 'North West London Health and Care Partnership', 'London'],
  ['QMJ', 'North London Partners in Health and Care', 'London'],
  ['QMF', 'East London Health and Care Partnership', 'London'],
];

function row(code: string, name: string, region: string, vintage: string, index: number): CodeLookupRow {
  return {
    vintage,
    sub_icb_code: `${String(index).padStart(2, '0')}X`,
    sub_icb_ons_code: null,
    sub_icb_name: null,
    icb_code: code,
    icb_ons_code: `E54${String(index).padStart(6, '0')}`,
    icb_name: name,
    region_code: 'Y56',
    region_ons_code: null,
    region_name: region,
  };
}

/** The test world: the systems above in the 2021 lookup, and NHS Thames Valley ICB only from April 2026. */
export function testGazetteer(): Gazetteer {
  const lookups = SYSTEMS.map(([code, name, region], index) => row(code, name, region, 'CCG21', index));
  lookups.push(row('S0E4D', 'NHS Thames Valley Integrated Care Board', 'South East', 'SICBL26', 99));
  return buildGazetteer({ lookups });
}
