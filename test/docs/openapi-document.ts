// The gateway's OpenAPI document, built as gateway/main.ts builds the app but
// without any server: Redis and Temporal connections are lazy and never used,
// since serving /openapi.json asks neither.
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { createGatewayApp } from '../../gateway/app.js';
import { accessTokens, serviceClients } from '../../gateway/clients.js';
import { loadGatewayConfig } from '../../gateway/config.js';
import { SERVICE_NAMES } from '../../shared/domain/vocabulary.js';
import { createLogger } from '../../shared/logger.js';
import { OPENAPI_PATH } from '../../gateway/routes/operations.js';
import type { OpenApiDocument } from '../support/openapi-operations.js';

export async function gatewayOpenApiDocument(): Promise<OpenApiDocument> {
  const unreachable = 'http://127.0.0.1:9';
  const config = loadGatewayConfig({
    ...Object.fromEntries(SERVICE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, `${unreachable}/${name}`])),
    LOG_LEVEL: 'silent',
  });
  const connection = Connection.lazy({ address: '127.0.0.1:9' });
  const redis = new Redis({ lazyConnect: true });
  try {
    const app = createGatewayApp({
      config,
      logger: createLogger('gateway', 'silent'),
      redis,
      temporal: new Client({ connection }),
      tokens: accessTokens(config),
      services: serviceClients(config),
    });
    const response = await app.request(OPENAPI_PATH);
    if (response.status !== 200) throw new Error(`${OPENAPI_PATH} answered ${response.status}`);
    return (await response.json()) as OpenApiDocument;
  } finally {
    redis.disconnect();
    await connection.close();
  }
}
