// The users service's Temporal surface: its task queue and the onboarding
// workflow's type, id, input, settings and the signal the order saga sends it.
// Workflow-safe (no Node, no I/O, no zod).
import { defineSignal } from '@temporalio/workflow';
import { defineWorkflow, type Duration, type TaskQueue } from '../../../shared/domain/vocabulary.js';

/** The users worker's queue: its activities and onboarding. */
export const usersTaskQueue = 'users' satisfies TaskQueue;

/** One onboarding per account (`onboarding-<userId>`), started at registration. */
export const onboardingWorkflow = defineWorkflow('onboarding', usersTaskQueue, 'onboarding');

export interface OnboardingSettings {
  /** Send a reminder when no order was placed within this time (default 3 days). */
  reminderDelay: Duration;
}

export interface OnboardingInput {
  userId: string;
  email: string;
  name: string;
  settings: OnboardingSettings;
}

/** The order saga tells onboarding that the customer placed a first order (no reminder then). */
export const firstOrderPlacedSignal = defineSignal<[{ orderId: string }]>('firstOrderPlaced');
