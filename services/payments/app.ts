// Payments' HTTP API: an operator's view of an order's charge, refunds and ledger.
// Money only moves through the activities, driven by the order saga.
import { createRoute } from '@hono/zod-openapi';
import { assertAdmin } from '../../shared/http/caller.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { problem } from '../../shared/problem.js';
import { OrderIdParam, PaymentView } from './schemas.js';
import type { PaymentsStore } from './store.js';

const getPayment = createRoute({
  method: 'get', path: '/payments/{orderId}', tags: ['payments'],
  request: { params: OrderIdParam },
  responses: {
    200: { content: { 'application/json': { schema: PaymentView } }, description: 'charge, refunds and ledger of the order' },
    403: { description: 'administrators only' },
    404: { description: 'no payment for the order' },
  },
});

export function createPaymentsApp(deps: { store: PaymentsStore; appOptions: ServiceAppOptions }): ServiceApp {
  const app = createServiceApp(deps.appOptions);
  app.openapi(getPayment, async (c) => {
    assertAdmin(c);
    const view = await deps.store.view(c.req.valid('param').orderId);
    if (!view) throw problem.notFound('no payment for this order');
    return c.json(view, 200);
  });
  return app;
}
