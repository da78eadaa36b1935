// Onboarding's business knobs, read from the environment by whoever starts it
// (the gateway, at registration) and passed in its input, so they are part of
// its history.
import { z } from 'zod';
import { temporalDuration } from '../../../shared/config.js';
import type { OnboardingSettings } from './contract.js';

export const onboardingSettingsEnv = z.object({
  ONBOARDING_REMINDER_DELAY: temporalDuration('3 days'),
});

export function onboardingSettings(env: z.infer<typeof onboardingSettingsEnv>): OnboardingSettings {
  return { reminderDelay: env.ONBOARDING_REMINDER_DELAY };
}
