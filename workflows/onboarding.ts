// Onboarding of a new customer, run by the users service and started by the
// gateway when someone registers:
// a welcome message now and, if no order came within the configured time, one
// reminder. The order saga signals the first order, which cancels the reminder.
import { condition, setHandler } from '@temporalio/workflow';
import { firstOrderPlacedSignal, type OnboardingInput } from '../services/users/temporal/contract.js';
import { notifyUser } from './notify.js';

export interface OnboardingResult {
  userId: string;
  reminded: boolean;
  firstOrderId?: string;
}

export async function onboarding(input: OnboardingInput): Promise<OnboardingResult> {
  const { userId, name, settings } = input;
  let firstOrderId: string | undefined;
  setHandler(firstOrderPlacedSignal, ({ orderId }) => {
    firstOrderId ??= orderId;
  });

  await notifyUser(`${userId}:welcome`, userId, 'welcome', { name });
  const ordered = await condition(() => firstOrderId !== undefined, settings.reminderDelay);
  if (ordered) return { userId, reminded: false, ...(firstOrderId ? { firstOrderId } : {}) };
  await notifyUser(`${userId}:reminder`, userId, 'reminder', { name });
  return { userId, reminded: true };
}
