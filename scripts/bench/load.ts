// The three ways the benchmark drives a scenario: one at a time (solo latency),
// a closed loop of `concurrency` clients (throughput), and an open loop at a
// fixed arrival rate (latency under a load that does not back off when the
// system slows down, which a closed loop hides).

export type Operation = (i: number) => Promise<void>;

export interface ClosedLoopResult {
  perSecond: number;
  seconds: number;
  latencies: number[];
}

async function timed(op: Operation, i: number): Promise<number> {
  const started = performance.now();
  await op(i);
  return performance.now() - started;
}

export async function solo(count: number, op: Operation): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push(await timed(op, i));
  return latencies;
}

export async function closedLoop(count: number, concurrency: number, op: Operation): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push(await timed(op, next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: count / seconds, seconds, latencies };
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  completedPerSecond: number;
  latencies: number[];
  failed: number;
}

/** Starts an operation every 1/rate seconds for `seconds`, whatever the earlier ones are doing, and waits for all. */
export async function openLoop(ratePerSecond: number, seconds: number, op: Operation): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(ratePerSecond * seconds));
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from when the request was due, so a late start is not hidden.
    running.push(
      op(i).then(
        () => void latencies.push(performance.now() - due),
        () => void (failed += 1),
      ),
    );
  }
  await Promise.all(running);
  return {
    offeredPerSecond: ratePerSecond,
    completedPerSecond: latencies.length / ((performance.now() - started) / 1000),
    latencies,
    failed,
  };
}
