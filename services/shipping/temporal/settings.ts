// Fulfilment's business knobs, read from the environment by whoever starts the
// order saga (the gateway) and passed in its input, so each run's settings are
// part of its history and a replay never depends on today's configuration.
import { z } from 'zod';
import { temporalDuration } from '../../../shared/config.js';
import type { FulfilmentSettings } from './contract.js';

export const fulfilmentSettingsEnv = z.object({
  PICKUP_TIMEOUT: temporalDuration('48h'),
  DELIVERY_TIMEOUT: temporalDuration('7 days'),
  REVIEW_REQUEST_DELAY: temporalDuration('7 days'),
});

export function fulfilmentSettings(env: z.infer<typeof fulfilmentSettingsEnv>): FulfilmentSettings {
  return { pickupTimeout: env.PICKUP_TIMEOUT, deliveryTimeout: env.DELIVERY_TIMEOUT, reviewRequestDelay: env.REVIEW_REQUEST_DELAY };
}
