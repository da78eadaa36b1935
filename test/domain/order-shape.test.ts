// The order's shape is written once (OrderRecord and its lines, shared/domain/order.ts)
// and everything else is derived from it: the store's copy, the saga's live state and
// the gateway's views. The types prove the derivation (`npm run check` type-checks this
// file); the run proves that a field added to a line is not dropped on its way from
// the event log through the read model to the public view.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OrderSummary, OrderView, OrderViewLine } from '../../gateway/schemas.js';
import type { EveryField } from '../../gateway/orders/every-field.js';
import { orderView } from '../../gateway/orders/view.js';
import { project, toRecord, type StoredEvent, type StoredOrder } from '../../services/orders/projection.js';
import type { OrderLine, OrderRecord, PricedLine, RecordedLine } from '../../shared/domain/order.js';
import type { StockLine } from '../../shared/domain/stock.js';
import type { SagaState } from '../../services/orders/temporal/contract.js';
import { inventoryCatalogue } from '../../services/inventory/temporal/catalogue.js';
import { mergeLines } from '../../services/inventory/store.js';

describe('the order shape, derived', () => {
  it('gives every copy of the order the fields of the record', () => {
    expectTypeOf<StoredOrder['items']>().toEqualTypeOf<OrderRecord['items']>();
    expectTypeOf<Omit<StoredOrder, 'createdAt' | 'updatedAt'>>().toEqualTypeOf<Omit<OrderRecord, 'createdAt' | 'updatedAt'>>();
    expectTypeOf<OrderRecord['items'][number]>().toEqualTypeOf<RecordedLine>();
    // A recorded line is an ordered line, priced once the order is.
    expectTypeOf<RecordedLine>().toExtend<OrderLine>();
    expectTypeOf<PricedLine>().toExtend<RecordedLine>();
    // The public line is the recorded one without the product name.
    expectTypeOf<OrderViewLine>().toEqualTypeOf<Omit<RecordedLine, 'name'>>();
    expectTypeOf<SagaState['cancellation']>().toEqualTypeOf<OrderRecord['cancellation']>();
    expectTypeOf<SagaState['shipment']>().toEqualTypeOf<OrderRecord['shipment']>();
    expectTypeOf<OrderSummary['orderId']>().toEqualTypeOf<OrderRecord['orderId']>();
  });

  it('keeps the stock line apart from the commerce line', () => {
    expectTypeOf<StockLine>().toEqualTypeOf<{ sku: string; quantity: number }>();
    // Today an order line is nothing but its stock; the day it is more, inventory still takes it as stock.
    expectTypeOf<OrderLine>().toExtend<StockLine>();
  });

  it('holds the units of two lines of one sku that differ in something else, as one stock line', () => {
    // What the saga sends inventory: the order's lines, whatever else they carry.
    const { lines } = inventoryCatalogue.activities.reserveStock.input.parse({
      orderId: 'o-1',
      lines: [
        { sku: 'MUG-SAGA', quantity: 1, engraving: 'Ada' },
        { sku: 'MUG-SAGA', quantity: 2 },
      ],
    });
    expect(lines).toEqual([
      { sku: 'MUG-SAGA', quantity: 1 },
      { sku: 'MUG-SAGA', quantity: 2 },
    ]);
    expect(mergeLines(lines)).toEqual([{ sku: 'MUG-SAGA', quantity: 3 }]);
  });

  it('refuses a view built without one of its fields', () => {
    const view: OrderView = {
      orderId: 'o-1',
      customerId: 'u-1',
      status: 'PENDING',
      items: [],
      totalCents: null,
      currency: null,
      saga: { steps: [], compensations: [] },
      createdAt: null,
    };
    // @ts-expect-error: `cancellation`, `failure` and `shipment` are optional in the view, not in its mapper.
    const missing: EveryField<OrderView> = view;
    const complete: EveryField<OrderView> = { ...view, cancellation: undefined, failure: undefined, shipment: undefined };
    expect(missing).toEqual(complete);
  });

  it('carries a field added to a line from the event log through the read model to the public view', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    // A line with a field the shop does not know yet: every step must pass it on.
    const giftWrapped = { sku: 'MUG-SAGA', quantity: 1, name: 'Saga mug', unitPriceCents: 1200, engraving: 'Ada' };
    const events: StoredEvent[] = [
      {
        orderId: 'o-1',
        version: 1,
        type: 'OrderPlaced',
        data: { customerId: 'u-1', items: [{ sku: 'MUG-SAGA', quantity: 1 }], shippingAddress: address },
        at,
      },
      { orderId: 'o-1', version: 2, type: 'OrderPriced', data: { lines: [giftWrapped], totalCents: 1500, currency: 'EUR' }, at },
    ];
    const stored = project(events)!;
    expect(stored.items).toEqual([giftWrapped]);

    const record = toRecord(stored);
    expect(record.items).toEqual([giftWrapped]);
    const view = JSON.parse(JSON.stringify(orderView('o-1', { stored: record, live: undefined, customerId: 'u-1' }))) as Record<
      string,
      unknown
    >;
    expect(view.items).toEqual([{ sku: 'MUG-SAGA', quantity: 1, unitPriceCents: 1200, engraving: 'Ada' }]);
    // Absent optional fields stay out of the answer, as before the view was derived.
    expect(Object.keys(view)).toEqual(['orderId', 'customerId', 'status', 'items', 'totalCents', 'currency', 'saga', 'createdAt']);
  });
});

const address = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
