// Starts the plain floor worker (./floor-worker.ts) as a process of its own, with
// Node's defaults: none of the V8 flags or allocator settings the stack's
// processes get (scripts/stack/runtime-tuning.ts), and resolves once it serves.
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../stack/runtime-tuning.js';
import { spawnManaged, type Managed } from '../stack/processes.js';

const self = fileURLToPath(import.meta.url);
const entry = join(self, '..', `floor-worker${extname(self)}`);

export function startFloorWorker(temporal: { address: string; namespace: string }, logDir: string): Promise<Managed> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace };
  for (const name of Object.keys(ALLOCATOR_ENV)) delete env[name];
  const args = extname(self) === '.ts' ? ['--import', 'tsx', entry] : [entry];
  return new Promise((resolve, reject) => {
    const managed = spawnManaged('floor-worker', process.execPath, args, {
      env,
      logFile: join(logDir, 'floor-worker.log'),
      onLine: (line) => {
        if (line.includes('"msg":"ready"')) resolve(managed);
      },
    });
    managed.child.once('exit', (code) => reject(new Error(`the floor worker exited with code ${code}; see ${logDir}/floor-worker.log`)));
  });
}
