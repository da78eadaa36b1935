// `npm run build` (after tsc): bundles every workflow (workflows/index.ts) into
// dist/workflows/index.bundle.js, which compiled hosting workers load instead of
// bundling at start-up (shared/temporal/worker.ts), and index.traced.bundle.js, the
// same with the OpenTelemetry workflow interceptors for workers that trace (a worker
// cannot add interceptor modules to a pre-built bundle). A bundle newer than every
// file under workflows/, activities/, shared/domain/ and services/ is kept as it is.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorsModule } from '../shared/telemetry/temporal.js';
import { bundlePathOf } from '../shared/temporal/worker.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const workflowsModule = join('workflows', 'index.ts');

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

const sourcesChangedAt = Math.max(
  ...['workflows', 'activities', 'services', join('shared', 'domain')].map((dir) => newestSource(join(root, dir))),
);
const logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
for (const traced of [false, true]) {
  const out = join(root, 'dist', bundlePathOf(workflowsModule, traced));
  if (modifiedAt(out) > sourcesChangedAt) continue;
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(root, workflowsModule),
    ...(traced ? { workflowInterceptorModules: [workflowInterceptorsModule] } : {}),
    // The worker needs an inline source map (it maps workflow stack traces through it)
    // but not the sources inside it: without them the bundle is about half the size,
    // which every hosting worker parses and keeps resident. Traces still name file:line.
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
    logger,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(
    `[build] workflow bundle${traced ? ' (traced)' : ''}: ${(code.length / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
