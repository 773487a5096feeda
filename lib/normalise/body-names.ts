import { compareText, sortRows } from '../reference/order.ts';
import type { ResolvedInputs } from './resolved-inputs.ts';

/**
 * Display names of bodies. The lookups print some names in ODS upper case ("NHS FRIMLEY INTEGRATED CARE BOARD");
 * when an ICB names-and-codes list gives the same name in mixed case, that spelling is used.
 */

/** ODS code -> official (mixed-case) names from the names-and-codes lists. */
export function officialNamesOf(inputs: ResolvedInputs): ReadonlyMap<string, readonly string[]> {
  const names = new Map<string, string[]>();
  for (const entry of sortRows(
    inputs.icbNameDocs.flatMap((doc) => doc.entries),
    ['icb_code', 'kind', 'name'],
  )) {
    if (entry.kind !== 'official') continue;
    const list = names.get(entry.icb_code) ?? [];
    if (!list.includes(entry.name)) list.push(entry.name);
    names.set(entry.icb_code, list);
  }
  return names;
}

/** The name to publish for `lookupName` of body `code`: the official spelling when it is the same name. */
export function displayName(
  code: string,
  lookupName: string,
  officialNames: ReadonlyMap<string, readonly string[]>,
): string {
  if (lookupName !== lookupName.toUpperCase()) return lookupName;
  const official = (officialNames.get(code) ?? []).find((name) => name.toUpperCase() === lookupName);
  return official ?? lookupName;
}

/** The first of some values in code-unit order. */
export function firstSorted(values: Iterable<string>): string | undefined {
  return [...values].sort(compareText)[0];
}
