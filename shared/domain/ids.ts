// Identifiers that cross service boundaries. Each is a plain pattern, so it is
// safe in a URL path, a Mongo key and a Temporal workflow id alike.
import { z } from 'zod';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
const ID_MESSAGE = '1 to 100 letters, digits, _ or -';

/** Order ids are UUID-shaped hashes of (caller, Idempotency-Key); tests use shorter ones. */
export const OrderId = z.string().regex(ID_PATTERN, ID_MESSAGE).meta({ example: '3f2b8c1e-4d5a-5b6c-a7d8-9e0f1a2b3c4d' });
export const UserId = z.string().regex(ID_PATTERN, ID_MESSAGE).meta({ example: '8d0c6a62-1f0e-4b8e-9a43-2b1f5d7c9e10' });
export const ShipmentId = z.string().regex(ID_PATTERN, ID_MESSAGE).meta({ example: 'shp_1a2b3c4d5e6f7a8b' });

export const Sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'an upper-case sku such as TSHIRT-RED-M')
  .meta({ example: 'TSHIRT-RED-M' });
