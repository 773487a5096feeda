import { z } from 'zod';
import bundledAliases from './aliases.json' with { type: 'json' };
import { IcsOdsCode } from './ods.ts';

/**
 * A curated alias: a published name that differs materially from every official name of an ICS, typically a
 * historic designation area that became part of today's ICS. Each row says why and where it comes from.
 */
export const AliasEntry = z.object({
  /** The name as it appears in publications. */
  name: z.string().min(1),
  /** The ICS (ODS code) the name resolves to. */
  ics_code: IcsOdsCode,
  /** True when the named area was only part of today's ICS footprint (e.g. "Berkshire West" within QU9). */
  partial: z.boolean(),
  /** Why the alias holds. */
  reason: z.string().min(1),
  /** Where the fact comes from (URL or publication). */
  source: z.string().min(1),
  /**
   * For a short form of a partial area, the full name of that area ("North Cumbria" is "West, North and East
   * Cumbria"), so that both names count as one designated area rather than two parts of the same ICS.
   */
  area: z.string().min(1).optional(),
});
export type AliasEntry = z.infer<typeof AliasEntry>;

/** The alias table shipped with the project (lib/reference/aliases.json), validated on load. */
export const defaultAliases: readonly AliasEntry[] = z.array(AliasEntry).parse(bundledAliases);
