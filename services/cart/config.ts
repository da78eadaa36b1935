import { z } from 'zod';
import { redisEnv, serviceEnv, temporalEnv, workerEnv } from '../../shared/config.js';

/** Carts live in Redis (no database of its own); its worker runs the checkout's claims. */
export const cartEnv = serviceEnv
  .extend(temporalEnv.shape)
  .extend(workerEnv.shape)
  .extend(redisEnv.shape)
  .extend({
    /** The cart checks products against the catalog service. */
    CATALOG_URL: z.url(),
    CART_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
  });
