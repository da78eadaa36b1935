// Every part of the shop by name: the services and the gateway, as each one's
// process.ts defines it (the same definitions their own main.ts runs alone),
// each as a function that starts it in a given Node process.
import { gatewayProcess } from '../gateway/process.js';
import { cartProcess } from '../services/cart/process.js';
import { catalogProcess } from '../services/catalog/process.js';
import { inventoryProcess } from '../services/inventory/process.js';
import { notificationsProcess } from '../services/notifications/process.js';
import { ordersProcess } from '../services/orders/process.js';
import { paymentsProcess } from '../services/payments/process.js';
import { shippingProcess } from '../services/shipping/process.js';
import { usersProcess } from '../services/users/process.js';
import type { CommonConfig } from '../shared/config.js';
import type { ServiceName } from '../shared/domain/vocabulary.js';
import type { NodeProcess, ProcessDefinition } from '../shared/process.js';

/** Starts a part in `node` with `env`; resolves with the URL it listens on. */
export type StartPart = (node: NodeProcess, env: NodeJS.ProcessEnv) => Promise<string>;

// Each definition keeps its own configuration type inside; the table holds them side by side.
const part =
  <C extends CommonConfig>(definition: ProcessDefinition<C>): StartPart =>
  (node, env) =>
    node.start(definition, env);

export const PARTS: Record<ServiceName | 'gateway', StartPart> = {
  users: part(usersProcess),
  catalog: part(catalogProcess),
  inventory: part(inventoryProcess),
  cart: part(cartProcess),
  orders: part(ordersProcess),
  payments: part(paymentsProcess),
  notifications: part(notificationsProcess),
  shipping: part(shippingProcess),
  gateway: part(gatewayProcess),
};
