// Answers that a service gives and the gateway passes on as they are: one schema each,
// so the gateway's published contract cannot drift from what the service answers.
import { z } from '@hono/zod-openapi';
import { Sku } from '../domain/ids.js';
import { OrderLine } from '../domain/order.js';
import { Product } from '../domain/product.js';

/** A customer's cart: the lines an order would take. */
export const Cart = z.object({ items: z.array(OrderLine) }).openapi('Cart');
/** Products come in sku order: the cursor of a page is the sku of its last product. */
export const ProductPage = z.object({ items: z.array(Product), nextCursor: Sku.nullable() }).openapi('ProductPage');
