// The public API's schemas: they validate every request and generate /openapi.json,
// so the published contract is the one enforced. Whatever the services also know
// (ids, products, orders, addresses, text rules) comes from shared/domain, with
// its patterns, limits and examples. Every field is a plain string or number with
// bounds, so operator-injection bodies such as {"email": {"$ne": ""}} are 400s.
import { z } from '@hono/zod-openapi';
import { Notification as StoredNotification } from '../shared/domain/notification.js';
import { OrderId, Sku, UserId } from '../shared/domain/ids.js';
import { AmountCents, Currency } from '../shared/domain/money.js';
import { OrderLine, OrderRecord, OrderRequest, OrderStatus, RecordedLine } from '../shared/domain/order.js';
import { Product, ProductFields } from '../shared/domain/product.js';
import { SetStock, StockLevel } from '../shared/domain/stock.js';
import { boundedString } from '../shared/domain/text.js';
import { Email, Password, PersonName, Role } from '../shared/domain/user.js';
import { CARRIER_EVENT_TYPES, ORDER_EVENT_TYPES } from '../shared/domain/vocabulary.js';
import { TimeCursor } from '../shared/pagination.js';
import { PROBLEM_TYPE_BASE, PROBLEM_TYPES } from '../shared/problem.js';

export { OrderLine, Product, StockLevel };

export const Problem = z
  .object({
    type: z.enum(Object.keys(PROBLEM_TYPES).map((t) => `${PROBLEM_TYPE_BASE}${t}`) as [string, ...string[]]),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'validation problems: every field that failed' }),
  })
  .openapi('Problem', {
    description: 'RFC 9457 problem details; some problems add members, e.g. `orderStatus` on a refused cancel or approve',
  });

// Accounts
export const RegisterBody = z.object({ email: Email, password: Password, name: PersonName }).strict().openapi('Register');
export const LoginBody = z
  .object({ email: Email, password: z.string().min(1).max(128) })
  .strict()
  .openapi('Login');
export const Token = z.object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() }).openapi('Token');
export const PublicUser = z.object({ id: UserId, email: z.string(), name: z.string() }).openapi('RegisteredUser');
export const Me = z.object({ id: UserId, email: z.string(), name: z.string(), roles: z.array(z.string()) }).openapi('Me');
export const Account = z
  .object({ id: UserId, email: z.string(), name: z.string(), roles: z.array(z.string()), active: z.boolean() })
  .openapi('Account');
export const RolesBody = z
  .object({ roles: z.array(Role).min(1).max(3) })
  .strict()
  .openapi('Roles');

// Catalog and stock
export const ProductBody = Product.strict();
export const ProductUpdateBody = ProductFields.strict().openapi('ProductUpdate');
const Limit = z.coerce.number().int().min(1).max(100).optional().openapi({ description: 'page size (default 20)' });
/** Products come in sku order: the cursor of a page is the sku of its last product. */
const SkuCursor = Sku.optional().openapi({ description: 'nextCursor of the previous page (the sku after which to continue)' });
export const ProductQuery = z.object({ q: z.string().max(100).optional(), limit: Limit, cursor: SkuCursor });
export const SetStockBody = SetStock;

// Cart and orders
export const PlaceOrderBody = OrderRequest.openapi('PlaceOrder');
export const CheckoutBody = OrderRequest.omit({ items: true }).strict().openapi('Checkout');
export const IdempotencyKey = boundedString(255)
  .min(1)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
