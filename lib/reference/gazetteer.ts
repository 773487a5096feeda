import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type AliasEntry, defaultAliases } from './aliases.ts';
import type { CodeLookupRow } from './lookup-row.ts';
import { normaliseName } from './names.ts';
import { IcsOdsCode } from './ods.ts';
import { compareText } from './order.ts';
import { compareVintages, vintageFor, vintageStart } from './vintage.ts';

/**
 * The gazetteer: every name and code under which an ICS has been published, keyed to its ODS code (e.g. QE1),
 * the one identifier stable across the 2020 STP recodes, the 2022 ICB recodes and the 2023 ICB recodes.
 *
 * Matching is exact on a normalised key (see names.ts); nothing is guessed. A key claimed by two ICSs is
 * ambiguous and is not resolved; a key claimed by none is unresolved and reported by the caller.
 */

/** An extra ICB/STP name not carried by the code lookups (e.g. mixed-case ICB names, STP partnership names). */
export const IcbNameEntry = z.object({
  icb_code: IcsOdsCode,
  name: z.string().min(1),
  /** `official`: statutory/mixed-case name; `ods_upper`: ODS upper-case; `partnership`: STP/ICS partnership name. */
  kind: z.enum(['official', 'ods_upper', 'partnership', 'short']),
  /** The ONS code the name was published with (e.g. the predecessor STP21CD of a partnership name), if any. */
  ons_code: z
    .string()
    .regex(/^E54\d{6}$/)
    .nullable(),
});
export type IcbNameEntry = z.infer<typeof IcbNameEntry>;

/**
 * A CCG's membership of a pre-2020 STP (e.g. the April 2019 lookup): those STP ONS codes (E54000005, ...33,
 * ...35, ...49) were retired in April 2020 and carry no ODS code, so they resolve through their CCGs.
 */
export const LegacyStpRow = z.object({
  vintage: z.string().min(1),
  sub_icb_code: z.string().min(3),
  stp_ons_code: z.string().regex(/^E54\d{6}$/),
  stp_name: z.string().min(1),
  region_code: z
    .string()
    .regex(/^Y\d{2}$/)
    .nullable(),
});
export type LegacyStpRow = z.infer<typeof LegacyStpRow>;

/** How a variant entered the gazetteer, in order of preference when several variants share a key. */
export type VariantRule = 'code' | 'lookup-name' | 'icb-name' | 'legacy-stp-name' | 'alias';
const RULE_ORDER: readonly VariantRule[] = ['code', 'lookup-name', 'icb-name', 'legacy-stp-name', 'alias'];

export interface ResolvedName {
  status: 'resolved';
  ics_code: string;
  /** The gazetteer entry that matched (a published name or a code). */
  matched_variant: string;
  rule: VariantRule;
  /** True when the matched name denotes only part of today's ICS (alias table). */
  partial?: boolean;
  /** For code resolutions: the lookup vintage used. */
  vintage?: string;
}

export interface UnresolvedName {
  status: 'unresolved';
  name: string;
  normalised: string;
  reason: string;
}

export interface Candidate {
  ics_code: string;
  matched_variant: string;
  rule: VariantRule;
  partial: boolean;
}

export interface AmbiguousName {
  status: 'ambiguous';
  name: string;
  normalised: string;
  candidates: Candidate[];
}

export type Resolution = ResolvedName | UnresolvedName | AmbiguousName;

export interface Explanation {
  input: string;
  normalised: string;
  steps: string[];
  /** Every gazetteer variant sharing the normalised key. */
  variants: Candidate[];
  resolution: Resolution;
}

export interface Region {
  region_code: string;
  region_ons_codes: string[];
  region_name: string;
}

/** Options for code resolution across vintages. */
export interface CodeResolutionOptions {
  /** Use exactly this lookup vintage (e.g. `CCG21`). */
  vintage?: string;
  /** Use the vintage in force on this ISO date (else the oldest vintage holding the code). */
  asOf?: string;
}

/** One name an ICS was published under, with its normalised matching key (see names.ts). */
export interface NameForm {
  ics_code: string;
  name: string;
  key: string;
  rule: VariantRule;
  partial: boolean;
}

