import { z } from '@hono/zod-openapi';

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'an upper-case sku such as TSHIRT-RED-M');
export const MAX_QUANTITY = 99;
export const MAX_LINES = 50;
export const AddItemBody = z.object({ sku: Sku, quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict().openapi('AddCartItem');
export const Cart = z.object({ items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })) }).openapi('Cart');
export const UserIdParam = z.object({ userId: z.string().min(1).max(100).openapi({ param: { name: 'userId', in: 'path' } }) });
export const ItemParams = UserIdParam.extend({ sku: Sku.openapi({ param: { name: 'sku', in: 'path' } }) });
