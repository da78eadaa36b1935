// The notifications service in a Node process of its own (compose, Kubernetes, the cluster, the
// chaos run); shop/main.ts runs it with every other part in one process.
import { runProcess } from '../../shared/process.js';
import { notificationsProcess } from './process.js';

await runProcess(notificationsProcess);
