// The stall watchdog of a process: how long its event loop was blocked, exported
// as Prometheus metrics. A request whose handling blocks the loop (a regex that
// backtracks, a deep body walked recursively) freezes every other request of the
// process meanwhile, health checks included; this is how it shows.
//
// A timer ticks every RESOLUTION_MS; the time between two ticks beyond that is a
// stall (at most RESOLUTION_MS shorter than the block that caused it). Every
// SAMPLE_MS, and at each scrape, the longest stall since the last sample is one
// observation of a histogram (`eventloop_stall_seconds`): its counters only grow,
// so any number of readers (Prometheus, a test comparing two scrapes) read it
// without disturbing each other, and the count above the 0.05 bucket is the
// number of stalls past the 50 ms budget. A gauge (`eventloop_stall_max_seconds`)
// shows the longest stall of the last minute, for a dashboard.
//
// A process also stalls when the machine gives its CPU to others (a loaded host,
// a throttled container): the loop was not blocked by anything it did. So each
// stall is also counted by the CPU time the process itself used during it
// (`eventloop_busy_stall_seconds`, same buckets): the part of the stall that its
// own work caused, the measure to hold a request to (test/gateway/stall.test.ts).
// It counts every thread of the process, so it errs on the long side.
//
// Why not perf_hooks.monitorEventLoopDelay, which measures the same thing in C++:
// its reset() also forgets when it last ticked, so the interval after each reset
// is never recorded, and a block that starts right after a reset (or a scrape
// that resets it) goes unseen; a per-window maximum needs a reset per window.
// prom-client's default nodejs_eventloop_lag_max_seconds is that monitor, reset
// at every scrape: it stays on /metrics, but it misses some stalls this sees.
//
// One watchdog per process (shared/process.ts starts it); each metrics registry
// the process builds (shared/http/metrics.ts) shows the same metrics.
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** The tick interval: a stall is seen at most this much shorter than it was; a tick costs a few microseconds. */
const RESOLUTION_MS = 5;
/** How often the longest stall since the last sample is taken as one observation. */
const SAMPLE_MS = 100;
/** The gauge's window. */
const WINDOW_MS = 60_000;
/** The budget a request must keep within (issue 18); the histogram has a bucket boundary there. */
export const STALL_BUDGET_SECONDS = 0.05;
/** A stall this long is logged besides being counted. */
const LOG_STALL_MS = 1_000;

export interface StallWatchdog {
  /** Shows the watchdog's metrics in a registry too (each app of a process has its own). */
  register(registry: Registry): void;
  stop(): void;
}

/** The process's CPU time so far, every thread, in microseconds. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export function startStallWatchdog(logger?: Logger): StallWatchdog {
  let lastTick = performance.now();
  let lastCpu = cpuMicros();
  /** The longest stall since the last sample, in ms, and the longest counted in the process's own CPU time. */
  let longest = 0;
  let longestBusy = 0;
  // One reading of the process's CPU time per tick (a system call each, 200 a second).
  const tick = () => {
    const now = performance.now();
    const cpu = cpuMicros();
    const stall = now - lastTick - RESOLUTION_MS;
    longest = Math.max(longest, stall);
    longestBusy = Math.max(longestBusy, Math.min(stall, (cpu - lastCpu) / 1000));
    lastTick = now;
    lastCpu = cpu;
  };
  const ticker = setInterval(tick, RESOLUTION_MS);
  // The histogram and the gauge belong to no registry of their own: register() adds them to each app's.
  const buckets = [0.01, 0.025, STALL_BUDGET_SECONDS, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const stalls = new Histogram({
    name: 'eventloop_stall_seconds',
    help: `Event-loop stalls: per ${SAMPLE_MS} ms (and per scrape), the longest the loop was blocked (a ${RESOLUTION_MS} ms timer late by)`,
    buckets,
    registers: [],
    // Taken at scrape time too, so a stall that just ended is counted before it is read.
    collect: () => sample(),
  });
  const busyStalls = new Histogram({
    name: 'eventloop_busy_stall_seconds',
    help: `Event-loop stalls counted by the CPU time the process itself used in them: per ${SAMPLE_MS} ms (and per scrape), the longest`,
    buckets,
    registers: [],
  });
  // The largest stall of each second of the window, newest last.
  const perSecond: Array<{ second: number; max: number }> = [];
  const largest = new Gauge({
    name: 'eventloop_stall_max_seconds',
    help: `The longest event-loop stall of the last ${WINDOW_MS / 1000} s`,
    registers: [],
    collect() {
      sample();
      const since = Math.floor((Date.now() - WINDOW_MS) / 1000);
      this.set(Math.max(0, ...perSecond.filter((s) => s.second > since).map((s) => s.max)));
    },
  });

  const sample = () => {
    // A scrape may run before the first tick after a stall: the time since the last tick counts too.
    tick();
    const stallSeconds = Math.max(0, longest) / 1000;
    stalls.observe(stallSeconds);
    busyStalls.observe(Math.max(0, longestBusy) / 1000);
    longest = 0;
    longestBusy = 0;
    const second = Math.floor(Date.now() / 1000);
    const last = perSecond.at(-1);
    if (last?.second === second) last.max = Math.max(last.max, stallSeconds);
    else perSecond.push({ second, max: stallSeconds });
    if (perSecond.length > WINDOW_MS / 1000) perSecond.shift();
    if (stallSeconds * 1000 >= LOG_STALL_MS) logger?.warn({ stallMs: Math.round(stallSeconds * 1000) }, 'the event loop was blocked');
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  // The watchdog never keeps a process alive on its own.
  ticker.unref();
  sampler.unref();

  return {
    register(registry) {
      registry.registerMetric(stalls);
      registry.registerMetric(busyStalls);
      registry.registerMetric(largest);
    },
    stop() {
      clearInterval(ticker);
      clearInterval(sampler);
    },
  };
}
