// A whole local stack in one call: the infrastructure (infra.ts) and every
// sagashop process (system.ts) on it, stopped together. Used by the benchmark
// and the chaos run, which both start the stack as `npm start` does.
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

export type LocalStackOptions = InfraOptions & Omit<SystemOptions, 'mongoUrl' | 'redisUrl' | 'temporalAddress' | 'temporalNamespace' | 'logDir'>;

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
    return {
      mongo, redis, temporal, system,
      processes: [...infra.flatMap((s) => (s.managed ? [s.managed] : [])), ...system.processes],
      stop: async () => {
        await system.stop();
        await stopInfra();
      },
    };
  } catch (error) {
    await stopInfra();
    throw error;
  }
}
