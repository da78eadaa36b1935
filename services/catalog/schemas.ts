import { z } from '@hono/zod-openapi';
import { Sku } from '../../shared/domain/ids.js';
import { Product, ProductFields } from '../../shared/domain/product.js';
import { limitParam } from '../../shared/pagination.js';

export { Product };
export const NewProductBody = Product.strict();
export const ProductUpdateBody = ProductFields.strict().openapi('ProductUpdate');
/** Products come in sku order: a page's cursor is the sku of its last product. */
export const SearchQuery = z.object({ q: z.string().max(100).optional(), limit: limitParam, cursor: Sku.optional() });
