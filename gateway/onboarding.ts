// Starting a new account's onboarding workflow (users' task queue, one per
// account), free of HTTP like the order placement (gateway/orders/placement.ts).
// The account exists by then: a missing welcome mail must not turn that into an
// error, so a start that fails is logged, not thrown.
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { onboardingWorkflow, type OnboardingSettings } from '../services/users/temporal/contract.js';
import type { Logger } from '../shared/logger.js';
import type { onboarding } from '../workflows/onboarding.js';

export interface NewAccount {
  id: string;
  email: string;
  name: string;
}

export async function startOnboarding(
  deps: { temporal: Client; logger: Logger; settings: OnboardingSettings },
  user: NewAccount,
  requestId: string,
): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof onboarding>(onboardingWorkflow.type, {
      taskQueue: onboardingWorkflow.taskQueue,
      workflowId: onboardingWorkflow.id(user.id),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ userId: user.id, email: user.email, name: user.name, settings: deps.settings }],
      memo: { requestId },
    });
  } catch (error) {
    deps.logger.warn({ err: error, userId: user.id }, 'could not start onboarding');
  }
}