export interface Gazetteer {
  /** Resolve a published name (or a code) to an ICS. */
  resolve(name: string): Resolution;
  /** Resolve an ICB/STP ODS code, an E54 ONS code of any vintage, or a sub-ICB/CCG ODS or E38 code. */
  resolveCode(code: string, options?: CodeResolutionOptions): Resolution;
  /** Whether a name is a known ICS name, alias or code (resolved or ambiguous); used to split inline lists. */
  isKnownName(name: string): boolean;
  /** How a name was normalised and which variants it met. */
  explain(name: string): Explanation;
  /** A region by ODS (Y56) or ONS (E40...) code, in any vintage. */
  region(code: string): Region | undefined;
  /** Every ICS ODS code known to the lookups, sorted. */
  icsCodes(): string[];
  /** The lookup vintages known, oldest first. */
  vintages(): string[];
  /**
   * Every name form held, sorted by key then code: the closed world that text extraction searches for mentions.
   * A key held by two ICSs appears once per ICS; callers treat it as ambiguous.
   */
  nameForms(): NameForm[];
  /**
   * A hash of everything the gazetteer holds (names, codes, regions, vintages): two gazetteers with the same
   * fingerprint resolve every name and code alike, so a page parsed against one need not be parsed again against
   * the other (the resolving code itself is versioned by the parsers' PARSER_VERSION).
   */
  fingerprint(): string;
}

export interface GazetteerInput {
  lookups: readonly CodeLookupRow[];
  icbNames?: readonly IcbNameEntry[];
  legacyStps?: readonly LegacyStpRow[];
  /** Defaults to the bundled alias table. */
  aliases?: readonly AliasEntry[];
}

interface NameVariant {
  ics_code: string;
  variant: string;
  rule: VariantRule;
  partial: boolean;
}

interface CodeEntry {
  ics_code: string;
  vintage: string;
  partial: boolean;
}

function compareVariants(left: NameVariant, right: NameVariant): number {
  const byRule = RULE_ORDER.indexOf(left.rule) - RULE_ORDER.indexOf(right.rule);
  if (byRule !== 0) return byRule;
  return compareText(left.variant, right.variant) || compareText(left.ics_code, right.ics_code);
}

function toCandidate(variant: NameVariant): Candidate {
  return {
    ics_code: variant.ics_code,
    matched_variant: variant.variant,
    rule: variant.rule,
    partial: variant.partial,
  };
}

/** The gazetteer's tables, filled by the indexing steps below and read by the resolvers. */
interface GazetteerIndex {
  /** Name variants by normalised key. */
  names: Map<string, NameVariant[]>;
  /** Code entries by upper-case code (ODS, ONS, sub-ICB, CCG). */
  codes: Map<string, CodeEntry[]>;
  regions: Map<string, Region>;
  icsCodes: Set<string>;
  vintages: Set<string>;
}

function emptyIndex(): GazetteerIndex {
  return { names: new Map(), codes: new Map(), regions: new Map(), icsCodes: new Set(), vintages: new Set() };
}

/** Add a name variant under its normalised key (once per ICS and spelling). */
function addName(index: GazetteerIndex, variant: NameVariant): void {
  const key = normaliseName(variant.variant).key;
  if (key.length === 0) return;
  const list = index.names.get(key) ?? [];
  if (
    !list.some((existing) => existing.ics_code === variant.ics_code && existing.variant === variant.variant)
  ) {
    list.push(variant);
  }
  index.names.set(key, list);
}

/** Add a code (once per ICS and vintage). */
function addCode(index: GazetteerIndex, code: string, entry: CodeEntry): void {
  const key = code.trim().toUpperCase();
  const list = index.codes.get(key) ?? [];
  if (!list.some((existing) => existing.ics_code === entry.ics_code && existing.vintage === entry.vintage)) {
    list.push(entry);
  }
  index.codes.set(key, list);
}

/** One lookup row: the ICB's codes and name, its sub-ICB location's codes (partial), and its region. */
function indexLookupRow(index: GazetteerIndex, row: CodeLookupRow): void {
  index.icsCodes.add(row.icb_code);
  index.vintages.add(row.vintage);
  addCode(index, row.icb_code, { ics_code: row.icb_code, vintage: row.vintage, partial: false });
  addCode(index, row.icb_ons_code, { ics_code: row.icb_code, vintage: row.vintage, partial: false });
  addCode(index, row.sub_icb_code, { ics_code: row.icb_code, vintage: row.vintage, partial: true });
  if (row.sub_icb_ons_code) {
    addCode(index, row.sub_icb_ons_code, { ics_code: row.icb_code, vintage: row.vintage, partial: true });
  }
  addName(index, { ics_code: row.icb_code, variant: row.icb_name, rule: 'lookup-name', partial: false });
  const region = index.regions.get(row.region_code) ?? {
    region_code: row.region_code,
    region_ons_codes: [],
    region_name: row.region_name,
  };
  if (row.region_ons_code && !region.region_ons_codes.includes(row.region_ons_code)) {
    region.region_ons_codes.push(row.region_ons_code);
    region.region_ons_codes.sort();
  }
  index.regions.set(row.region_code, region);
}

