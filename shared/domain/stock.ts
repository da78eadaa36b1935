// Stock as inventory and shipping see it: units of a sku, whatever an order or a
// cart does with them (a price, an option) is not theirs to know.
import { z } from 'zod';
import { Sku } from './ids.js';
import { MAX_LINES, Quantity } from './order.js';

export const MAX_STOCK = 10_000_000;

/**
 * Units of one sku to hold, commit, release or ship. Not strict, unlike the order line: a
 * commerce line given where stock is meant arrives as its sku and quantity only, its other
 * fields dropped, instead of being refused. Two commerce lines of one sku that differ in
 * something else (gift-wrapped or not) are two stock lines of that sku, and inventory holds
 * their sum: a unit on the shelf is the same unit either way.
 */
export const StockLine = z.object({ sku: Sku, quantity: Quantity });
export type StockLine = z.infer<typeof StockLine>;
export const StockLines = z.array(StockLine).min(1).max(MAX_LINES);

export const StockLevel = z
  .object({ sku: Sku, available: z.number().int().min(0), reserved: z.number().int().min(0) })
  .meta({ id: 'StockLevel' });
export type StockLevel = z.infer<typeof StockLevel>;
export const SetStock = z
  .object({ available: z.number().int().min(0).max(MAX_STOCK) })
  .strict()
  .meta({ id: 'SetStock' });
