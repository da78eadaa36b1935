// `npm run build` (after tsc): bundles the workflows each service hosts into
// dist/workflow-bundles/<host>.js, which compiled workers load instead of
// bundling at start-up (shared/temporal/worker.ts), and <host>.traced.js, the
// same with the OpenTelemetry workflow interceptors for workers that trace (a
// worker cannot add interceptor modules to a pre-built bundle). A bundle newer
// than every file under workflows/, activities/ and shared/domain/ is kept as it is.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorsModule } from '../shared/telemetry/temporal.js';
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
const logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
for (const host of HOSTS) {
  for (const traced of [false, true]) {
    const name = `${host}${traced ? '.traced' : ''}`;
    const out = join(outDir, `${name}.js`);
    if (modifiedAt(out) > sourcesChangedAt) continue;
    const started = Date.now();
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(root, 'workflows', 'hosts', `${host}.ts`),
      ...(traced ? { workflowInterceptorModules: [workflowInterceptorsModule] } : {}),
      // The worker needs an inline source map (it maps workflow stack traces through it)
      // but not the sources inside it: without them the orders bundle is 0.9 MB, not 1.7 MB,
      // which every hosting worker parses and keeps resident. Traces still name file:line.
      webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
      logger,
    });
    writeFileSync(out, code);
    console.log(
      `[build] workflow bundle ${name}: ${(code.length / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
