// Workflow bundles of the real workflow code with `@temporalio/workflow` swapped
// for a variant (see workflow-api-*.ts), for the patch (versioning) tests.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from '../workflows/harness.js';

const silent = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type WorkflowApiVariant = 'before-patch' | 'unguarded';

export function bundleWithWorkflowApi(variant: WorkflowApiVariant): Promise<WorkflowBundle> {
  const shim = fileURLToPath(new URL(`./workflow-api-${variant}.ts`, import.meta.url));
  return bundleWorkflowCode({
    workflowsPath,
    logger: silent,
    // `$`: only the bare specifier; the shim's own `@temporalio/workflow/lib/...` import still resolves to the SDK.
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as Record<string, string> | undefined), '@temporalio/workflow$': shim },
      },
    }),
  });
}
