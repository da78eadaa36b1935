// Products and stock: public reads, admin writes, forwarded to catalog and inventory.
import { createRoute } from '@hono/zod-openapi';
import { parseResponse } from 'hono/client';
import { authorize } from '../../shared/http/authorize.js';
import type { GatewayApp, GatewayDeps } from '../context.js';
import { ProductPage } from '../../shared/http/envelopes.js';
import { SkuParam } from '../../shared/http/path-params.js';
import { Product, ProductBody, ProductQuery, ProductUpdateBody, SetStockBody, StockLevel } from '../schemas.js';
import { callAs } from './context.js';
import { ANY, BODY, DOWNSTREAM, body, json, optionallySignedIn, problems, signedIn } from './responses.js';

const admin = { ...signedIn, middleware: authorize('admin') };

const listProducts = createRoute({
  operationId: 'listProducts',
  method: 'get',
  path: '/api/v1/products',
  tags: ['catalog'],
  summary: 'Browse and search products, in sku order',
  ...optionallySignedIn,
  request: { query: ProductQuery },
  responses: { 200: json(ProductPage, 'a page of products'), ...problems(400, ...ANY, ...DOWNSTREAM) },
});
const getProduct = createRoute({
  operationId: 'getProduct',
  method: 'get',
  path: '/api/v1/products/{sku}',
  tags: ['catalog'],
  ...optionallySignedIn,
  request: { params: SkuParam },
  responses: { 200: json(Product, 'the product'), ...problems(400, 404, ...ANY, ...DOWNSTREAM) },
});
const createProduct = createRoute({
  operationId: 'createProduct',
  method: 'post',
  path: '/api/v1/products',
  tags: ['catalog'],
  summary: 'Add a product (admin)',
  ...admin,
  request: body(ProductBody),
  responses: { 201: json(Product, 'the new product'), ...problems(...BODY, ...ANY, 403, 409, ...DOWNSTREAM) },
});
const updateProduct = createRoute({
  operationId: 'updateProduct',
  method: 'put',
  path: '/api/v1/products/{sku}',
  tags: ['catalog'],
  summary: 'Create or replace a product (admin)',
  ...admin,
  request: { params: SkuParam, ...body(ProductUpdateBody) },
  responses: { 200: json(Product, 'the product'), ...problems(...BODY, ...ANY, 403, ...DOWNSTREAM) },
});
const getStock = createRoute({
  operationId: 'getStock',
  method: 'get',
  path: '/api/v1/inventory/{sku}',
  tags: ['inventory'],
  ...optionallySignedIn,
  request: { params: SkuParam },
  responses: { 200: json(StockLevel, 'units available and reserved'), ...problems(400, 404, ...ANY, ...DOWNSTREAM) },
});
const setStock = createRoute({
  operationId: 'setStock',
  method: 'put',
  path: '/api/v1/inventory/{sku}',
  tags: ['inventory'],
  summary: 'Set the available units (admin)',
  ...admin,
  request: { params: SkuParam, ...body(SetStockBody) },
  responses: { 200: json(StockLevel, 'the new level'), ...problems(...BODY, ...ANY, 403, ...DOWNSTREAM) },
});

export function installCatalogRoutes(app: GatewayApp, { services }: GatewayDeps): void {
  app.openapi(listProducts, async (c) => {
    const page = await parseResponse(services.catalog.as(callAs(c.var)).products.$get({ query: c.req.valid('query') }));
    return c.json(page, 200);
  });
  app.openapi(getProduct, async (c) => {
    const product = await parseResponse(services.catalog.as(callAs(c.var)).products[':sku'].$get({ param: c.req.valid('param') }));
    return c.json(product, 200);
  });
  app.openapi(createProduct, async (c) => {
    const product = await parseResponse(services.catalog.as(callAs(c.var)).products.$post({ json: c.req.valid('json') }));
    return c.json(product, 201);
  });
  app.openapi(updateProduct, async (c) => {
    const product = await parseResponse(
      services.catalog.as(callAs(c.var)).products[':sku'].$put({ param: c.req.valid('param'), json: c.req.valid('json') }),
    );
    return c.json(product, 200);
  });
  app.openapi(getStock, async (c) => {
    const level = await parseResponse(services.inventory.as(callAs(c.var)).stock[':sku'].$get({ param: c.req.valid('param') }));
    return c.json(level, 200);
  });
  app.openapi(setStock, async (c) => {
    const level = await parseResponse(
      services.inventory.as(callAs(c.var)).stock[':sku'].$put({ param: c.req.valid('param'), json: c.req.valid('json') }),
    );
    return c.json(level, 200);
  });
}
