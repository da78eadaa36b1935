// Typed keys of the custom search attributes the Web UI filters sagas by
// (registered on the namespace by scripts/stack/infra.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotalKey = defineSearchAttributeKey('OrderTotalCents', SearchAttributeType.INT);
