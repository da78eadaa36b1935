// A whole local stack in one call: the infrastructure (infra.ts) and every
// sagashop process (system.ts) on it, stopped together. Used by the benchmark
// and the chaos run, which both start the stack as `npm start` does.
import { constants } from 'node:os';
import { startMongo, startRedis, startTemporal, type InfraOptions, type Service, type TemporalInfo } from './infra.js';
import type { Managed } from './processes.js';
import { startSystem, type RunningSystem, type SystemOptions } from './system.js';

export interface LocalStack {
  mongo: Service<string>;
  redis: Service<string>;
  temporal: Service<TemporalInfo>;
  system: RunningSystem;
  /** Every process this stack started, infrastructure first. */
  processes: Managed[];
  stop(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export type LocalStackOptions = InfraOptions &
  Omit<SystemOptions, 'mongoUrl' | 'redisUrl' | 'temporalAddress' | 'temporalNamespace' | 'logDir'>;

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const infra: Array<Service<unknown>> = [];
  const stopInfra = () => Promise.all(infra.map((s) => s.stop()));
  try {
    const [mongo, redis, temporal] = await Promise.all([
      startMongo(opts).then((s) => (infra.push(s), s)),
      startRedis(opts).then((s) => (infra.push(s), s)),
      startTemporal(opts).then((s) => (infra.push(s), s)),
    ]);
    const system = await startSystem({
      ...opts,
      mongoUrl: mongo.value,
      redisUrl: redis.value,
      temporalAddress: temporal.value.address,
      temporalNamespace: temporal.value.namespace,
      logDir: opts.logDir,
    });
    const stop = async () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      await system.stop();
      await stopInfra();
    };
    // The processes run in process groups of their own, so a Ctrl-C (or a kill) of the tool that
    // started them does not reach them: stop them before the tool goes.
    const onSignal = (signal: NodeJS.Signals) => void stop().finally(() => process.exit(128 + (constants.signals[signal] ?? 0)));
    for (const signal of SIGNALS) process.once(signal, onSignal);
    return {
      mongo,
      redis,
      temporal,
      system,
      processes: [...infra.flatMap((s) => (s.managed ? [s.managed] : [])), ...system.processes],
      stop,
    };
  } catch (error) {
    await stopInfra();
    throw error;
  }
}