/** The entries of one vintage: the one asked for, the one in force on a date, else the newest. */
function pickEntries(entries: readonly CodeEntry[], options: CodeResolutionOptions): CodeEntry[] {
  if (options.vintage !== undefined) return entries.filter((entry) => entry.vintage === options.vintage);
  const held = [...new Set(entries.map((entry) => entry.vintage))];
  const chosen =
    options.asOf !== undefined ? vintageFor(options.asOf, held) : [...held].sort(compareVintages).at(-1);
  return entries.filter((entry) => entry.vintage === chosen);
}

/** Resolve a code of any kind and vintage. */
function resolveCodeIn(index: GazetteerIndex, code: string, options: CodeResolutionOptions = {}): Resolution {
  const key = code.trim().toUpperCase();
  const entries = index.codes.get(key);
  if (!entries || entries.length === 0) {
    return {
      status: 'unresolved',
      name: code,
      normalised: key,
      reason: `no lookup vintage holds the code "${key}"`,
    };
  }
  const picked = pickEntries(entries, options);
  if (picked.length === 0) {
    return {
      status: 'unresolved',
      name: code,
      normalised: key,
      reason: `the code "${key}" is not in lookup vintage ${options.vintage ?? '(none)'}`,
    };
  }
  const targets = [...new Set(picked.map((entry) => entry.ics_code))].sort();
  if (targets.length > 1) {
    return {
      status: 'ambiguous',
      name: code,
      normalised: key,
      candidates: targets.map((ics_code) => ({
        ics_code,
        matched_variant: key,
        rule: 'code',
        partial: true,
      })),
    };
  }
  const first = picked[0] as CodeEntry;
  return {
    status: 'resolved',
    ics_code: first.ics_code,
    matched_variant: key,
    rule: 'code',
    partial: first.partial,
    vintage: first.vintage,
  };
}

/**
 * Pre-2020 STP codes resolve through their CCGs: to the ICS that took the majority of them (a tie resolves
 * nothing). The STP's names become variants of that ICS.
 */
function indexLegacyStps(index: GazetteerIndex, rows: readonly LegacyStpRow[]): void {
  const byCode = new Map<string, LegacyStpRow[]>();
  for (const row of rows) byCode.set(row.stp_ons_code, [...(byCode.get(row.stp_ons_code) ?? []), row]);
  for (const [stpCode, members] of [...byCode].sort(([a], [b]) => compareText(a, b))) {
    const votes = new Map<string, number>();
    for (const member of members) {
      const resolution = resolveCodeIn(index, member.sub_icb_code, { asOf: vintageStart(member.vintage) });
      if (resolution.status === 'resolved')
        votes.set(resolution.ics_code, (votes.get(resolution.ics_code) ?? 0) + 1);
    }
    const ranked = [...votes].sort(([codeA, a], [codeB, b]) => b - a || compareText(codeA, codeB));
    const [winner, runnerUp] = ranked;
    if (!winner || (runnerUp && runnerUp[1] === winner[1])) continue;
    const [icsCode] = winner;
    const vintage =
      [...new Set(members.map((member) => member.vintage))].sort(compareVintages)[0] ?? 'legacy';
    if (!index.codes.get(stpCode)?.some((entry) => entry.vintage !== vintage)) {
      addCode(index, stpCode, { ics_code: icsCode, vintage, partial: false });
    }
    for (const name of new Set(members.map((member) => member.stp_name))) {
      addName(index, { ics_code: icsCode, variant: name, rule: 'legacy-stp-name', partial: false });
    }
  }
}

