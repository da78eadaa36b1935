// The path parameters of every HTTP API (the gateway's and each service's), defined
// once: a resource is named by the same id, with the same pattern, wherever it is.
import { z } from '@hono/zod-openapi';
import { OrderId, ShipmentId, Sku, UserId } from '../domain/ids.js';
import { NotificationId } from '../domain/notification.js';

export const SkuParam = z.object({ sku: Sku });
export const OrderIdParam = z.object({ orderId: OrderId });
export const ShipmentIdParam = z.object({ shipmentId: ShipmentId });
export const NotificationIdParam = z.object({ notificationId: NotificationId });
export const UserIdParam = z.object({ userId: UserId });
