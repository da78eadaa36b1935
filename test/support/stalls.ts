// Reads the stall watchdog of every process of a running system (its
// eventloop_stall_seconds histogram on /metrics, shared/stall-watchdog.ts) and
// tells whether a piece of work made any of them stall past the budget.
//
// The machine running the tests is shared: a process descheduled for 60 ms by
// someone else's build shows the same stall as one blocked by its own regex. So a
// stall seen once is measured again: the work is only blamed when it stalls on
// every one of `attempts` tries, which noise does not do, and a request that
// really blocks the loop does each time.
import { STALL_BUDGET_SECONDS } from '../../shared/stall-watchdog.js';
import type { RunningSystem } from '../../scripts/stack/system.js';

export const STALL_BUDGET_MS = STALL_BUDGET_SECONDS * 1000;

/** Per process: how many stalls past the budget its watchdog has counted so far. */
type Counts = Map<string, number>;

export interface Stall {
  process: string;
  /** The longest stall of the process's last minute, in ms: at least this one. */
  longestMs: number;
}

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
    const res = await fetch(`${url}/metrics`);
    return res.text();
  }

  /** Stalls past the budget counted so far, per process. */
  async counts(): Promise<Counts> {
    const entries = await Promise.all(
      [...this.urls].map(async ([name, url]) => {
        const metrics = await this.scrape(url);
        const all = valueOf(metrics, 'eventloop_stall_seconds_bucket', 'le="+Inf"');
        const within = valueOf(metrics, 'eventloop_stall_seconds_bucket', `le="${STALL_BUDGET_SECONDS}"`);
        return [name, all - within] as const;
      }),
    );
    return new Map(entries);
  }

  /** The processes that stalled past the budget since `before`. */
  async since(before: Counts): Promise<Stall[]> {
    const after = await this.counts();
    const stalled = [...after].filter(([name, count]) => count > (before.get(name) ?? 0)).map(([name]) => name);
    return Promise.all(
      stalled.map(async (name) => ({
        process: name,
        longestMs: Math.round(valueOf(await this.scrape(this.urls.get(name)!), 'eventloop_stall_max_seconds') * 1000),
      })),
    );
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

export const describeStalls = (stalls: Stall[]) => stalls.map((s) => `${s.process} ${s.longestMs} ms`).join(', ');
