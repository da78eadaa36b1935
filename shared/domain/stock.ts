import { z } from 'zod';
import { Sku } from './ids.js';

export const MAX_STOCK = 10_000_000;

export const StockLevel = z
  .object({ sku: Sku, available: z.number().int().min(0), reserved: z.number().int().min(0) })
  .meta({ id: 'StockLevel' });
export type StockLevel = z.infer<typeof StockLevel>;
export const SetStock = z
  .object({ available: z.number().int().min(0).max(MAX_STOCK) })
  .strict()
  .meta({ id: 'SetStock' });
