// The users process's settings. SEED_DEMO creates the demo administrator, whose
// password is printed in the README: with it, anyone who can reach the process
// could sign in as an admin. So the printed password is only used where nothing
// beyond this machine can reach the process (a loopback HOST, not production);
// anywhere else SEED_DEMO needs DEMO_ADMIN_PASSWORD, or the process refuses to start.
import { z } from 'zod';
import { isLoopback, seedEnv, workerServiceEnv } from '../../shared/config.js';

export const usersEnv = workerServiceEnv
  .extend(seedEnv.shape)
  .extend({
    /** The demo administrator's password (SEED_DEMO); unset, the README's one, on a loopback HOST only. An empty value counts as unset. */
    DEMO_ADMIN_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(12, 'must be at least 12 characters').optional()),
  })
  .superRefine((env, ctx) => {
    if (env.SEED_DEMO !== 'true' || env.DEMO_ADMIN_PASSWORD !== undefined) return;
    if (env.NODE_ENV !== 'production' && isLoopback(env.HOST)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['DEMO_ADMIN_PASSWORD'],
      message: `SEED_DEMO=true ${env.NODE_ENV === 'production' ? 'with NODE_ENV=production' : `on a non-loopback HOST (HOST=${env.HOST})`} needs an admin password of its own; the README's demo password works only on a loopback HOST`,
    });
  });
