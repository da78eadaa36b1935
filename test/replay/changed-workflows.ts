// A deliberately incompatible edit of the order saga (pricing moved before the
// order is recorded), to prove that the replay test catches such a change.
import { proxyActivities } from '@temporalio/workflow';
import type { CatalogActivities } from '../../services/catalog/temporal/catalogue.js';
import type { OrderSagaInput, OrderSagaResult } from '../../services/orders/temporal/contract.js';
import { catalogTaskQueue } from '../../services/catalog/temporal/contract.js';

export { fulfilment } from '../../workflows/fulfilment.js';
export { onboarding } from '../../workflows/onboarding.js';

const catalog = proxyActivities<CatalogActivities>({ taskQueue: catalogTaskQueue, startToCloseTimeout: '10s' });

export async function orderSaga(input: OrderSagaInput): Promise<OrderSagaResult> {
  await catalog.priceOrder({ orderId: input.orderId, items: input.items });
  return { orderId: input.orderId, status: 'FAILED', failure: { reason: 'changed' } };
}
