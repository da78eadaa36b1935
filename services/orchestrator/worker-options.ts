// The orchestrator's worker settings, shared with the workflow tests so they
// run the workflows exactly as production does.
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { TaskQueues } from '../../shared/domain.js';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export function orchestratorWorkerOptions(overrides: Partial<WorkerOptions> = {}): Omit<WorkerOptions, 'connection'> {
  return {
    taskQueue: TaskQueues.sagas,
    workflowsPath,
    // A bug (a plain Error) or non-determinism fails the workflow loudly instead of
    // retrying its task forever; business outcomes never reach this, the saga handles them.
    workflowFailureErrorTypes: { '*': ['Error', 'NondeterminismError'] },
    ...overrides,
  };
}
