// Reads the stall watchdog of every process of a running system (on /metrics,
// shared/stall-watchdog.ts) and tells whether a piece of work made any of them
// stall past the budget.
//
// The machine running the tests is shared: a process descheduled for 60 ms by
// someone else's build shows the same stall as one blocked by its own regex (on
// a 2-core machine under a load of 30, a 10 ms parse took 150 ms of wall time).
// So the stalls read here are eventloop_busy_stall_seconds: each counted by the
// CPU time the process itself used in it. And a stall seen once is measured
// again: the work is only blamed when it stalls on every one of `attempts`
// tries, and a request that really blocks the loop does each time.
import { STALL_BUDGET_SECONDS } from '../../shared/stall-watchdog.js';
import type { RunningSystem } from '../../scripts/stack/system.js';

export const STALL_BUDGET_MS = STALL_BUDGET_SECONDS * 1000;

/** Per process: how many stalls past the budget its watchdog has counted so far, and their total. */
type Counts = Map<string, { over: number; sumMs: number }>;

export interface Stall {
  process: string;
  /** The stalls' total in the window, in ms (the largest observation per 100 ms each, summed). */
  ms: number;
}

const METRIC = 'eventloop_busy_stall_seconds';

/** The first number of a metric line whose name and labels contain `selector`. */
const valueOf = (metrics: string, name: string, label = '') => {
  const line = metrics.split('\n').find((l) => l.startsWith(name) && l.includes(label));
  if (!line) throw new Error(`no ${name}${label} on /metrics: is the stall watchdog running?`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
};

export class StallProbe {
  private readonly urls: Map<string, string>;

  constructor(system: Pick<RunningSystem, 'gatewayUrl' | 'serviceUrls'>) {
    this.urls = new Map([['gateway', system.gatewayUrl], ...Object.entries(system.serviceUrls)]);
  }

  private async scrape(url: string): Promise<string> {
    // The pooled socket may be one the server just closed (it closes after refusing a body
    // too large to read): a scrape is safe to repeat.
    for (let attempt = 1; ; attempt++) {
      try {
        return await (await fetch(`${url}/metrics`)).text();
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  /** Stalls past the budget counted so far, per process. */
  async counts(): Promise<Counts> {
    const entries = await Promise.all(
      [...this.urls].map(async ([name, url]) => {
        const metrics = await this.scrape(url);
        const all = valueOf(metrics, `${METRIC}_bucket`, 'le="+Inf"');
        const within = valueOf(metrics, `${METRIC}_bucket`, `le="${STALL_BUDGET_SECONDS}"`);
        return [name, { over: all - within, sumMs: valueOf(metrics, `${METRIC}_sum`) * 1000 }] as const;
      }),
    );
    return new Map(entries);
  }

  /** The processes that stalled past the budget since `before`. */
  async since(before: Counts): Promise<Stall[]> {
    const after = await this.counts();
    return [...after]
      .filter(([name, { over }]) => over > (before.get(name)?.over ?? 0))
      .map(([name, { sumMs }]) => ({ process: name, ms: Math.round(sumMs - (before.get(name)?.sumMs ?? 0)) }));
  }

  /**
   * The stalls `work` causes, measured up to `attempts` times: none as soon as one
   * attempt ran without any; otherwise those of the last attempt, with how often it stalled.
   */
  async measure(work: () => Promise<unknown>, attempts = 4): Promise<{ stalls: Stall[]; attempts: number }> {
    let stalls: Stall[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const before = await this.counts();
      await work();
      stalls = await this.since(before);
      if (stalls.length === 0) return { stalls, attempts: attempt };
    }
    return { stalls, attempts };
  }
}

export const describeStalls = (stalls: Stall[]) => stalls.map((s) => `${s.process} ${s.ms} ms`).join(', ');
