// In-memory stand-ins for every service's activities, for the saga's branch
// tests: each records its calls, and any of them can be replaced per test.
// (Every branch family also runs once on the real activities: test/e2e/.)
import { ApplicationFailure } from '@temporalio/common';
import type { CatalogActivities } from '../../services/catalog/temporal/catalogue.js';
import type { InventoryActivities } from '../../services/inventory/temporal/catalogue.js';
import type { NotificationsActivities } from '../../services/notifications/temporal/catalogue.js';
import type { OrdersActivities } from '../../services/orders/temporal/catalogue.js';
import type { PaymentsActivities } from '../../services/payments/temporal/catalogue.js';
import type { ShippingActivities } from '../../services/shipping/temporal/catalogue.js';
import type { UsersActivities } from '../../services/users/temporal/catalogue.js';
import { usersTaskQueue } from '../../services/users/temporal/contract.js';
import { catalogTaskQueue } from '../../services/catalog/temporal/contract.js';
import { inventoryTaskQueue } from '../../services/inventory/temporal/contract.js';
import { ordersTaskQueue } from '../../services/orders/temporal/contract.js';
import { paymentsTaskQueue } from '../../services/payments/temporal/contract.js';
import { notificationsTaskQueue } from '../../services/notifications/temporal/contract.js';
import { shippingTaskQueue } from '../../services/shipping/temporal/contract.js';

export interface Fakes {
  users: UsersActivities;
  catalog: CatalogActivities;
  inventory: InventoryActivities;
  payments: PaymentsActivities;
  orders: OrdersActivities;
  notifications: NotificationsActivities;
  shipping: ShippingActivities;
}

export interface Calls {
  /** Activity names in call order, e.g. 'reserveStock'. */
  names: string[];
  events: string[];
  /** `to`: the address the workflow gave, if any. */
  notifications: Array<{ key: string; template: string; userId: string; to?: string }>;
  /** Successful money movements: one entry per effect. */
  charged: number;
  refunded: number;
}

const pong = (taskQueue: string) => () => Promise.resolve({ taskQueue });

export function createFakes(overrides: { [Q in keyof Fakes]?: Partial<Fakes[Q]> } = {}): { fakes: Fakes; calls: Calls } {
  const calls: Calls = { names: [], events: [], notifications: [], charged: 0, refunded: 0 };
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  const track = <T extends object>(group: T): T =>
    Object.fromEntries(
      Object.entries(group).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          calls.names.push(name);
          return await (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as T;

  const base: Fakes = {
    users: {
      getUserContact: ({ userId }) => Promise.resolve({ userId, email: `${userId}@example.com`, name: 'Ada' }),
      ping: pong('users'),
    },
    catalog: {
      priceOrder: ({ orderId, items }) => {
        const lines = items.map((i) => ({ ...i, name: i.sku, unitPriceCents: i.sku.startsWith('PRICEY') ? 150_000 : 1_000 }));
        return Promise.resolve({
          orderId,
          lines,
          totalCents: lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0),
          currency: 'EUR',
        });
      },
      ping: pong('catalog'),
    },
    inventory: {
      reserveStock: ({ orderId, lines }) => {
        if (lines.some((l) => l.sku.startsWith('SOLDOUT')))
          return Promise.reject(ApplicationFailure.nonRetryable('sold out', 'OutOfStock'));
        return Promise.resolve({ orderId, status: 'RESERVED' });
      },
      releaseStock: () => Promise.resolve({ released: true }),
      commitStock: () => Promise.resolve({ committed: true }),
      ping: pong('inventory'),
    },
    payments: {
      chargePayment: ({ orderId, amountCents, paymentToken }) => {
        if (paymentToken === 'tok_declined') return Promise.reject(ApplicationFailure.nonRetryable('card declined', 'PaymentDeclined'));
        if (once(`charge:${orderId}`)) calls.charged++;
        return Promise.resolve({ chargeId: `ch_${orderId}`, amountCents });
      },
      refundPayment: ({ orderId }) => {
        if (!seen.has(`charge:${orderId}`)) return Promise.resolve({ refunded: false, amountCents: 0 });
        if (once(`refund:${orderId}`)) calls.refunded++;
        return Promise.resolve({ refunded: true, refundId: `rf_${orderId}`, amountCents: 1_000 });
      },
      ping: pong('payments'),
    },
    orders: {
      recordOrderEvent: ({ event }) => {
        calls.events.push(event.type);
        return Promise.resolve({ version: calls.events.length });
      },
      recordOrderEvents: ({ events }) => {
        calls.events.push(...events.map((e) => e.type));
        return Promise.resolve({ version: calls.events.length });
      },
      ping: pong('orders'),
    },
    notifications: {
      sendNotification: ({ key, template, userId, to }) => {
        calls.notifications.push({ key, template, userId, ...(to ? { to } : {}) });
        return Promise.resolve({ notificationId: key });
      },
      ping: pong('notifications'),
    },
    shipping: {
      createShipment: ({ orderId }) => Promise.resolve({ shipmentId: `shp_${orderId}`, trackingNumber: 'SGS0000000001' }),
      recordCarrierEvent: () => Promise.resolve({ recorded: true }),
      cancelShipment: () => Promise.resolve({ cancelled: true }),
      ping: pong('shipping'),
    },
  };
  const merged = <Q extends keyof Fakes>(q: Q): Fakes[Q] => track({ ...base[q], ...overrides[q] });
  const fakes: Fakes = {
    users: merged('users'),
    catalog: merged('catalog'),
    inventory: merged('inventory'),
    payments: merged('payments'),
    orders: merged('orders'),
    notifications: merged('notifications'),
    shipping: merged('shipping'),
  };
  return { fakes, calls };
}

export const queueOf: Record<keyof Fakes, string> = {
  users: usersTaskQueue,
  catalog: catalogTaskQueue,
  inventory: inventoryTaskQueue,
  payments: paymentsTaskQueue,
  orders: ordersTaskQueue,
  notifications: notificationsTaskQueue,
  shipping: shippingTaskQueue,
};
