import { Connection } from '@temporalio/client';

/** Whether a Temporal frontend at `address` answers (no namespace needed: a fresh cluster has none yet). */
export async function temporalServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '1s' });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}
