// The Temporal worker of a service process: its activities on its task queue,
// and the workflows the service owns (workflows/hosts/<service>.ts). Compiled
// processes load the bundle `npm run build` made (dist/workflow-bundles/);
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

/** The services that host workflows, each with a module under workflows/hosts/. */
export type WorkflowHost = 'orders' | 'shipping' | 'users';

const sourceExtension = extname(fileURLToPath(import.meta.url));

/** The module listing a host's workflows, in the form this process runs (.ts under tsx, .js compiled). */
export const workflowsPathOf = (host: WorkflowHost) =>
  fileURLToPath(new URL(`../../workflows/hosts/${host}${sourceExtension}`, import.meta.url));

/** Where `npm run build` puts a host's pre-built workflow bundle (beside the compiled code); `.traced.js` has the OpenTelemetry interceptors. */
export const bundlePathOf = (host: WorkflowHost, traced = false) =>
  fileURLToPath(new URL(`../../workflow-bundles/${host}${traced ? '.traced' : ''}.js`, import.meta.url));

export interface ServiceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: TaskQueue;
  activities: object;
  workflows?: WorkflowHost;
  /** Trace activities and workflows (shared/telemetry); the spans go to its processor. */
  tracing?: Tracing;
  /** Passed on (e.g. maxCachedWorkflows); tests use it to replay every task. */
  options?: Partial<WorkerOptions>;
}

export function workflowSource(host: WorkflowHost, traced = false): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = bundlePathOf(host, traced);
  return existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: workflowsPathOf(host) };
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
  workflows,
  tracing,
  options = {},
}: ServiceWorkerOptions): Promise<Worker> {
  const source = workflows ? workflowSource(workflows, Boolean(tracing)) : {};
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
