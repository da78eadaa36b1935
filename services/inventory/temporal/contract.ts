// The inventory service's Temporal surface: the task queue its worker serves. It hosts
// no workflow; its activities (catalogue.ts) reserve, commit and release stock. Workflow-safe.
import type { TaskQueue } from '../../../shared/domain/vocabulary.js';

export const inventoryTaskQueue = 'inventory' satisfies TaskQueue;
