// The order saga's business knobs, read from the environment by whoever starts a
// saga (the gateway) and passed in its input, so every run's settings are part of
// its history and a replay never depends on today's configuration. The saga starts
// fulfilment as its child, so it carries fulfilment's settings too.
import { z } from 'zod';
import { temporalDuration } from '../../../shared/config.js';
import { fulfilmentSettings, fulfilmentSettingsEnv } from '../../shipping/temporal/settings.js';
import type { OrderSagaSettings } from './contract.js';

export const orderSagaSettingsEnv = z
  .object({
    APPROVAL_THRESHOLD_CENTS: z.coerce.number().int().min(0).default(100_000),
    APPROVAL_TIMEOUT: temporalDuration('24h'),
    COMPENSATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(25),
  })
  .extend(fulfilmentSettingsEnv.shape);

export function orderSagaSettings(env: z.infer<typeof orderSagaSettingsEnv>): OrderSagaSettings {
  return {
    approvalThresholdCents: env.APPROVAL_THRESHOLD_CENTS,
    approvalTimeout: env.APPROVAL_TIMEOUT,
    compensationMaxAttempts: env.COMPENSATION_MAX_ATTEMPTS,
    fulfilment: fulfilmentSettings(env),
  };
}
