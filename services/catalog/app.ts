// Catalog's HTTP API: browse and search, one product, admin create/replace.
import { createRoute } from '@hono/zod-openapi';
import { authorize } from '../../shared/http/authorize.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { HttpProblem } from '../../shared/problem.js';
import { ProductPage } from '../../shared/http/envelopes.js';
import { SkuParam } from '../../shared/http/path-params.js';
import { NewProductBody, Product, ProductUpdateBody, SearchQuery } from './schemas.js';
import type { CatalogStore } from './store.js';

const operator = authorize('admin', 'system');

const list = createRoute({
  method: 'get',
  path: '/products',
  tags: ['products'],
  request: { query: SearchQuery },
  responses: { 200: json(ProductPage, 'products in sku order') },
});
const getOne = createRoute({
  method: 'get',
  path: '/products/{sku}',
  tags: ['products'],
  request: { params: SkuParam },
  responses: { 200: json(Product, 'the product'), 404: { description: 'no such product' } },
});
const create = createRoute({
  method: 'post',
  path: '/products',
  tags: ['products'],
  middleware: [operator] as const,
  request: body(NewProductBody),
  responses: { 201: json(Product, 'the new product'), 403: { description: 'administrators only' }, 409: { description: 'sku exists' } },
});
const replace = createRoute({
  method: 'put',
  path: '/products/{sku}',
  tags: ['products'],
  middleware: [operator] as const,
  request: { params: SkuParam, ...body(ProductUpdateBody) },
  responses: { 200: json(Product, 'the product'), 403: { description: 'administrators only' } },
});

export function createCatalogApp(deps: { store: CatalogStore; appOptions: ServiceAppOptions }) {
  const { store } = deps;
  return createServiceApp(deps.appOptions)
    .openapi(list, async (c) => {
      const { q, limit, cursor } = c.req.valid('query');
      const page = await store.search(q, limit, cursor);
      return c.json({ items: page.items, nextCursor: page.lastSku ?? null }, 200);
    })
    .openapi(getOne, async (c) => {
      const product = await store.get(c.req.valid('param').sku);
      if (!product) throw new HttpProblem('not-found', { detail: 'no such product' });
      return c.json(product, 200);
    })
    .openapi(create, async (c) => c.json(await store.create(c.req.valid('json')), 201))
    .openapi(replace, async (c) => c.json(await store.upsert({ sku: c.req.valid('param').sku, ...c.req.valid('json') }), 200));
}

export type CatalogApp = ReturnType<typeof createCatalogApp>;
