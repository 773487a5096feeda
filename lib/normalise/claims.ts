/**
 * Checking published statements against our figures. Published numbers are rounded ("14.5 million"), use a
 * population basis they rarely state (GP registrations run about 7% above ONS estimates), and are often
 * qualified ("more than 60 per cent"). The tolerance therefore follows the qualifier:
 *
 * - `more_than` / `less_than`: our figure must be strictly above / below the claim; `up_to`: at or below it.
 * - counts of ICSs: `exactly` must be equal; `about` within 1.
 * - populations and percentages: `exactly` within 2.5% of the claimed value (covers rounding to one decimal of
 *   a million and small basis differences); `about` ("around", "some", "nearly") within 10%.
 *
 * `difference` is computed - claimed; for percentages it is in percentage points, rounded to one decimal.
 */

export type ClaimKind = 'population' | 'percent' | 'count';
export type ClaimQualifier = 'exactly' | 'about' | 'more_than' | 'less_than' | 'up_to';

/** Relative tolerance for `exactly` population and percent claims. */
export const EXACT_TOLERANCE = 0.025;
/** Relative tolerance for `about` population and percent claims. */
export const ABOUT_TOLERANCE = 0.1;

/** Whether our computed figure supports the claim under the qualifier's tolerance. */
export function isConsistent(
  kind: ClaimKind,
  qualifier: ClaimQualifier,
  claimed: number,
  computed: number,
): boolean {
  switch (qualifier) {
    case 'more_than':
      return computed > claimed;
    case 'less_than':
      return computed < claimed;
    case 'up_to':
      return computed <= claimed;
    case 'exactly':
      return kind === 'count'
        ? computed === claimed
        : Math.abs(computed - claimed) <= EXACT_TOLERANCE * claimed;
    case 'about':
      return kind === 'count'
        ? Math.abs(computed - claimed) <= 1
        : Math.abs(computed - claimed) <= ABOUT_TOLERANCE * claimed;
  }
}

/** Round half away from zero to one decimal place (used for coverage_pct and percentage differences). */
export function roundOneDecimal(value: number): number {
  const scaled = Math.round(Math.abs(value) * 10 + Number.EPSILON * 10) / 10;
  return value < 0 ? -scaled : scaled;
}

/** The difference computed - claimed, in the claim's unit. */
export function claimDifference(kind: ClaimKind, claimed: number, computed: number): number {
  return kind === 'percent' ? roundOneDecimal(computed - claimed) : computed - claimed;
}
