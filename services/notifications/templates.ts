// The message of each template, rendered from the data the workflow sends.
import type { NotificationTemplate } from '../../shared/domain.js';

type Data = Record<string, string | number | boolean | null | undefined>;

const money = (cents: unknown, currency: unknown) => (typeof cents === 'number' ? `${(cents / 100).toFixed(2)} ${String(currency ?? '')}`.trim() : 'your total');

const TEMPLATES: Record<NotificationTemplate, (d: Data) => { subject: string; body: string }> = {
  order_confirmed: (d) => ({ subject: `Order ${d.orderId} confirmed`, body: `Thank you! Your order ${d.orderId} (${money(d.totalCents, d.currency)}) is confirmed.` }),
  order_cancelled: (d) => ({ subject: `Order ${d.orderId} cancelled`, body: `Your order ${d.orderId} was cancelled (${d.reason ?? 'no reason given'}). Anything charged has been refunded.` }),
  order_shipped: (d) => ({ subject: `Order ${d.orderId} shipped`, body: `Your order ${d.orderId} is on its way. Tracking number: ${d.trackingNumber}.` }),
  order_delivered: (d) => ({ subject: `Order ${d.orderId} delivered`, body: `Your order ${d.orderId} has been delivered. Enjoy!` }),
  welcome: (d) => ({ subject: 'Welcome to sagashop', body: `Hello ${d.name ?? 'there'}, welcome to sagashop!` }),
  reminder: (d) => ({ subject: 'Still looking?', body: `Hello ${d.name ?? 'there'}, your first order is only a few clicks away.` }),
  review_request: (d) => ({ subject: `How was order ${d.orderId}?`, body: `Tell us what you think of the products in order ${d.orderId}.` }),
  shipment_delayed: (d) => ({ subject: `Order ${d.orderId} is delayed`, body: `The carrier is late with order ${d.orderId}; we are on it.` }),
  operator_alert: (d) => ({ subject: `[ops] ${d.orderId ?? 'sagashop'} needs attention`, body: String(d.alert ?? d.reason ?? 'see the workflow in the Temporal Web UI') }),
};

export function render(template: NotificationTemplate, data: Data): { subject: string; body: string } {
  return TEMPLATES[template](data);
}
