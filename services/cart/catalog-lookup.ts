// The cart asks the catalog whether a product exists, over HTTP with the caller's identity.
import type { ServiceClient } from '../../shared/http/service-client.js';
import type { Caller } from '../../shared/service-auth.js';

export interface CatalogLookup {
  productExists(sku: string, caller: Caller): Promise<boolean>;
}

export function catalogLookup(client: ServiceClient): CatalogLookup {
  return {
    async productExists(sku, caller) {
      const res = await client.call('GET', `/products/${encodeURIComponent(sku)}`, { caller, accept: [404] });
      return res.status === 200;
    },
  };
}
