// Products and stock: public reads, admin writes, forwarded to catalog and inventory.
import { createRoute } from '@hono/zod-openapi';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { Product, ProductBody, ProductPage, ProductQuery, ProductUpdateBody, SetStockBody, SkuParam, StockLevel } from '../schemas.js';
import { adminOf, body, callerOf, json, pick } from './support.js';

const admin = { security: [{ bearer: [] }] };

const listProducts = createRoute({
  method: 'get', path: '/api/v1/products', tags: ['catalog'], summary: 'Browse and search products',
  request: { query: ProductQuery },
  responses: { 200: json(ProductPage, 'a page of products'), ...pick(400) },
});
const getProduct = createRoute({
  method: 'get', path: '/api/v1/products/{sku}', tags: ['catalog'],
  request: { params: SkuParam },
  responses: { 200: json(Product, 'the product'), ...pick(400, 404) },
});
const createProduct = createRoute({
  method: 'post', path: '/api/v1/products', tags: ['catalog'], summary: 'Add a product (admin)', ...admin,
  request: body(ProductBody),
  responses: { 201: json(Product, 'the new product'), ...pick(400, 401, 403, 409) },
});
const updateProduct = createRoute({
  method: 'put', path: '/api/v1/products/{sku}', tags: ['catalog'], summary: 'Create or replace a product (admin)', ...admin,
  request: { params: SkuParam, ...body(ProductUpdateBody) },
  responses: { 200: json(Product, 'the product'), ...pick(400, 401, 403) },
});
const getStock = createRoute({
  method: 'get', path: '/api/v1/inventory/{sku}', tags: ['inventory'],
  request: { params: SkuParam },
  responses: { 200: json(StockLevel, 'units available and reserved'), ...pick(400, 404) },
});
const setStock = createRoute({
  method: 'put', path: '/api/v1/inventory/{sku}', tags: ['inventory'], summary: 'Set the available units (admin)', ...admin,
  request: { params: SkuParam, ...body(SetStockBody) },
  responses: { 200: json(StockLevel, 'the new level'), ...pick(400, 401, 403) },
});

export function installCatalogRoutes(app: GatewayApp, { services }: GatewayDeps): void {
  app.openapi(listProducts, async (c) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(c.req.valid('query'))) if (v !== undefined) query.set(k, String(v));
    const { body: page } = await services.catalog.call<never>('GET', `/products?${query}`, { caller: callerOf(c), requestId: c.get('requestId') });
    return c.json(page, 200);
  });
  app.openapi(getProduct, async (c) => {
    const { body: product } = await services.catalog.call<never>('GET', `/products/${c.req.valid('param').sku}`, { caller: callerOf(c), requestId: c.get('requestId') });
    return c.json(product, 200);
  });
  app.openapi(createProduct, async (c) => {
    const { body: product } = await services.catalog.call<never>('POST', '/products', { caller: adminOf(c), body: c.req.valid('json'), requestId: c.get('requestId') });
    return c.json(product, 201);
  });
  app.openapi(updateProduct, async (c) => {
    const { sku } = c.req.valid('param');
    const { body: product } = await services.catalog.call<never>('PUT', `/products/${sku}`, { caller: adminOf(c), body: c.req.valid('json'), requestId: c.get('requestId') });
    return c.json(product, 200);
  });
  app.openapi(getStock, async (c) => {
    const { body: level } = await services.inventory.call<never>('GET', `/stock/${c.req.valid('param').sku}`, { caller: callerOf(c), requestId: c.get('requestId') });
    return c.json(level, 200);
  });
  app.openapi(setStock, async (c) => {
    const { sku } = c.req.valid('param');
    const { body: level } = await services.inventory.call<never>('PUT', `/stock/${sku}`, { caller: adminOf(c), body: c.req.valid('json'), requestId: c.get('requestId') });
    return c.json(level, 200);
  });
}
