// The payments process: an operator's view over HTTP, charges and refunds on task queue `payments`.
import { paymentsCatalogue } from '../../activities/payments.js';
import { openDatabase, openWorker, runProcess, serviceAppOptions } from '../../shared/process.js';
import { createPaymentsActivities } from './activities.js';
import { createPaymentsApp } from './app.js';
import { paymentsEnv, type PaymentsConfig } from './config.js';
import type { PaymentProvider } from './provider.js';
import { SimulatedProvider } from './simulator.js';
import { PaymentsStore } from './store.js';

function providerFrom(config: PaymentsConfig): PaymentProvider {
  switch (config.PAYMENT_PROVIDER) {
    case 'simulator':
      return new SimulatedProvider({ flakyFailures: config.SIMULATOR_FLAKY_FAILURES, slowMs: config.SIMULATOR_SLOW_MS });
  }
}

await runProcess({
  name: 'payments',
  env: paymentsEnv,
  start: async (ctx) => {
    const provider = providerFrom(ctx.config);
    ctx.logger.info({ provider: provider.name }, 'payment provider');
    const store = new PaymentsStore(await openDatabase(ctx), provider);
    await store.ensureIndexes();
    const worker = await openWorker(ctx, { taskQueue: paymentsCatalogue.taskQueue, activities: createPaymentsActivities(store) });
    return { app: createPaymentsApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
