// A whole local stack in one call: the infrastructure (infra.ts) and every
// sagashop process (system.ts) on it, stopped together. Used by the benchmark
// and the chaos run, which both start the stack as `npm start` does.
import { constants } from 'node:os';
import { startInfra, startTemporal, type InfraOptions, type Service, type TemporalInfo } from './infra.js';
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
  /**
   * A power cut: every process of the stack (infrastructure, services with their workers, the
   * gateway) SIGKILLed at once and none restarted, the data left as the kill left it. Start the
   * stack again with `startLocalStack({ ...options, ...portsOf(stack) })` on the same data directory.
   */
  powerCut(): Promise<void>;
}

/** The ports a stack listens on, to start it again where its clients expect it. */
export function portsOf(stack: LocalStack): Pick<LocalStackOptions, 'ports' | 'gatewayPort'> {
  const port = (url: string) => Number(new URL(url).port);
  return {
    ports: {
      mongo: port(stack.mongo.value),
      redis: port(stack.redis.value),
      temporal: port(`http://${stack.temporal.value.address}`),
      ...(stack.temporal.value.uiUrl ? { temporalUi: port(stack.temporal.value.uiUrl) } : {}),
    },
    gatewayPort: port(stack.system.gatewayUrl),
  };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export type LocalStackOptions = InfraOptions &
  Omit<SystemOptions, 'mongoUrl' | 'redisUrl' | 'temporalAddress' | 'temporalNamespace' | 'logDir'> & {
    /** What starts Temporal: the dev server by default, the local cluster (cluster.ts) for `npm run start:cluster`. */
    startTemporal?: (opts: InfraOptions) => Promise<Service<TemporalInfo>>;
  };

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const infra: Array<Service<unknown>> = [];
  const stopInfra = () => Promise.all(infra.map((s) => s.stop()));
  try {
    const { mongo, redis, temporal } = await startInfra(opts, opts.startTemporal ?? startTemporal, (service) => infra.push(service));
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
    const processes = [...infra.flatMap((s) => s.processes ?? (s.managed ? [s.managed] : [])), ...system.processes];
    const powerCut = async () => {
      // Every kill is sent before any exit is awaited: nothing gets to write after another died.
      await Promise.all(processes.map((p) => p.powerOff()));
      await stop();
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
      processes,
      stop,
      powerCut,
    };
  } catch (error) {
    await stopInfra();
    throw error;
  }
}
