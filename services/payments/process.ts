// The payments service: an operator's view over HTTP, charges and refunds on task queue `payments`.
import type { Db } from 'mongodb';
import { serviceDb } from '../../shared/mongo.js';
import { defineProcess } from '../../shared/process.js';
import { openDatabase, openWorker, serviceAppOptions } from '../../shared/process-resources.js';
import { createPaymentsActivities } from './activities.js';
import { createPaymentsApp } from './app.js';
import { paymentsEnv, type PaymentsConfig } from './config.js';
import type { PaymentProvider } from './provider.js';
import { SIMULATOR_DB, SimulatedProvider } from './simulator.js';
import { PaymentsStore } from './store.js';
import { paymentsCatalogue } from './temporal/catalogue.js';

async function providerFrom(config: PaymentsConfig, db: Db): Promise<PaymentProvider> {
  switch (config.PAYMENT_PROVIDER) {
    case 'simulator': {
      // The simulated provider's memory outlives this process, as a real provider's does.
      const simulator = new SimulatedProvider(serviceDb(db.client, SIMULATOR_DB, config.MONGO_DB_PREFIX), {
        flakyFailures: config.SIMULATOR_FLAKY_FAILURES,
        slowMs: config.SIMULATOR_SLOW_MS,
      });
      await simulator.ensureIndexes();
      return simulator;
    }
  }
}

export const paymentsProcess = defineProcess({
  name: 'payments',
  env: paymentsEnv,
  start: async (ctx) => {
    const db = await openDatabase(ctx);
    const provider = await providerFrom(ctx.config, db);
    ctx.logger.info({ provider: provider.name }, 'payment provider');
    const store = new PaymentsStore(db, provider);
    await store.ensureIndexes();
    const worker = await openWorker(ctx, { taskQueue: paymentsCatalogue.taskQueue, activities: createPaymentsActivities(store) });
    return { app: createPaymentsApp({ store, appOptions: serviceAppOptions(ctx) }), worker };
  },
});
