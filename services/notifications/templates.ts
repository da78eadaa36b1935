// The message of each template, rendered from the data the workflow sends.
import type { NotificationTemplate } from '../../shared/domain/vocabulary.js';

type Data = Record<string, string | number | boolean | null | undefined>;

/** A missing value reads as a placeholder, never as "undefined" in a customer's inbox. */
const text = (value: Data[string], fallback = '(unknown)') =>
  value === undefined || value === null || value === '' ? fallback : String(value);
const money = (cents: Data[string], currency: Data[string]) =>
  typeof cents === 'number' ? `${(cents / 100).toFixed(2)} ${String(currency ?? '')}`.trim() : 'your total';

const TEMPLATES: Record<NotificationTemplate, (d: Data) => { subject: string; body: string }> = {
  order_confirmed: (d) => ({
    subject: `Order ${text(d.orderId)} confirmed`,
    body: `Thank you! Your order ${text(d.orderId)} (${money(d.totalCents, d.currency)}) is confirmed.`,
  }),
  order_cancelled: (d) => ({
    subject: `Order ${text(d.orderId)} cancelled`,
    body: `Your order ${text(d.orderId)} was cancelled (${text(d.reason, 'no reason given')}). Anything charged has been refunded.`,
  }),
  order_shipped: (d) => ({
    subject: `Order ${text(d.orderId)} shipped`,
    body: `Your order ${text(d.orderId)} is on its way. Tracking number: ${text(d.trackingNumber)}.`,
  }),
  order_delivered: (d) => ({
    subject: `Order ${text(d.orderId)} delivered`,
    body: `Your order ${text(d.orderId)} has been delivered. Enjoy!`,
  }),
  welcome: (d) => ({ subject: 'Welcome to sagashop', body: `Hello ${text(d.name, 'there')}, welcome to sagashop!` }),
  reminder: (d) => ({ subject: 'Still looking?', body: `Hello ${text(d.name, 'there')}, your first order is only a few clicks away.` }),
  review_request: (d) => ({
    subject: `How was order ${text(d.orderId)}?`,
    body: `Tell us what you think of the products in order ${text(d.orderId)}.`,
  }),
  shipment_delayed: (d) => ({
    subject: `Order ${text(d.orderId)} is delayed`,
    body: `The carrier is late with order ${text(d.orderId)}; we are on it.`,
  }),
  operator_alert: (d) => ({
    subject: `[ops] ${text(d.orderId, 'sagashop')} needs attention`,
    body: text(d.alert ?? d.reason, 'see the workflow in the Temporal Web UI'),
  }),
};

export function render(template: NotificationTemplate, data: Data): { subject: string; body: string } {
  return TEMPLATES[template](data);
}
