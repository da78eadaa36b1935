// The notifications service's Temporal surface: the task queue its worker serves. It hosts
// no workflow; its activities (catalogue.ts) send what the workflows owe customers and operators. Workflow-safe.
import type { TaskQueue } from '../../../shared/domain/vocabulary.js';

export const notificationsTaskQueue = 'notifications' satisfies TaskQueue;
