import type { Hono, Env } from 'hono';
import { HttpProblem } from '../problem.js';
import { problemResponse } from './problem-handlers.js';

export type HealthChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: () => Promise<unknown>): Promise<{ status: 'up' } | { status: 'down'; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every readiness check in parallel, each bounded by a timeout. */
export async function runHealthChecks(checks: HealthChecks): Promise<{ ready: boolean; checks: Record<string, unknown> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => runCheck(checks[n]!)));
  const out = Object.fromEntries(names.map((n, i) => [n, results[i]]));
  return { ready: results.every((r) => r.status === 'up'), checks: out };
}

/**
 * Runs `probe` at most once at a time and shares its result: every caller that
 * asks while it runs gets the same answer, and so does every caller within
 * `cacheMs` after it ended. A crowd of readiness requests then costs one round of
 * backend checks, instead of each request adding its own fan-out to the load it
 * is measuring.
 */
export function sharedProbe<T>(probe: () => Promise<T>, cacheMs: number): () => Promise<T> {
  let running: Promise<T> | undefined;
  let last: { endedAt: number; result: T } | undefined;
  return () => {
    if (last && Date.now() - last.endedAt < cacheMs) return Promise.resolve(last.result);
    running ??= probe()
      .then((result) => {
        last = { endedAt: Date.now(), result };
        return result;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

export interface ReadinessOptions {
  /** How long a readiness result is reused (0: only concurrent callers share one probe). */
  cacheMs?: number;
  /** Called for each probe actually run (a metric of how often the backends are asked). */
  onProbe?: () => void;
}

/** /health and /health/live say the process is up; /health/ready says its dependencies answer (503 otherwise). */
export function installHealthRoutes<E extends Env>(
  app: Hono<E>,
  service: string,
  checks: HealthChecks,
  { cacheMs = 0, onProbe }: ReadinessOptions = {},
): void {
  const startedAt = Date.now();
  const readiness = sharedProbe(() => {
    onProbe?.();
    return runHealthChecks(checks);
  }, cacheMs);
  app.get('/health', (c) => c.json({ status: 'ok', service, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
  app.get('/health/live', (c) => c.json({ status: 'alive', service }));
  app.get('/health/ready', async (c) => {
    const { ready, checks: results } = await readiness();
    if (ready) return c.json({ status: 'ready', service, checks: results });
    return problemResponse(c, new HttpProblem('unavailable', { detail: 'a dependency is down', extensions: { checks: results } }));
  });
}
