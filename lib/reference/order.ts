/**
 * Locale-independent ordering. `localeCompare` depends on the ICU data of the runtime, so published row
 * order would differ between machines; code-unit order does not.
 */

/** Compare two strings by UTF-16 code units. */
export function compareText(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/** Sort rows by the given columns (stringified), without mutating the input. */
export function sortRows<Row extends object>(rows: readonly Row[], columns: readonly string[]): Row[] {
  return [...rows].sort((left, right) => {
    for (const column of columns) {
      const a = (left as Record<string, unknown>)[column];
      const b = (right as Record<string, unknown>)[column];
      const order = compareText(String(a ?? ''), String(b ?? ''));
      if (order !== 0) return order;
    }
    return 0;
  });
}
