// Connections to Temporal: the client (gateway, tools) and the native
// connection a worker polls through. Where the server is comes from the
// process's configuration (shared/config.ts, temporalEnv).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalSettings {
  address: string;
  namespace: string;
}

export async function connectTemporalClient({ address, namespace }: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  return new Client({ connection, namespace });
}

export function connectWorkerConnection({ address }: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
