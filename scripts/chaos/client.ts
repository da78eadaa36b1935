// The chaos run's customers and admin talk to the public API the way a careful
// client does: a request that finds no gateway (it was killed), a 5xx, a 429 or
// "the same key is still in flight" (409) is sent again after a backoff, with the
// same Idempotency-Key, until it is answered or its deadline passes. Every
// answer is counted, so the run can say how the API behaved while it was hurt.
import { bodyOf } from '../../shared/http/body.js';
import type { CheckResult } from '../audit/checks.js';

export interface Answer {
  status: number;
  body: unknown;
}

export interface ClientStats {
  requests: number;
  retries: number;
  /** Connection refused or reset, or no answer within the request timeout. */
  unreachable: number;
  byStatus: Map<number, number>;
  /** Requests given up after their deadline. */
  gaveUp: number;
}

export const newStats = (): ClientStats => ({ requests: 0, retries: 0, unreachable: 0, byStatus: new Map(), gaveUp: 0 });

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Also send again on 409 (an Idempotency-Key whose first request is still in flight). */
  retryConflict?: boolean;
  /** How long to keep trying; 3 minutes unless told. */
  deadlineMs?: number;
}

/** One request may hang while a dependency is frozen; the gateway's own budgets are shorter. */
const REQUEST_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ShopClient {
  constructor(
    readonly api: string,
    readonly stats: ClientStats,
  ) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const deadline = Date.now() + (options.deadlineMs ?? 180_000);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.retries += 1;
      this.stats.requests += 1;
      let answer: Answer | undefined;
      let retryAfterMs: number | undefined;
      try {
        const res = await fetch(`${this.api}${path}`, {
          method,
          headers: {
            ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
            ...options.headers,
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await bodyOf(res);
        answer = { status: res.status, body };
        this.stats.byStatus.set(res.status, (this.stats.byStatus.get(res.status) ?? 0) + 1);
        if (res.status === 429) retryAfterMs = Number(res.headers.get('retry-after') ?? 1) * 1000;
      } catch {
        this.stats.unreachable += 1;
      }
      const again = !answer || answer.status >= 500 || answer.status === 429 || (answer.status === 409 && options.retryConflict);
      if (answer && !again) return answer;
      if (Date.now() > deadline) {
        this.stats.gaveUp += 1;
        throw new Error(
          `${method} ${path}: ${answer ? `still ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}` : 'no answer'} after ${attempt + 1} tries`,
        );
      }
      await sleep(retryAfterMs ?? Math.min(250 * 2 ** Math.min(attempt, 4), 4_000));
    }
  }
}

/** How the API answered the run's clients, as a row of the report. */
export function apiReport(stats: ClientStats, seconds: number): CheckResult {
  const statuses = [...stats.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return {
    name: 'api',
    checked: `${stats.requests} requests`,
    figures: [
      `answers: ${statuses}`,
      `${stats.retries} sent again (same Idempotency-Key), ${stats.unreachable} found no gateway or timed out, ${stats.gaveUp} given up; run ${seconds.toFixed(0)} s`,
    ],
    breaches: [],
  };
}
