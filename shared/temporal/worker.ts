// The Temporal worker of a service process: its activities on its task queue,
// and, for a service that hosts workflows, the workflows started on that queue.
// Compiled processes load the bundle `npm run build` made (dist/workflows/);
// under tsx (tests, development) the worker bundles the workflows at start-up.
// A traced worker (shared/telemetry) runs the bundle with the OpenTelemetry
// workflow interceptors; one that does not trace runs the plain one, so it has
// no interceptor in its workflows at all.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { TaskQueue } from '../domain/vocabulary.js';
import type { Tracing } from '../telemetry/tracing.js';

/**
 * Every workflow, in one module (workflows/index), in the form this process runs (.ts
 * under tsx, .js compiled). Each hosting worker loads them all and runs those started
 * on its task queue: which workflow a service hosts is its contract's `taskQueue`
 * (services/<name>/temporal/contract.ts), not a list of modules.
 */
const workflowsModule = fileURLToPath(new URL(`../../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Where `npm run build` puts the workflows' bundle: beside their compiled module; `.traced` has the OpenTelemetry interceptors. */
export const bundlePathOf = (module: string, traced = false) =>
  module.replace(/\.[cm]?[jt]s$/, traced ? '.traced.bundle.js' : '.bundle.js');

export interface ServiceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: TaskQueue;
  activities: object;
  /** Whether this worker runs workflows too (those started on its task queue). */
  hostsWorkflows?: boolean;
  /** Trace activities and workflows (shared/telemetry); the spans go to its processor. */
  tracing?: Tracing;
  /** Passed on (e.g. maxCachedWorkflows); tests use it to replay every task. */
  options?: Partial<WorkerOptions>;
}

export function workflowSource(traced = false): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = bundlePathOf(workflowsModule, traced);
  return existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: workflowsModule };
}

async function tracingOptions(tracing: Tracing, bundled: boolean): Promise<Partial<WorkerOptions>> {
  const { workerTracingOptions, workflowInterceptorsModule } = await import('../telemetry/temporal.js');
  const { interceptors, sinks } = workerTracingOptions(tracing);
  // A pre-built bundle has the workflow interceptors inside; the worker ignores (and warns about) workflowModules then.
  return { sinks, interceptors: bundled ? interceptors : { ...interceptors, workflowModules: [workflowInterceptorsModule] } };
}

export async function createServiceWorker({
  connection,
  namespace,
  taskQueue,
  activities,
  hostsWorkflows,
  tracing,
  options = {},
}: ServiceWorkerOptions): Promise<Worker> {
  const source = hostsWorkflows ? workflowSource(Boolean(tracing)) : {};
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    ...source,
    ...(tracing ? await tracingOptions(tracing, 'workflowBundle' in source) : {}),
    ...options,
  });
}
