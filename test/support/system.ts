// Options for a whole sagashop system started by a test on the shared servers.
// Each system gets its own Temporal namespace: task queue names are fixed in the
// workflow code (`sagas`, `inventory`, ...), so two systems on one namespace would
// run each other's activities against each other's databases.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { SystemOptions } from '../../scripts/stack/system.js';
import { registerSearchAttributes, stack, uniqueName } from './stack.js';

/** Registers a fresh namespace with our search attributes on the shared dev server. */
export async function createNamespace(label: string): Promise<string> {
  const namespace = uniqueName(label).replace(/_/g, '-');
  const connection = await Connection.connect({ address: stack().temporalAddress });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    // Registration reaches the server's namespace cache a moment later.
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await registerSearchAttributes(connection, namespace);
    return namespace;
  } finally {
    await connection.close();
  }
}

/** Everything `startSystem` needs, isolated: own namespace, database/key prefix and log folder. */
export async function isolatedSystemOptions(
  label: string,
  extra: Partial<SystemOptions> = {},
): Promise<SystemOptions & { prefix: string }> {
  const s = stack();
  const prefix = `${uniqueName(label)}_`;
  return {
    mongoUrl: s.mongoUrl,
    redisUrl: s.redisUrl,
    temporalAddress: s.temporalAddress,
    temporalNamespace: await createNamespace(label),
    logDir: join(s.logDir, prefix),
    prefix,
    // Ten processes start at once beside other test files' systems: on a loaded 2-core machine a
    // process has taken over 60 s to listen (helpers' runs), which is slowness, not a defect.
    startTimeoutMs: 180_000,
    ...extra,
    // Tests stop and start what readiness checks and ask at once: no reuse of an
    // earlier answer (concurrent requests still share one probe). The security
    // test sets it to check the reuse itself. Tests register their customers from one address,
    // far more than the per-address registration budget; the security test sets it low to check it.
    env: { READINESS_CACHE_MS: '0', REGISTRATIONS_PER_IP: '1000000', ...extra.env },
  };
}

/** A gateway that never answers 429: tests that send many requests from one user and address. */
export const UNLIMITED_REQUESTS = { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' } as const;

/** A Temporal client on the system's own namespace, to look at its workflows. */
export async function temporalClientOf(options: Pick<SystemOptions, 'temporalAddress' | 'temporalNamespace'>): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address: options.temporalAddress }), namespace: options.temporalNamespace });
}