/** Resolve a published name (or a code written as a name). */
function resolveNameIn(index: GazetteerIndex, name: string): Resolution {
  const trimmed = name.trim();
  const { key } = normaliseName(trimmed);
  if (trimmed.length === 0) return { status: 'unresolved', name, normalised: '', reason: 'empty name' };
  if (index.codes.has(trimmed.toUpperCase())) return resolveCodeIn(index, trimmed);
  const variants = [...(index.names.get(key) ?? [])].sort(compareVariants);
  if (variants.length === 0) {
    return {
      status: 'unresolved',
      name,
      normalised: key,
      reason: `no ICS name, alias or code has the normalised form "${key}"`,
    };
  }
  const targets = new Set(variants.map((variant) => variant.ics_code));
  if (targets.size > 1) {
    return { status: 'ambiguous', name, normalised: key, candidates: variants.map(toCandidate) };
  }
  const best = variants[0] as NameVariant;
  return {
    status: 'resolved',
    ics_code: best.ics_code,
    matched_variant: best.variant,
    rule: best.rule,
    // A name is partial only if every variant it matches says so; an official name always wins.
    partial: variants.every((variant) => variant.partial),
  };
}

/** Every name form, by normalised key then preference. */
function nameFormsOf(index: GazetteerIndex): ReturnType<Gazetteer['nameForms']> {
  return [...index.names]
    .sort(([a], [b]) => compareText(a, b))
    .flatMap(([key, variants]) =>
      [...variants].sort(compareVariants).map((variant) => ({
        ics_code: variant.ics_code,
        name: variant.variant,
        key,
        rule: variant.rule,
        partial: variant.partial,
      })),
    );
}

/** Build a gazetteer from code lookups (every vintage), extra ICB names, legacy STP memberships and aliases. */
export function buildGazetteer(input: GazetteerInput): Gazetteer {
  const index = emptyIndex();
  for (const row of input.lookups) indexLookupRow(index, row);
  for (const entry of input.icbNames ?? []) {
    addName(index, { ics_code: entry.icb_code, variant: entry.name, rule: 'icb-name', partial: false });
    if (entry.ons_code)
      addCode(index, entry.ons_code, { ics_code: entry.icb_code, vintage: 'icb-names', partial: false });
  }
  const sortedVintages = [...index.vintages].sort(compareVintages);
  indexLegacyStps(index, input.legacyStps ?? []);
  for (const alias of input.aliases ?? defaultAliases) {
    addName(index, { ics_code: alias.ics_code, variant: alias.name, rule: 'alias', partial: alias.partial });
  }
  const resolve = (name: string): Resolution => resolveNameIn(index, name);
  return {
    resolve,
    resolveCode: (code, options) => resolveCodeIn(index, code, options),
    isKnownName: (name) => resolve(name).status !== 'unresolved',
    explain: (name) => {
      const { key, steps } = normaliseName(name.trim());
      return {
        input: name,
        normalised: key,
        steps,
        variants: [...(index.names.get(key) ?? [])].sort(compareVariants).map(toCandidate),
        resolution: resolve(name),
      };
    },
    region: (code) => {
      const key = code.trim().toUpperCase();
      return (
        index.regions.get(key) ?? [...index.regions.values()].find((r) => r.region_ons_codes.includes(key))
      );
    },
    icsCodes: () => [...index.icsCodes].sort(),
    vintages: () => [...sortedVintages],
    nameForms: () => nameFormsOf(index),
    fingerprint: once(() => fingerprintOf(index)),
  };
}

function once<T>(compute: () => T): () => T {
  let value: { result: T } | undefined;
  return () => {
    value ??= { result: compute() };
    return value.result;
  };
}

/** A hash of the index's content, independent of the order it was filled in. */
function fingerprintOf(index: GazetteerIndex): string {
  const sorted = <T>(entries: Iterable<[string, T]>) =>
    [...entries].sort(([a], [b]) => compareText(a, b)).map(([key, value]) => [key, value]);
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify([
      sorted([...index.names].map(([key, variants]) => [key, [...variants].sort(compareVariants)])),
      sorted(
        [...index.codes].map(([key, entries]) => [key, entries.map((entry) => JSON.stringify(entry)).sort()]),
      ),
      sorted(index.regions),
      [...index.icsCodes].sort(),
      [...index.vintages].sort(),
    ]),
  );
  return hash.digest('hex');
}

/**
 * Adapt an ICB names-and-codes list (lib/parse/code-lookups.ts `IcbNameRow`) to gazetteer name entries: each
 * row gives an official name and the ONS code it was published with.
 */
export function icbNameEntriesFromNamesList(
  rows: readonly { icb_code: string; icb_ons_code: string; icb_name: string }[],
): IcbNameEntry[] {
  return rows.map((row) => ({
    icb_code: row.icb_code,
    name: row.icb_name,
    kind: 'official',
    ons_code: row.icb_ons_code,
  }));
}
