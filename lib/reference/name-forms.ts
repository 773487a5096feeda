import { z } from 'zod';
import { defaultAliases } from './aliases.ts';
import type { Gazetteer, NameForm } from './gazetteer.ts';
import { normaliseName } from './names.ts';
import { vintageStart } from './vintage.ts';

/**
 * The closed world that text extraction searches: every name form of every ICS the gazetteer holds, indexed by
 * its normalised key, with what a mention of it counts as (which area) and since when the ICS existed.
 *
 * Matching stays exact on the key (names.ts): "&"/"and", "the", "NHS …", "… ICB", "… Health and Care
 * Partnership" and county short forms are absorbed by normalisation, not by fuzzy matching.
 */

/** One name form as text extraction uses it. */
export const MentionForm = z.object({
  /** The normalised matching key (names.ts). */
  key: z.string().min(1),
  ics_code: z.string().min(3),
  /** The published name or alias the key came from. */
  name: z.string().min(1),
  /** How the name entered the gazetteer (`lookup-name`, `alias`, …). */
  rule: z.string(),
  /** True when the name denotes only part of today's ICS ("Berkshire West" within QU9). */
  partial: z.boolean(),
  /**
   * What a mention counts as: the ICS code for a whole-footprint name; for a partial name the code plus the
   * sub-area it names, so "Berkshire West" and "Buckinghamshire" are two areas and "North Cumbria" and "West,
   * North and East Cumbria" are one.
   */
  area: z.string().min(1),
  /** An all-capitals abbreviation (BNSSG, C&M), which only matches text written in capitals. */
  abbreviation: z.boolean(),
});
export type MentionForm = z.infer<typeof MentionForm>;

/** The name forms valid on a date, by key. */
export interface NameFormIndex {
  /** The forms sharing a key (two ICSs: ambiguous), or an empty list. */
  formsFor(key: string): readonly MentionForm[];
  /** The longest form, in key tokens, so a scan knows when to stop extending a span. */
  maxTokens: number;
  /** How many ICSs the index holds: the size of the closed world on its date. */
  systems: number;
}

const ABBREVIATION = /^[A-Z][A-Z&]{1,6}$/;

/** True for an all-capitals abbreviation such as "BNSSG", "HIOW" or "WY&H". */
export function isAbbreviation(name: string): boolean {
  return ABBREVIATION.test(name.replace(/\s+/g, ''));
}

const SUB_AREA_OF = new Map(
  defaultAliases.flatMap((alias) =>
    alias.area ? [[normaliseName(alias.name).key, normaliseName(alias.area).key] as const] : [],
  ),
);

/** The area a mention of this form counts as (see {@link MentionForm.area}). */
export function areaOf(form: Pick<NameForm, 'ics_code' | 'key' | 'partial'>): string {
  if (!form.partial) return form.ics_code;
  return `${form.ics_code}/${SUB_AREA_OF.get(form.key) ?? form.key}`;
}

/**
 * The date from which each ICS code is known: the start of the oldest lookup vintage holding it. Codes already in
 * the oldest vintage are taken to have existed since before any lookup ("0000-01-01").
 */
export function codesKnownSince(gazetteer: Gazetteer): Map<string, string> {
  const vintages = gazetteer.vintages();
  const since = new Map<string, string>();
  for (const code of gazetteer.icsCodes()) {
    const first = vintages.findIndex(
      (vintage) => gazetteer.resolveCode(code, { vintage }).status === 'resolved',
    );
    const vintage = vintages[first];
    since.set(code, first <= 0 || vintage === undefined ? '0000-01-01' : vintageStart(vintage));
  }
  return since;
}

/**
 * Index the gazetteer's name forms for finding mentions in a document published on `asOf` (ISO date): names of
 * ICSs that did not exist yet (the ICBs of April 2026 in a 2019 article) are left out, so "Thames Valley" in a
 * 2017 story is a river valley, not NHS Thames Valley ICB. Without a date every form is kept.
 */
export function nameFormIndex(gazetteer: Gazetteer, asOf: string | null): NameFormIndex {
  const since = asOf === null ? new Map<string, string>() : codesKnownSince(gazetteer);
  const byKey = new Map<string, MentionForm[]>();
  const codes = new Set<string>();
  let maxTokens = 1;
  for (const form of gazetteer.nameForms()) {
    if (asOf !== null && (since.get(form.ics_code) ?? '0000-01-01') > asOf) continue;
    const list = byKey.get(form.key) ?? [];
    list.push({ ...form, area: areaOf(form), abbreviation: isAbbreviation(form.name) });
    byKey.set(form.key, list);
    codes.add(form.ics_code);
    maxTokens = Math.max(maxTokens, form.key.split(' ').length);
  }
  return { formsFor: (key) => byKey.get(key) ?? [], maxTokens, systems: codes.size };
}