export const IdempotencyHeader = z.object({
  'idempotency-key': IdempotencyKey.openapi({
    param: {
      name: 'idempotency-key',
      in: 'header',
      description: 'the same key with the same body answers the first answer again; with another body 422',
    },
    example: 'c0ffee-1',
  }),
});
/** RFC 7240: `Prefer: wait=N` (seconds, at most 30) answers once the saga has settled; other preferences are ignored. */
/** An optional key on cancel and approve: a resend with the same key gets the first request's answer, from the order's saga. */
export const DecisionKeyHeader = z.object({
  'idempotency-key': IdempotencyKey.optional().openapi({
    param: {
      name: 'idempotency-key',
      in: 'header',
      description:
        "optional; a resend with the same key is the same decision and gets the first one's answer (also once the order is final)",
    },
    example: 'c0ffee-2',
  }),
});
export const PreferHeader = z.object({
  prefer: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: {
        name: 'prefer',
        in: 'header',
        description: 'RFC 7240 preferences; `wait=N` (seconds, at most 30) waits for the saga to settle',
      },
      example: 'wait=10',
    }),
});
export const OrderAccepted = z
  .object({ orderId: OrderId, status: z.literal('PENDING'), links: z.object({ self: z.string() }) })
  .openapi('OrderAccepted');

// The order as the public API shows it, derived from its record (shared/domain/order.ts):
// a field of the record's lines is a field of the view's lines; the record's top-level
// fields are picked one by one, since some (the address, the request id) are not shown.
// Until the saga has priced the order its total and currency are null, as is its
// creation time until the order is recorded.
const Step = z.object({ name: z.string(), status: z.string(), error: z.string().optional() });
/** A line as shown: as recorded, without the product name the record keeps for its own readers. */
export const OrderViewLine = RecordedLine.omit({ name: true });
export type OrderViewLine = z.infer<typeof OrderViewLine>;
export const OrderView = OrderRecord.pick({
  orderId: true,
  customerId: true,
  status: true,
  items: true,
  totalCents: true,
  currency: true,
  cancellation: true,
  failure: true,
  shipment: true,
})
  .extend({
    items: z.array(OrderViewLine),
    totalCents: AmountCents.nullable(),
    currency: Currency.nullable(),
    saga: z.object({ steps: z.array(Step), compensations: z.array(Step) }),
    createdAt: z.iso.datetime().nullable(),
  })
  .openapi('Order');
export type OrderView = z.infer<typeof OrderView>;
/** One order in a list: its id, where it stands and what it costs. */
export const OrderSummary = OrderRecord.pick({ orderId: true, status: true, totalCents: true, currency: true, createdAt: true })
  .extend({ totalCents: AmountCents.nullable(), currency: Currency.nullable() })
  .openapi('OrderSummary');
export type OrderSummary = z.infer<typeof OrderSummary>;
export const OrderPage = z.object({ items: z.array(OrderSummary), nextCursor: TimeCursor.nullable() }).openapi('OrderPage');
export const OrderEvents = z
  .object({ items: z.array(z.object({ type: z.enum(ORDER_EVENT_TYPES), at: z.iso.datetime(), data: z.record(z.string(), z.unknown()) })) })
  .openapi('OrderEvents');
export const OrderStatusAnswer = z.object({ orderId: OrderId, status: OrderStatus }).openapi('OrderStatus');
const Cursor = TimeCursor.optional().openapi({ description: 'nextCursor of the previous page' });
export const ListQuery = z.object({ limit: Limit, cursor: Cursor });

// Shipping, notifications, dashboard
export const CarrierEventBody = z
  .object({ type: z.enum(CARRIER_EVENT_TYPES), at: z.iso.datetime({ offset: true }) })
  .strict()
  .openapi('CarrierEvent');
export const CarrierEventAccepted = z.object({ accepted: z.literal(true) }).openapi('CarrierEventAccepted');
export const Notification = StoredNotification.omit({ userId: true, status: true }).openapi('Notification');
export const NotificationPage = z.object({ items: z.array(Notification), nextCursor: TimeCursor.nullable() }).openapi('NotificationPage');
export const NotificationQuery = ListQuery.extend({ unread: z.enum(['true', 'false']).optional() });
export const Dashboard = z
  .object({
    user: Me.nullable(),
    recentOrders: z.array(OrderSummary).nullable(),
    unreadNotifications: z.array(Notification).nullable(),
    degraded: z.array(z.string()),
  })
  .openapi('Dashboard');
