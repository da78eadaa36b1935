import { z } from '@hono/zod-openapi';
import { OrderId } from '../../shared/domain/ids.js';
import { SetStock, StockLevel, StockLine } from '../../shared/domain/stock.js';

export { StockLevel };
export const SetStockBody = SetStock;
export const ReservationStatus = z.enum(['PENDING', 'RESERVED', 'COMMITTED', 'RELEASED', 'REJECTED']);
export const Reservation = z.object({ orderId: OrderId, status: ReservationStatus, lines: z.array(StockLine) }).openapi('Reservation');
