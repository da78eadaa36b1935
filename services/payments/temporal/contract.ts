// The payments service's Temporal surface: the task queue its worker serves. It hosts
// no workflow; its activities (catalogue.ts) charge and refund. Workflow-safe.
import type { TaskQueue } from '../../../shared/domain/vocabulary.js';

export const paymentsTaskQueue = 'payments' satisfies TaskQueue;
