// The benchmark's plain floor: a worker process as a newcomer would write one,
// with Node's and the SDK's defaults (no V8 or allocator flags, no tuning, no
// metrics, no HTTP), serving the engine-floor workflows and a no-op `ping` on
// task queues of its own, one per service queue of the saga (FLOOR_QUEUE_PREFIX
// + the queue). It shares nothing with the stack it is compared with but the
// Temporal server. Started by scripts/bench/floor.ts; prints one 'ready' line.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { parseEnv } from '../../shared/config.js';
import { FLOOR_QUEUES, FLOOR_WORKFLOW_QUEUE } from './floor-queues.js';

const env = parseEnv(z.object({ TEMPORAL_ADDRESS: z.string().min(1), TEMPORAL_NAMESPACE: z.string().min(1).default('default') }));

// Compiled (npm run bench) or TypeScript under tsx: the workflows module of the same kind, bundled at start-up.
const workflowsPath = fileURLToPath(new URL(`../../workflows/engine-floor${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const activities = { ping: () => Promise.resolve({ taskQueue: 'floor' }) };
const workers = await Promise.all(
  FLOOR_QUEUES.map((taskQueue) =>
    Worker.create({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue,
      activities,
      ...(taskQueue === FLOOR_WORKFLOW_QUEUE ? { workflowsPath } : {}),
    }),
  ),
);
console.log(JSON.stringify({ msg: 'ready', queues: FLOOR_QUEUES }));
// The SDK shuts its workers down on SIGINT/SIGTERM; the process ends once they have.
await Promise.all(workers.map((w) => w.run()));
await connection.close();
