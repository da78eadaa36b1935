// The orchestrator process: a Temporal worker on task queue `sagas` that runs the
// workflows only. It owns no data; the state of every saga is its workflow history.
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { commonEnv, parseEnv } from '../../shared/config.js';
import { runProcess } from '../../shared/lifecycle.js';
import { createLogger } from '../../shared/logger.js';
import { orchestratorWorkerOptions } from './worker-options.js';

const logger = createLogger('orchestrator');

await runProcess(logger, async (onStop) => {
  const config = parseEnv(
    commonEnv.extend({
      /** 0 makes every workflow task replay its history (a determinism check in tests). */
      WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(0).optional(),
    }),
  );
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  onStop(() => connection.close());
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...orchestratorWorkerOptions(config.WORKFLOW_CACHE_SIZE === undefined ? {} : { maxCachedWorkflows: config.WORKFLOW_CACHE_SIZE }),
  });
  const running = worker.run();
  onStop(async () => {
    // The SDK stops its workers on SIGINT/SIGTERM by itself; shut down only if that has not begun.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped');
    process.kill(process.pid, 'SIGTERM');
  });
  // The launcher waits for this line.
  logger.info({ taskQueue: worker.options.taskQueue }, 'ready');
});
