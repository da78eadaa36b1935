import { z } from '@hono/zod-openapi';
import { limitParam } from '../../shared/pagination.js';

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'an upper-case sku such as TSHIRT-RED-M');
const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
};
export const Product = z.object({ sku: Sku, ...fields }).openapi('Product');
export const NewProductBody = z.object({ sku: Sku, ...fields }).strict();
export const ProductUpdateBody = z.object(fields).strict().openapi('ProductUpdate');
export const ProductPage = z.object({ items: z.array(Product), nextCursor: z.string().nullable() }).openapi('ProductPage');
export const SkuParam = z.object({ sku: Sku.openapi({ param: { name: 'sku', in: 'path' } }) });
export const SearchQuery = z.object({ q: z.string().max(100).optional(), limit: limitParam, cursor: z.string().max(500).optional() });
export const CursorPosition = z.object({ sku: z.string() });
