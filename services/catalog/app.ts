// Catalog's HTTP API: browse and search, one product, admin create/replace.
import { createRoute } from '@hono/zod-openapi';
import { assertAdmin } from '../../shared/http/caller.js';
import { body, json } from '../../shared/http/openapi.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../shared/http/service-app.js';
import { decodeCursor, encodeCursor } from '../../shared/pagination.js';
import { problem } from '../../shared/problem.js';
import { CursorPosition, NewProductBody, Product, ProductPage, ProductUpdateBody, SearchQuery, SkuParam } from './schemas.js';
import type { CatalogStore } from './store.js';


const list = createRoute({
  method: 'get', path: '/products', tags: ['products'], request: { query: SearchQuery },
  responses: { 200: json(ProductPage, 'products in sku order') },
});
const getOne = createRoute({
  method: 'get', path: '/products/{sku}', tags: ['products'], request: { params: SkuParam },
  responses: { 200: json(Product, 'the product'), 404: { description: 'no such product' } },
});
const create = createRoute({
  method: 'post', path: '/products', tags: ['products'], request: body(NewProductBody),
  responses: { 201: json(Product, 'the new product'), 403: { description: 'administrators only' }, 409: { description: 'sku exists' } },
});
const replace = createRoute({
  method: 'put', path: '/products/{sku}', tags: ['products'], request: { params: SkuParam, ...body(ProductUpdateBody) },
  responses: { 200: json(Product, 'the product'), 403: { description: 'administrators only' } },
});

export function createCatalogApp(deps: { store: CatalogStore; appOptions: ServiceAppOptions }): ServiceApp {
  const { store } = deps;
  const app = createServiceApp(deps.appOptions);
  app.openapi(list, async (c) => {
    const { q, limit, cursor } = c.req.valid('query');
    const page = await store.search(q, limit, decodeCursor(cursor, CursorPosition)?.sku);
    return c.json({ items: page.items, nextCursor: page.lastSku ? encodeCursor({ sku: page.lastSku }) : null }, 200);
  });
  app.openapi(getOne, async (c) => {
    const product = await store.get(c.req.valid('param').sku);
    if (!product) throw problem.notFound('no such product');
    return c.json(product, 200);
  });
  app.openapi(create, async (c) => {
    assertAdmin(c);
    return c.json(await store.create(c.req.valid('json')), 201);
  });
  app.openapi(replace, async (c) => {
    assertAdmin(c);
    return c.json(await store.upsert({ sku: c.req.valid('param').sku, ...c.req.valid('json') }), 200);
  });
  return app;
}
