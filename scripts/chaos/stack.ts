// The stack a chaos run or a power-cut trial works on: started as `npm start`
// starts it (file databases in a data directory, every process supervised), and
// able to lose its power: every process SIGKILLed at once, then the stack
// started again on the same data directory and ports, so the clients, which keep
// resending through the outage, find it where they left it.
import { join } from 'node:path';
import type { StackAddress } from '../audit/snapshot.js';
import { portsOf, startLocalStack, type LocalStack, type LocalStackOptions } from '../stack/local.js';
import type { Victim } from './faults.js';

/** `npm start`'s options on `dataDir`, with the run's environment (rate limits off: the workload is one shop's many customers). */
export function chaosStackOptions(dataDir: string, log: (line: string) => void, env: NodeJS.ProcessEnv = {}): LocalStackOptions {
  return {
    dataDir,
    logDir: join(dataDir, 'logs'),
    persistent: true,
    supervision: { report: log },
    // A process per service, all starting at once, beside whatever else the machine runs (the
    // test suite runs another file beside it): one has taken over 60 s to listen there.
    startTimeoutMs: 180_000,
    env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '100000000', RATE_LIMIT_PER_IP: '100000000', REGISTRATIONS_PER_IP: '100000000', ...env },
  };
}

/** Where the audit reads a stack; unchanged by a power cut (same ports). */
export const addressOf = (stack: LocalStack): StackAddress => ({
  mongoUrl: stack.mongo.value,
  prefix: '',
  temporal: { connection: { address: stack.temporal.value.address }, namespace: stack.temporal.value.namespace },
});

/** Tries at starting the stack again after a power cut. */
const RESTART_ATTEMPTS = 3;

/** Starts a stack that a power cut can hit (see Victim). */
export async function restartable(options: LocalStackOptions, start = startLocalStack): Promise<Victim> {
  let stack = await start(options);
  const everyProcess = [...stack.processes];
  return {
    get stack() {
      return stack;
    },
    everyProcess,
    async powerCut() {
      const ports = portsOf(stack);
      await stack.powerCut();
      // Every process starting at once on a loaded machine can miss a start-up budget (a
      // worker bundling its workflows under tsx): then it is started again, as a person
      // whose `npm start` gave up would, and the fault's recovery time includes the tries.
      for (let attempt = 1; ; attempt++) {
        try {
          stack = await start({ ...options, ...ports });
          break;
        } catch (error) {
          if (attempt >= RESTART_ATTEMPTS) throw error;
          options.supervision?.report?.(
            `[chaos] the stack did not start again (${error instanceof Error ? error.message : String(error)}); starting it again`,
          );
        }
      }
      everyProcess.push(...stack.processes);
    },
  };
}
