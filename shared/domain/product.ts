import { z } from 'zod';
import { Sku } from './ids.js';
import { Currency, PriceCents } from './money.js';
import { multiLine, singleLine } from './text.js';

export const ProductFields = z.object({
  name: singleLine(1, 200),
  description: multiLine(2000),
  priceCents: PriceCents,
  currency: Currency,
});
export const Product = ProductFields.extend({ sku: Sku }).meta({ id: 'Product' });
export type Product = z.infer<typeof Product>;
