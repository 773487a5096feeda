import type { CodeLookupRow } from '../parse/records.ts';
import { shortName } from '../reference/names.ts';
import { compareText, sortRows } from '../reference/order.ts';
import { displayName, firstSorted, officialNamesOf } from './body-names.ts';
import type { IcsDesignationRow, IcsLineageRow, IcsRow } from './datasets.ts';
import { decideDesignation } from './precedence.ts';
import type { Footprint, ResolvedInputs } from './resolved-inputs.ts';
import { statusOn } from './valid-time.ts';

/** Date on which ICBs became statutory bodies (Health and Care Act 2022). */
export const ICB_ESTABLISHED = '2022-07-01';

/**
 * `ics`: one row per body that any footprint in force by the run date holds, keyed by ODS code. A body's life is
 * read from the footprints: it exists from the start of the first vintage that holds it (null when that is the
 * oldest vintage: its start predates the sources) to the start of the first vintage without it.
 */
export function buildIcs(
  inputs: ResolvedInputs,
  related: {
    designations: readonly IcsDesignationRow[];
    edges: readonly IcsLineageRow[];
    websites: ReadonlyMap<string, string>;
  },
): IcsRow[] {
  const officialNames = officialNamesOf(inputs);
  const partnershipOnsCodes = partnershipOnsCodesOf(inputs);
  const claimsByCode = new Map<string, IcsDesignationRow[]>();
  for (const row of related.designations)
    claimsByCode.set(row.ics_code, [...(claimsByCode.get(row.ics_code) ?? []), row]);
  const { footprints } = inputs;
  const codes = [...new Set(footprints.flatMap((footprint) => [...footprint.bodies.keys()]))].sort(
    compareText,
  );
  const rows = codes.map((code): IcsRow => {
    const held = footprints.filter((footprint) => footprint.bodies.has(code));
    const first = held[0] as Footprint;
    const last = held.at(-1) as Footprint;
    const next = footprints[footprints.indexOf(last) + 1];
    const current = sortRows(last.bodies.get(code) ?? [], ['sub_icb_code']);
    const head = current[0] as CodeLookupRow;
    const nameIn = (footprint: Footprint) =>
      displayName(
        code,
        firstSorted(new Set((footprint.bodies.get(code) ?? []).map((row) => row.icb_name))) ?? head.icb_name,
        officialNames,
      );
    const onsIn = (footprint: Footprint) =>
      firstSorted(new Set((footprint.bodies.get(code) ?? []).map((row) => row.icb_ons_code))) ??
      head.icb_ons_code;
    const name = nameIn(last);
    const decision = decideDesignation(claimsByCode.get(code) ?? []);
    const statutory = held.find((footprint) => footprint.start >= ICB_ESTABLISHED);
    const stpEra = held.filter((footprint) => footprint.start < ICB_ESTABLISHED).at(-1);
    const row: IcsRow = {
      ics_code: code,
      ons_code: onsIn(last),
      name,
      short_name: shortName(name),
      region_code: head.region_code,
      region_name: head.region_name,
      predecessor_stp_code: (stpEra ? onsIn(stpEra) : undefined) ?? partnershipOnsCodes.get(code) ?? null,
      sub_icb_location_codes: [...new Set(current.map((row) => row.sub_icb_code))].sort(compareText),
      status: 'stp',
      valid_from: first === footprints[0] ? null : first.start,
      valid_to: next?.start ?? null,
      designated_from: decision?.designated_from ?? null,
      designation_wave: decision?.wave ?? null,
      statutory_from: statutory
        ? statutory.start > ICB_ESTABLISHED
          ? statutory.start
          : ICB_ESTABLISHED
        : null,
      website: related.websites.get(code) ?? null,
      ons_code_history: historyOf(held, onsIn),
      name_history: historyOf(held, nameIn),
      boundary_changed_on: boundaryChanges(code, related.edges),
      predecessor_codes: uniqueSorted(
        related.edges.filter((edge) => edge.successor_code === code).map((edge) => edge.predecessor_code),
      ),
      successor_codes: uniqueSorted(
        related.edges.filter((edge) => edge.predecessor_code === code).map((edge) => edge.successor_code),
      ),
    };
    return { ...row, status: statusOn(row, inputs.asOf) };
  });
  return rows;
}

/** "YYYY-MM-DD value" each time the value changes from one held vintage to the next. */
function historyOf(held: readonly Footprint[], valueIn: (footprint: Footprint) => string): string[] {
  const history: string[] = [];
  let previous: string | undefined;
  for (const footprint of held) {
    const value = valueIn(footprint);
    if (value !== previous) history.push(`${footprint.start} ${value}`);
    previous = value;
  }
  return history;
}

/** Dates on which the body continued with a changed footprint (a boundary transfer, or an acquisition it made). */
function boundaryChanges(code: string, edges: readonly IcsLineageRow[]): string[] {
  const dates = edges
    .filter(
      (edge) =>
        (edge.kind === 'boundary_transfer' &&
          (edge.predecessor_code === code || edge.successor_code === code)) ||
        (edge.kind === 'acquisition' && edge.successor_code === code),
    )
    .map((edge) => edge.effective_date);
  return uniqueSorted(dates);
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}

function partnershipOnsCodesOf(inputs: ResolvedInputs): ReadonlyMap<string, string> {
  const codes = new Map<string, string>();
  for (const entry of sortRows(
    inputs.icbNameDocs.flatMap((doc) => doc.entries),
    ['icb_code', 'kind', 'name'],
  )) {
    if (entry.kind === 'partnership' && entry.ons_code && !codes.has(entry.icb_code))
      codes.set(entry.icb_code, entry.ons_code);
  }
  return codes;
}
