// The Temporal worker of a service process: its activities on its task queue,
// and, for a service that hosts workflows, the workflows started on that queue.
// Compiled processes load the bundle `npm run build` made (dist/workflows/);
// under tsx (tests, development) the process bundles the workflows at start-up,
// once for all its hosting workers.
// A traced worker (shared/telemetry) runs the bundle with the OpenTelemetry
// workflow interceptors; one that does not trace runs the plain one, so it has
// no interceptor in its workflows at all.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Runtime, Worker, type NativeConnection, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
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

/**
 * The bundles this process made, plain and traced: the hosting workers of the one-process
 * layout (orders, shipping, users) all run the same code, and webpack takes seconds a time.
 */
const bundledHere = new Map<boolean, Promise<WorkflowBundle>>();

async function bundleWorkflows(traced: boolean): Promise<WorkflowBundle> {
  // The traced bundle has the workflow interceptors inside, as the pre-built one has.
  const interceptorModules = traced ? [(await import('../telemetry/temporal.js')).workflowInterceptorsModule] : [];
  return bundleWorkflowCode({
    workflowsPath: workflowsModule,
    workflowInterceptorModules: interceptorModules,
    logger: Runtime.instance().logger,
  });
}

/** The pre-built bundle where `npm run build` made one, else this process's own (made once). */
export async function workflowSource(traced = false): Promise<Pick<WorkerOptions, 'workflowBundle'>> {
  const prebuilt = bundlePathOf(workflowsModule, traced);
  if (existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  let bundle = bundledHere.get(traced);
  if (!bundle) bundledHere.set(traced, (bundle = bundleWorkflows(traced)));
  return { workflowBundle: await bundle };
}

/** Imported only when tracing; no workflowModules: the bundle has the workflow interceptors inside. */
async function tracingOptions(tracing: Tracing): Promise<Partial<WorkerOptions>> {
  return (await import('../telemetry/temporal.js')).workerTracingOptions(tracing);
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
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    ...(hostsWorkflows ? await workflowSource(Boolean(tracing)) : {}),
    ...(tracing ? await tracingOptions(tracing) : {}),
    ...options,
  });
}
