// Resident memory and CPU time of the stack's processes, read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // _SC_CLK_TCK on Linux

export interface Usage {
  rssMb: number;
  /**
   * Proportional set size: resident pages shared with other processes (the node
   * binary's ~40 MB of code, loaded once for every Node process of the stack)
   * count by their share. What the process adds to the machine's memory.
   */
  pssMb: number;
  cpuSeconds: number;
}

function pssKbOf(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

function ownUsageOf(pid: number | undefined): Usage {
  if (!pid) return { rssMb: NaN, pssMb: NaN, cpuSeconds: NaN };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    // utime and stime are fields 14 and 15; the command name (field 2) may contain spaces, so count from its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssMb: rssKb / 1024, pssMb: pssKbOf(pid) / 1024, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { rssMb: NaN, pssMb: NaN, cpuSeconds: NaN };
  }
}

/** CPU time (every thread, in seconds) used between two readings. */
export const cpuSecondsBetween = (before: Usage, after: Usage) => after.cpuSeconds - before.cpuSeconds;

/** The processes `pid` started, and theirs (a launcher script's JVM, say). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** A process with everything it started: resident memory and CPU time summed. */
export function usageOf(pid: number | undefined): Usage {
  if (!pid) return ownUsageOf(pid);
  // A child that ended between the listing and the reading counts for nothing.
  const children = descendantsOf(pid)
    .map(ownUsageOf)
    .filter((u) => Number.isFinite(u.rssMb));
  return children.reduce(sumUsage, ownUsageOf(pid));
}

export const sumUsage = (a: Usage, b: Usage): Usage => ({
  rssMb: a.rssMb + b.rssMb,
  pssMb: a.pssMb + b.pssMb,
  cpuSeconds: a.cpuSeconds + b.cpuSeconds,
});
