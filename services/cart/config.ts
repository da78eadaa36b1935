import { z } from 'zod';
import { redisEnv, serviceEnv } from '../../shared/config.js';

export const cartEnv = serviceEnv.extend(redisEnv.shape).extend({
  /** The cart checks products against the catalog service. */
  CATALOG_URL: z.url(),
  CART_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600),
});
