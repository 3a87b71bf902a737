import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process from /proc/<pid>/status (Linux), in bytes; NaN once it is gone. */
export function rssBytesOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * The pid of the process whose command line holds `argument` (e.g. a nats-server's store
 * directory, unique to the test), or undefined. The harness does not expose the child's pid.
 */
export function pidWithArgument(argument: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.includes(argument))) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}
