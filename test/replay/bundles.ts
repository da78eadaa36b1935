// Workflow bundles of the real workflow code with `@temporalio/workflow` swapped
// for a variant (see workflow-api-*.ts), for the patch (versioning) tests.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from '../workflows/harness.js';
import { silentLogger } from '../../shared/temporal/silent-logger.js';

export type WorkflowApiVariant = 'before-patch' | 'unguarded';

export function bundleWithWorkflowApi(variant: WorkflowApiVariant): Promise<WorkflowBundle> {
  const shim = fileURLToPath(new URL(`./workflow-api-${variant}.ts`, import.meta.url));
  return bundleWorkflowCode({
    workflowsPath,
    logger: silentLogger,
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
