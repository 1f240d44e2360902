import { readFileSync } from 'node:fs';

/**
 * This process's own peak RSS (VmHWM). Not resourceUsage().maxRSS: Linux carries ru_maxrss over
 * fork and exec, so a child of the 300 MB benchmark process reported the parent's peak (measured:
 * a 40 MB child of a 450 MB parent reported 404 MB).
 */
export function peakRssMb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
