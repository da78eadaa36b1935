// Typed reads of JSON answers: a test parses the fields it reads with a small zod schema
// instead of walking an `any` body, so a body of another shape fails where it is read.
import { z } from 'zod';

/** The body of an answer, parsed by `schema` (zod drops the fields the schema does not name). */
export function bodyAs<T>(res: { body: unknown }, schema: z.ZodType<T>): T {
  return schema.parse(res.body);
}

/** POST /orders: the id of the order it accepted. */
export const OrderIdBody = z.object({ orderId: z.string() });
/** An order, or the saga's answer: its status. */
export const StatusBody = z.object({ status: z.unknown().optional() });
/** A problem+json answer's status. */
export const ProblemStatusBody = z.object({ status: z.unknown().optional() });
/** An order: its shipment, once there is one. */
export const ShipmentBody = z.object({ shipment: z.object({ shipmentId: z.string() }).nullish() });
/** GET /me: the caller's roles. */
export const RolesBody = z.object({ roles: z.array(z.string()) });
/** POST /auth/login. */
export const TokenBody = z.object({ accessToken: z.string() });
/** A created resource (POST /auth/register). */
export const IdBody = z.object({ id: z.string() });
/** A problem+json answer's explanation. */
export const DetailBody = z.object({ detail: z.string() });
/** A validation problem: the list of what was wrong. */
export const ErrorsBody = z.object({ errors: z.array(z.unknown()) });
/** GET /health/ready: its checks, by name. */
export const ChecksBody = z.object({ checks: z.record(z.string(), z.unknown()) });
/** A list answer: its items. */
export const ItemsBody = z.object({ items: z.array(z.unknown()) });
/** An OpenAPI document: its paths. */
export const PathsBody = z.object({ paths: z.record(z.string(), z.unknown()) });
/** GET /orders/{orderId}/events: the order's history, each event's type and data (its other fields kept). */
export const OrderEventsBody = z.object({ items: z.array(z.looseObject({ type: z.string(), data: z.record(z.string(), z.unknown()) })) });
/** An order once it has its shipment: until then its answer does not read as this. */
export const ShippedOrderBody = StatusBody.extend({ shipment: z.object({ shipmentId: z.string() }) });
/** Any JSON object, every key kept: for a test that checks which fields an answer has. */
export const JsonObjectBody = z.record(z.string(), z.unknown());
/** A page of a cursor-paginated list: its items, each read by `item`, and the cursor of the next page. */
export const pageOf = <T>(item: z.ZodType<T>) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** The body parsed by `schema`, or undefined when it has another shape: a poll reads a passing 503 or an empty answer as "not yet". */
export function tryBodyAs<T>(res: { body: unknown }, schema: z.ZodType<T>): T | undefined {
  return schema.safeParse(res.body).data;
}
/** An order that has its shipment. */
export const ShippedBody = z.object({ shipment: z.object({ shipmentId: z.string() }) });
/** A 409 on an order: the status the order was in. */
export const OrderStatusBody = z.object({ orderStatus: z.unknown() });
/** What a wait on an order reads: its status and its shipment, once there is one. */
export const OrderStateBody = StatusBody.extend(ShipmentBody.shape);
/** An order's saga: the compensations it ran. */
export const CompensationsBody = z.object({ saga: z.object({ compensations: z.array(z.unknown()) }) });
/** An order's event log: the type of each event. */
export const EventTypesBody = z.object({ items: z.array(z.object({ type: z.string() })) });
