// What every gateway handler can reach: the per-request variables and the
// dependencies the app was built with.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Caller } from '../shared/auth/caller.js';
import type { Contact } from '../shared/domain/order.js';
import type { Tokens } from '../shared/auth/jwt.js';
import type { Logger } from '../shared/logger.js';
import type { HttpProblem } from '../shared/problem.js';
import type { Redis } from '../shared/redis.js';
import type { StallWatchdog } from '../shared/stall-watchdog.js';
import type { ServiceClient } from '../shared/http/service-client.js';
import type { CartApp } from '../services/cart/app.js';
import type { CatalogApp } from '../services/catalog/app.js';
import type { InventoryApp } from '../services/inventory/app.js';
import type { NotificationsApp } from '../services/notifications/app.js';
import type { OrdersApp } from '../services/orders/app.js';
import type { PaymentsApp } from '../services/payments/app.js';
import type { ShippingApp } from '../services/shipping/app.js';
import type { UsersApp } from '../services/users/app.js';
import type { GatewayConfig } from './config.js';

export type GatewayEnv = {
  Variables: {
    requestId: string;
    /** The signed-in caller, with the roles their account has now (gateway/auth/identify.ts). */
    caller?: Caller;
    /** The signed-in caller's address, as their account has it now: an order placed takes it along. */
    contact?: Contact;
    /** Credentials that were presented and refused; answered 401 after the rate limit has counted them. */
    credentialsRefused?: HttpProblem;
  };
};
export type GatewayApp = OpenAPIHono<GatewayEnv>;

/** One typed client per service, built from the service's own routes. */
export interface Services {
  users: ServiceClient<UsersApp>;
  catalog: ServiceClient<CatalogApp>;
  inventory: ServiceClient<InventoryApp>;
  cart: ServiceClient<CartApp>;
  orders: ServiceClient<OrdersApp>;
  payments: ServiceClient<PaymentsApp>;
  notifications: ServiceClient<NotificationsApp>;
  shipping: ServiceClient<ShippingApp>;
}

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  redis: Redis;
  temporal: Client;
  /** Access tokens: issued at login, checked on every request. */
  tokens: Tokens;
  services: Services;
  /** The process's stall watchdog, whose metrics /metrics shows too. */
  watchdog?: StallWatchdog;
}
