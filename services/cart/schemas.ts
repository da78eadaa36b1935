import { Sku } from '../../shared/domain/ids.js';
import { MAX_LINES, MAX_QUANTITY, OrderLine } from '../../shared/domain/order.js';
import { UserIdParam } from '../../shared/http/path-params.js';

export { MAX_LINES, MAX_QUANTITY };

export const AddItemBody = OrderLine;
export const ItemParams = UserIdParam.extend({ sku: Sku });
