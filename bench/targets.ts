/** One target of the benchmark's issues (8, 15) and whether this run met it. */
export interface TargetCheck {
  workload: string;
  target: string;
  measured: string;
  met: boolean;
  /** Why it was missed (only when missed). */
  reason?: string;
}
