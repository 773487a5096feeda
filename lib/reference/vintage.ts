import { compareText } from './order.ts';

/**
 * Lookup vintages ("CCG20", "CCG21", "SICBL22", "ICB23", "STP19"...) name the boundaries in force from a date.
 * CCG/STP boundaries change on 1 April, with two exceptions carried by the sub-ICB/ICB labels:
 * - ICBs were established on 1 July 2022, so the 2022 sub-ICB/ICB vintage starts then;
 * - the 2024 vintage is ONS's January 2024 lookup, which re-issued the East of England and North West region
 *   codes (E40000013, E40000014); the later yearly-labelled 2024 lookups carry the same footprints.
 */

const starts = new Map<string, string>();

/** The ISO date a vintage's boundaries took effect, or "0000-01-01" when the label carries no year. */
export function vintageStart(vintage: string): string {
  let start = starts.get(vintage);
  if (start === undefined) {
    start = startOf(vintage);
    // Labels are few (one per lookup vintage); the bound only guards against junk.
    if (starts.size > 1024) starts.clear();
    starts.set(vintage, start);
  }
  return start;
}

function startOf(vintage: string): string {
  const match = /(\d{2})$/.exec(vintage.trim());
  if (!match?.[1]) return '0000-01-01';
  const year = `20${match[1]}`;
  if (year === '2022' && /ICB/i.test(vintage)) return '2022-07-01';
  if (year === '2024' && /ICB/i.test(vintage)) return '2024-01-01';
  return `${year}-04-01`;
}

/** Sort key ordering vintages oldest first, ties broken by label. */
export function compareVintages(left: string, right: string): number {
  const byStart = compareText(vintageStart(left), vintageStart(right));
  return byStart !== 0 ? byStart : compareText(left, right);
}

/**
 * The vintage to use for data dated `date`: the newest vintage in force on that date among `available`,
 * else (for data older than every vintage) the oldest available. Returns undefined when none is available.
 */
export function vintageFor(date: string, available: readonly string[]): string | undefined {
  const sorted = [...available].sort(compareVintages);
  const inForce = sorted.filter((vintage) => vintageStart(vintage) <= date);
  return inForce.at(-1) ?? sorted[0];
}
