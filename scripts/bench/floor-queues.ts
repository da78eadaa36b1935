// The plain floor's task queues: a twin of each task queue of the saga's services,
// so B2 spreads its activities over as many queues, in the same order, as on the
// services' workers, but on queues no service polls. The orders queue's twin runs the workflows.
import { ordersTaskQueue } from '../../services/orders/temporal/contract.js';
import { SAGA_TASK_QUEUES } from '../../shared/domain/vocabulary.js';

const twin = (queue: string) => `bench-floor-${queue}`;

export const FLOOR_QUEUES: readonly string[] = SAGA_TASK_QUEUES.map(twin);
export const FLOOR_WORKFLOW_QUEUE = twin(ordersTaskQueue);
