// `ping`, a no-op every service worker answers on its task queue. It proves a
// queue is served end to end, and it is the engine floor of the benchmark: a
// workflow of no-op activities over the saga's queues costs what Temporal costs.
import { z } from 'zod';

export const ping = { input: z.object({}).strict(), output: z.object({ taskQueue: z.string() }), failures: [] } as const;
