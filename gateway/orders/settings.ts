// The business knobs of the workflows, read from the environment by whoever
// starts a workflow (the gateway) and passed in its input, so every run's
// settings are part of its history and a replay never depends on today's config.
import { z } from 'zod';
import type { OnboardingSettings, OrderSagaSettings } from '../../workflows/definitions.js';

/** A Temporal duration: milliseconds or a string such as '24h', '7 days', '90s'. */
const duration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:ms|milliseconds?|seconds?|minutes?|hours?|days?|[smhd])?$/, 'must be a duration such as 90s, 24h or 7 days')
    .default(fallback);

export const sagaSettingsEnv = z.object({
  APPROVAL_THRESHOLD_CENTS: z.coerce.number().int().min(0).default(100_000),
  APPROVAL_TIMEOUT: duration('24h'),
  COMPENSATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(25),
  PICKUP_TIMEOUT: duration('48h'),
  DELIVERY_TIMEOUT: duration('7 days'),
  REVIEW_REQUEST_DELAY: duration('7 days'),
  ONBOARDING_REMINDER_DELAY: duration('3 days'),
});
export type SagaSettingsEnv = z.infer<typeof sagaSettingsEnv>;

/** Temporal reads a bare number string as milliseconds only when it is a number. */
const asDuration = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value.replace(/\s+/g, ' '));

export function orderSagaSettings(env: SagaSettingsEnv): OrderSagaSettings {
  return {
    approvalThresholdCents: env.APPROVAL_THRESHOLD_CENTS,
    approvalTimeout: asDuration(env.APPROVAL_TIMEOUT),
    compensationMaxAttempts: env.COMPENSATION_MAX_ATTEMPTS,
    fulfilment: {
      pickupTimeout: asDuration(env.PICKUP_TIMEOUT),
      deliveryTimeout: asDuration(env.DELIVERY_TIMEOUT),
      reviewRequestDelay: asDuration(env.REVIEW_REQUEST_DELAY),
    },
  };
}

export function onboardingSettings(env: SagaSettingsEnv): OnboardingSettings {
  return { reminderDelay: asDuration(env.ONBOARDING_REMINDER_DELAY) };
}
