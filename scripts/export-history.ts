// Saves the history of a workflow that ran on a live stack (e.g. `npm start`) as a
// replay fixture under test/replay/histories/, so `npm test` replays real runs:
//   npm run histories:export -- <workflowId> <fixture-name>
// TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE say which server (default localhost:7233).
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { historiesDir, toFixture } from './replay-fixture.js';

const env = parseEnv(
  z.object({
    TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  }),
);
const args = z
  .tuple([z.string().min(1, 'workflow id'), z.string().regex(/^[a-z0-9-]+$/, 'fixture name: lowercase letters, digits and -')])
  .safeParse(process.argv.slice(2));
if (!args.success) {
  console.error('usage: npm run histories:export -- <workflowId> <fixture-name>\n', args.error.issues.map((i) => i.message).join('\n'));
  process.exit(2);
}
const [workflowId, name] = args.data;

const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const handle = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }).workflow.getHandle(workflowId);
  const { status } = await handle.describe();
  // A running workflow's history would only replay as far as it got; keep finished runs.
  if (status.name === 'RUNNING') throw new Error(`${workflowId} is still running; export it once it has finished`);
  const file = new URL(`${name}.json`, historiesDir);
  writeFileSync(file, toFixture(await handle.fetchHistory()));
  console.log(`wrote ${file.pathname} (${status.name}); add '${name}' to the list in test/replay/workflows.replay.test.ts`);
} finally {
  await connection.close();
}
