// The public API's schemas: they validate every request and generate /openapi.json.
// Every field is a plain string/number with bounds, so operator-injection bodies
// such as {"email": {"$ne": ""}} fail validation with 400 before reaching a service.
import { z } from '@hono/zod-openapi';
import { CANCELLATION_REASONS, CARRIER_EVENT_TYPES, ORDER_STATUSES } from '../shared/domain/vocabulary.js';

export const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string().optional(), errors: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
  .openapi('Problem');

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'an upper-case sku such as TSHIRT-RED-M').openapi({ example: 'TSHIRT-RED-M' });
const Email = z.email().max(254).openapi({ example: 'ada@example.com' });

export const RegisterBody = z
  .object({ email: Email, password: z.string().min(8).max(128), name: z.string().trim().min(1).max(100) })
  .strict()
  .openapi('Register');
export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(128) }).strict().openapi('Login');
export const Token = z.object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() }).openapi('Token');
export const PublicUser = z.object({ id: z.string(), email: z.string(), name: z.string() }).openapi('RegisteredUser');
export const Me = z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.string()) }).openapi('Me');

export const Product = z
  .object({ sku: Sku, name: z.string().min(1).max(200), description: z.string().max(2000), priceCents: z.number().int().min(0).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/) })
  .openapi('Product');
export const ProductBody = Product.strict();
export const ProductUpdateBody = Product.omit({ sku: true }).strict().openapi('ProductUpdate');
export const ProductPage = z.object({ items: z.array(Product), nextCursor: z.string().nullable() }).openapi('ProductPage');
export const ProductQuery = z.object({
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(500).optional(),
});

export const StockLevel = z.object({ sku: Sku, available: z.number().int(), reserved: z.number().int() }).openapi('StockLevel');
export const SetStockBody = z.object({ available: z.number().int().min(0).max(10_000_000) }).strict().openapi('SetStock');

export const OrderLine = z.object({ sku: Sku, quantity: z.number().int().min(1).max(99) }).strict().openapi('OrderLine');
export const Cart = z.object({ items: z.array(OrderLine) }).openapi('Cart');

export const ShippingAddress = z
  .object({
    name: z.string().trim().min(1).max(100),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code such as DE'),
  })
  .strict()
  .openapi('ShippingAddress');
const PaymentToken = z.string().regex(/^tok_[A-Za-z0-9_]{1,60}$/, 'a payment token such as tok_visa').openapi({ example: 'tok_visa' });

export const PlaceOrderBody = z
  .object({ items: z.array(OrderLine).min(1).max(50), paymentToken: PaymentToken, shippingAddress: ShippingAddress })
  .strict()
  .openapi('PlaceOrder');
export const CheckoutBody = z.object({ paymentToken: PaymentToken, shippingAddress: ShippingAddress }).strict().openapi('Checkout');
export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').openapi({ param: { name: 'idempotency-key', in: 'header', description: 'Idempotency-Key (header names are case-insensitive)' }, example: 'c0ffee-1' }),
});
/** RFC 7240: `Prefer: wait=N` (seconds, at most 30) answers once the saga has settled. */
export const PreferHeader = z.object({
  prefer: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'prefer', in: 'header', description: 'RFC 7240 preferences; `wait=N` (seconds, at most 30) waits for the saga to settle' }, example: 'wait=10' }),
});
export const OrderAccepted = z
  .object({ orderId: z.string(), status: z.enum(ORDER_STATUSES), links: z.object({ self: z.string() }) })
  .openapi('OrderAccepted');

const Step = z.object({ name: z.string(), status: z.string(), error: z.string().optional() });
export const OrderView = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    status: z.enum(ORDER_STATUSES),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int().optional() })),
    totalCents: z.number().int().nullable(),
    currency: z.string().nullable(),
    cancellation: z.object({ reason: z.enum(CANCELLATION_REASONS) }).optional(),
    failure: z.object({ reason: z.string() }).optional(),
    shipment: z.object({ shipmentId: z.string(), trackingNumber: z.string() }).optional(),
    saga: z.object({ steps: z.array(Step), compensations: z.array(Step) }),
    createdAt: z.string().nullable(),
  })
  .openapi('Order');
export const OrderSummary = z
  .object({ orderId: z.string(), status: z.enum(ORDER_STATUSES), totalCents: z.number().int().nullable(), currency: z.string().nullable(), createdAt: z.string() })
  .openapi('OrderSummary');
export const OrderPage = z.object({ items: z.array(OrderSummary), nextCursor: z.string().nullable() }).openapi('OrderPage');
export const OrderEvents = z.object({ items: z.array(z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) })) }).openapi('OrderEvents');
export const OrderStatusAnswer = z.object({ orderId: z.string(), status: z.enum(ORDER_STATUSES) }).openapi('OrderStatus');
export const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(500).optional() });

export const CarrierEventBody = z.object({ type: z.enum(CARRIER_EVENT_TYPES), at: z.iso.datetime({ offset: true }) }).strict().openapi('CarrierEvent');

export const Notification = z
  .object({ id: z.string(), channel: z.string(), template: z.string(), subject: z.string().optional(), body: z.string().optional(), createdAt: z.string(), readAt: z.string().nullable().optional() })
  .openapi('Notification');
export const NotificationPage = z.object({ items: z.array(Notification), nextCursor: z.string().nullable().optional() }).openapi('NotificationPage');
export const NotificationQuery = ListQuery.extend({ unread: z.enum(['true', 'false']).optional() });

export const Dashboard = z
  .object({ user: Me.nullable(), recentOrders: z.array(OrderSummary).nullable(), unreadNotifications: z.array(Notification).nullable(), degraded: z.array(z.string()) })
  .openapi('Dashboard');

const Id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
export const SkuParam = z.object({ sku: Sku.openapi({ param: { name: 'sku', in: 'path' } }) });
export const OrderIdParam = z.object({ orderId: Id.openapi({ param: { name: 'orderId', in: 'path' } }) });
export const ShipmentIdParam = z.object({ shipmentId: Id.openapi({ param: { name: 'shipmentId', in: 'path' } }) });
/** Notification ids are their idempotency keys, such as `<orderId>:order_confirmed`. */
const NotificationId = z.string().min(1).max(300).regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits, _ : . and - only');
export const NotificationIdParam = z.object({ notificationId: NotificationId.openapi({ param: { name: 'notificationId', in: 'path' } }) });
