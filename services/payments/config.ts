import { z } from 'zod';
import { workerServiceEnv } from '../../shared/config.js';

export const paymentsEnv = workerServiceEnv.extend({
  /** Which provider takes the money; only the simulator ships today, a real one plugs in here. */
  PAYMENT_PROVIDER: z.enum(['simulator']).default('simulator'),
  SIMULATOR_FLAKY_FAILURES: z.coerce.number().int().min(0).max(20).default(2),
  // Up to two minutes: above the charge activity's 30 s start-to-close timeout it exercises the timeout and retry path (npm run chaos).
  SIMULATOR_SLOW_MS: z.coerce.number().int().min(0).max(120_000).default(3_000),
});
export type PaymentsConfig = z.infer<typeof paymentsEnv>;
