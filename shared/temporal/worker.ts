// The Temporal worker of a service process: its activities on its task queue,
// and the workflows the service owns (workflows/hosts/<service>.ts). Compiled
// processes load the bundle `npm run build` made (dist/workflow-bundles/);
// under tsx (tests, development) the worker bundles the workflows at start-up.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { TaskQueue } from '../domain/vocabulary.js';

/** The services that host workflows, each with a module under workflows/hosts/. */
export type WorkflowHost = 'orders' | 'shipping' | 'users';

const sourceExtension = extname(fileURLToPath(import.meta.url));

/** The module listing a host's workflows, in the form this process runs (.ts under tsx, .js compiled). */
export const workflowsPathOf = (host: WorkflowHost) => fileURLToPath(new URL(`../../workflows/hosts/${host}${sourceExtension}`, import.meta.url));

/** Where `npm run build` puts a host's pre-built workflow bundle (beside the compiled code). */
export const bundlePathOf = (host: WorkflowHost) => fileURLToPath(new URL(`../../workflow-bundles/${host}.js`, import.meta.url));

export interface ServiceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: TaskQueue;
  activities: object;
  workflows?: WorkflowHost;
  /** Passed on (e.g. maxCachedWorkflows); tests use it to replay every task. */
  options?: Partial<WorkerOptions>;
}

export function workflowSource(host: WorkflowHost): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = bundlePathOf(host);
  return existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: workflowsPathOf(host) };
}

export function createServiceWorker({ connection, namespace, taskQueue, activities, workflows, options = {} }: ServiceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    ...(workflows ? workflowSource(workflows) : {}),
    ...options,
  });
}
