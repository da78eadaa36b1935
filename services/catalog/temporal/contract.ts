// The catalog service's Temporal surface: the task queue its worker serves. It hosts
// no workflow; its activities (catalogue.ts) price an order's lines. Workflow-safe.
import type { TaskQueue } from '../../../shared/domain/vocabulary.js';

export const catalogTaskQueue = 'catalog' satisfies TaskQueue;
