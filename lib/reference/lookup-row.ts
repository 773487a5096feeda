import { z } from 'zod';
import { IcsOdsCode } from './ods.ts';

/** One row of a sub-ICB/CCG -> ICB/STP -> region lookup, in any vintage. */
export const CodeLookupRow = z.object({
  /** The vintage the lookup describes, e.g. `CCG20`, `CCG21`, `SICBL22`. */
  vintage: z.string(),
  sub_icb_code: z.string().min(3),
  sub_icb_ons_code: z.string().nullable(),
  sub_icb_name: z.string().nullable(),
  /** The ICB or STP ODS code (e.g. QE1, or S1Y5D for an ICB established in 2026). */
  icb_code: IcsOdsCode,
  icb_ons_code: z.string().regex(/^E54\d{6}$/),
  icb_name: z.string(),
  region_code: z.string().regex(/^Y\d{2}$/),
  region_ons_code: z
    .string()
    .regex(/^E40\d{6}$/)
    .nullable(),
  region_name: z.string(),
});
export type CodeLookupRow = z.infer<typeof CodeLookupRow>;
