import { readFileSync, writeFileSync } from 'node:fs';

/** This process's peak resident set size in bytes: VmHWM from /proc, else the kernel's maxRSS. */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Start a new peak-RSS window: on Linux, writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS, so
 * peakRssBytes() then gives the peak since this call. Elsewhere the peak stays the process's.
 */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not permitted: peaks stay cumulative.
  }
}
