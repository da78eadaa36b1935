// The custom search attributes the Web UI filters sagas by: declared once here,
// registered on the namespace from this list (scripts/stack, test support).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotalKey = defineSearchAttributeKey('OrderTotalCents', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTE_KEYS = [OrderStatusKey, CustomerIdKey, OrderTotalKey] as const;
