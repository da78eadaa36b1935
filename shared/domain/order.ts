// An order as every process sees it: its lines, where it goes, how it is paid,
// the events of its log and the read model folded from them. The gateway, the
// activities and the services all derive their schemas and types from these.
import { z } from 'zod';
import { OrderId, ShipmentId, Sku, UserId } from './ids.js';
import { AmountCents, Currency } from './money.js';
import { singleLine } from './text.js';
import { CANCELLATION_REASONS, ORDER_STATUSES, type OrderEventType } from './vocabulary.js';

/** Units of one product in one line (of an order or a cart). */
export const MAX_QUANTITY = 99;
/** Lines of one order or cart. */
export const MAX_LINES = 50;

export const Quantity = z.number().int().min(1).max(MAX_QUANTITY);
/**
 * A line of a cart or an order: what the customer buys. Strict, so a field the shop does not
 * know is a 400, not silently dropped. Inventory and shipping take a StockLine (stock.ts).
 */
export const OrderLine = z.object({ sku: Sku, quantity: Quantity }).strict().meta({ id: 'OrderLine' });
export type OrderLine = z.infer<typeof OrderLine>;
export const OrderLines = z.array(OrderLine).min(1).max(MAX_LINES);

export const ShippingAddress = z
  .object({
    name: singleLine(1, 100),
    line1: singleLine(1, 200),
    line2: singleLine(0, 200).optional(),
    city: singleLine(1, 100),
    postalCode: singleLine(1, 20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country code such as DE'),
  })
  .strict()
  .meta({ id: 'ShippingAddress' });
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const PaymentToken = z
  .string()
  .regex(/^tok_[A-Za-z0-9_]{1,60}$/, 'a payment token such as tok_visa')
  .meta({ example: 'tok_visa' });

export const OrderStatus = z.enum(ORDER_STATUSES);
export const CancellationReason = z.enum(CANCELLATION_REASONS);

/** A line as priced for one order: the price is a snapshot, later price changes do not touch it. */
export const PricedLine = OrderLine.extend({ name: z.string(), unitPriceCents: AmountCents });
export type PricedLine = z.infer<typeof PricedLine>;
export const PriceSnapshot = z.object({ orderId: OrderId, lines: z.array(PricedLine), totalCents: AmountCents, currency: Currency });
export type PriceSnapshot = z.infer<typeof PriceSnapshot>;

export const Shipment = z.object({ shipmentId: ShipmentId, trackingNumber: z.string() });

/** What a customer orders; the gateway validates it, the saga carries it. */
export const OrderRequest = z.object({ items: OrderLines, paymentToken: PaymentToken, shippingAddress: ShippingAddress }).strict();
export type OrderRequest = z.infer<typeof OrderRequest>;

/** Where a customer's mail goes: what the confirmation of an order needs of their account. */
export interface Contact {
  email: string;
}

const empty = z.object({}).strict();

/** The data each event of an order's log carries, by type. */
export const ORDER_EVENT_DATA = {
  OrderPlaced: z.object({
    customerId: UserId,
    items: OrderLines,
    shippingAddress: ShippingAddress,
    requestId: z.string().max(200).optional(),
  }),
  OrderPriced: z.object({ lines: z.array(PricedLine), totalCents: AmountCents, currency: Currency }),
  StockReserved: empty,
  PaymentCaptured: z.object({ chargeId: z.string(), amountCents: AmountCents }),
  ApprovalRequested: z.object({ thresholdCents: AmountCents }),
  OrderApproved: z.object({ approvedBy: UserId }),
  OrderConfirmed: empty,
  StockCommitted: empty,
  OrderShipped: Shipment,
  OrderDelivered: empty,
  StockReleased: empty,
  PaymentRefunded: z.object({ refundId: z.string(), amountCents: AmountCents }),
  OrderCancelled: z.object({ reason: CancellationReason }),
  OrderFailed: z.object({ reason: z.string().max(2000) }),
} satisfies Record<OrderEventType, z.ZodType>;

type EventSchemas = typeof ORDER_EVENT_DATA;
const eventSchema = <T extends OrderEventType>(type: T) => z.object({ type: z.literal(type), data: ORDER_EVENT_DATA[type] });

/** One event as the saga records it: the data is checked against its type. */
export const OrderEvent = z.discriminatedUnion('type', [
  eventSchema('OrderPlaced'),
  eventSchema('OrderPriced'),
  eventSchema('StockReserved'),
  eventSchema('PaymentCaptured'),
  eventSchema('ApprovalRequested'),
  eventSchema('OrderApproved'),
  eventSchema('OrderConfirmed'),
  eventSchema('StockCommitted'),
  eventSchema('OrderShipped'),
  eventSchema('OrderDelivered'),
  eventSchema('StockReleased'),
  eventSchema('PaymentRefunded'),
  eventSchema('OrderCancelled'),
  eventSchema('OrderFailed'),
]);
export type OrderEvent = { [T in OrderEventType]: { type: T; data: z.infer<EventSchemas[T]> } }[OrderEventType];

/** A line as the order's record holds it: as ordered, then as priced once the order is. */
export const RecordedLine = PricedLine.partial({ name: true, unitPriceCents: true });
export type RecordedLine = z.infer<typeof RecordedLine>;

/** The order's read model (orders service): what its events say so far. */
export const OrderRecord = z
  .object({
    orderId: OrderId,
    customerId: UserId,
    status: OrderStatus,
    items: z.array(RecordedLine),
    totalCents: AmountCents.optional(),
    currency: Currency.optional(),
    shippingAddress: ShippingAddress.optional(),
    cancellation: z.object({ reason: CancellationReason }).optional(),
    failure: z.object({ reason: z.string() }).optional(),
    shipment: Shipment.optional(),
    approvedBy: UserId.optional(),
    requestId: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'OrderRecord' });
export type OrderRecord = z.infer<typeof OrderRecord>;
