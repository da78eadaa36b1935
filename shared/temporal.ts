import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';

export interface TemporalSettings {
  address: string;
  namespace: string;
}

export async function connectTemporalClient({ address, namespace }: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  return new Client({ connection, namespace });
}

/**
 * A worker for one service's task queue: only that service's process runs its
 * activities, so only it ever touches its database.
 */
export async function createActivityWorker(
  settings: TemporalSettings,
  taskQueue: string,
  activities: object,
  options: Partial<WorkerOptions> = {},
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue,
    activities,
    ...options,
  });
  return { worker, connection };
}
