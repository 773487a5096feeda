import { z } from 'zod';

/**
 * ODS codes of the bodies ics-lake tracks. STPs, ICSs and the ICBs of July 2022 have three-character codes
 * (`QE1`); the ICBs established on 1 April 2026 have five-character ones (`S1Y5D`, `D7T5G`, …), the same shape as
 * a sub-ICB location code. The ODS code is the key that survives every ONS recode.
 */
export const ICS_ODS_CODE_PATTERN = /^(?:Q[A-Z0-9]{2}|[A-Z0-9]{5})$/;

/** An STP / ICS / ICB ODS code: `Qxx`, or five characters for the ICBs established since April 2026. */
export const IcsOdsCode = z.string().regex(ICS_ODS_CODE_PATTERN);

/** Whether a string is shaped like an STP / ICS / ICB ODS code. */
export function isIcsOdsCode(code: string): boolean {
  return ICS_ODS_CODE_PATTERN.test(code);
}
