// The cart asks the catalog whether a product exists, over HTTP with the caller's identity.
import type { Caller } from '../../shared/auth/caller.js';
import type { ServiceClient } from '../../shared/http/service-client.js';
import type { CatalogApp } from '../catalog/app.js';

export interface CatalogLookup {
  productExists(sku: string, caller: Caller): Promise<boolean>;
}

export function catalogLookup(catalog: ServiceClient<CatalogApp>): CatalogLookup {
  return {
    async productExists(sku, caller) {
      const res = await catalog.as({ caller, accept: [404] }).products[':sku'].$get({ param: { sku } });
      return res.status === 200;
    },
  };
}
