// The Temporal worker of a service process: its activities on its task queue,
// and the workflows the service hosts (services/<name>/temporal/workflows.ts).
// Compiled processes load the bundle `npm run build` made beside that module;
// under tsx (tests, development) the worker bundles the workflows at start-up.
// A traced worker (shared/telemetry) runs the bundle with the OpenTelemetry
// workflow interceptors; one that does not trace runs the plain one, so it has
// no interceptor in its workflows at all.
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { TaskQueue } from '../domain/vocabulary.js';
import type { Tracing } from '../telemetry/tracing.js';

/**
 * The module listing the workflows a service hosts: `temporal/workflows` beside the
 * service's process module (pass its `import.meta.url`), in the form this process
 * runs (.ts under tsx, .js compiled).
 */
export function hostedWorkflowsOf(processModuleUrl: string): string {
  const processModule = fileURLToPath(processModuleUrl);
  return join(dirname(processModule), 'temporal', `workflows${extname(processModule)}`);
}

/** Where `npm run build` puts the bundle of a workflows module: beside the compiled module; `.traced` has the OpenTelemetry interceptors. */
export const bundlePathOf = (workflowsModule: string, traced = false) =>
  workflowsModule.replace(/\.[cm]?[jt]s$/, traced ? '.traced.bundle.js' : '.bundle.js');

export interface ServiceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: TaskQueue;
  activities: object;
  /** The module listing the workflows this worker hosts (hostedWorkflowsOf), if any. */
  workflows?: string;
  /** Trace activities and workflows (shared/telemetry); the spans go to its processor. */
  tracing?: Tracing;
  /** Passed on (e.g. maxCachedWorkflows); tests use it to replay every task. */
  options?: Partial<WorkerOptions>;
}

export function workflowSource(workflowsModule: string, traced = false): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
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
