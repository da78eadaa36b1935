// `npm run build` (after tsc): bundles the workflows each service hosts into
// dist/workflow-bundles/<host>.js, which compiled workers load instead of
// bundling at start-up (shared/temporal/worker.ts). A bundle newer than every
// file under workflows/, activities/ and shared/domain/ is kept as it is.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowHost } from '../shared/temporal/worker.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist', 'workflow-bundles');
const HOSTS: readonly WorkflowHost[] = ['orders', 'shipping', 'users'];

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
}

const modifiedAt = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

const sourcesChangedAt = Math.max(...['workflows', 'activities', join('shared', 'domain')].map((dir) => newestSource(join(root, dir))));
mkdirSync(outDir, { recursive: true });
for (const host of HOSTS) {
  const out = join(outDir, `${host}.js`);
  if (modifiedAt(out) > sourcesChangedAt) continue;
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: join(root, 'workflows', 'hosts', `${host}.ts`), logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) } });
  writeFileSync(out, code);
  console.log(`[build] workflow bundle ${host}: ${(code.length / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
