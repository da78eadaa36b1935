// Payments' HTTP API: an operator's view of an order's charge, refunds and ledger.
// Money only moves through the activities, driven by the order saga.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../../shared/http/authorize.js';
import { json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { OrderIdParam } from '../../shared/http/path-params.js';
import { PaymentView } from './schemas.js';
import type { PaymentsStore } from './store.js';

const getPayment = createRoute({
  method: 'get',
  path: '/payments/{orderId}',
  tags: ['payments'],
  middleware: [authorize('admin', 'system')] as const,
  request: { params: OrderIdParam },
  responses: {
    200: json(PaymentView, 'charge, refunds and ledger of the order'),
    403: { description: 'administrators only' },
    404: { description: 'no payment for the order' },
  },
});

export function createPaymentsApp(deps: { store: PaymentsStore; appOptions: ServiceAppOptions }) {
  return createServiceApp(deps.appOptions).openapi(getPayment, async (c) => {
    const view = await deps.store.view(c.req.valid('param').orderId);
    if (!view) throw new HttpProblem('not-found', { detail: 'no payment for this order' });
    return c.json(view, 200);
  });
}

export type PaymentsApp = ReturnType<typeof createPaymentsApp>;
