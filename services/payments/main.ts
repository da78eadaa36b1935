import { z } from 'zod';
import { createPaymentsActivities } from '../../activities/payments.js';
import { TaskQueues } from '../../shared/domain.js';
import { startService } from '../../shared/service-main.js';
import { createPaymentsApp } from './app.js';
import type { PaymentProvider } from './provider.js';
import { SimulatedProvider } from './simulator.js';
import { PaymentsStore } from './store.js';

const env = z.object({
  /** Which provider takes the money; only the simulator ships today, a real one plugs in here. */
  PAYMENT_PROVIDER: z.enum(['simulator']).default('simulator'),
  SIMULATOR_FLAKY_FAILURES: z.coerce.number().int().min(0).max(20).default(2),
  SIMULATOR_SLOW_MS: z.coerce.number().int().min(0).max(25_000).default(3_000),
});

function providerFrom(config: z.infer<typeof env>): PaymentProvider {
  switch (config.PAYMENT_PROVIDER) {
    case 'simulator':
      return new SimulatedProvider({ flakyFailures: config.SIMULATOR_FLAKY_FAILURES, slowMs: config.SIMULATOR_SLOW_MS });
  }
}

await startService({
  name: 'payments',
  taskQueue: TaskQueues.payments,
  uses: { mongo: true },
  env,
  build: async ({ db, config, appOptions, logger }) => {
    const provider = providerFrom(config);
    logger.info({ provider: provider.name }, 'payment provider');
    const store = new PaymentsStore(db, provider);
    await store.ensureIndexes();
    return { app: createPaymentsApp({ store, appOptions }), activities: createPaymentsActivities(store) };
  },
});
