// What every gateway handler can reach: the per-request variables and the
// dependencies the app was built with.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import type { Caller } from '../shared/service-auth.js';
import type { ServiceClient } from '../shared/http/service-client.js';
import type { ServiceName } from '../shared/domain/vocabulary.js';
import type { Tokens } from './auth.js';
import type { GatewayConfig } from './config.js';

export type GatewayEnv = { Variables: { user?: Caller; requestId: string } };
export type GatewayApp = OpenAPIHono<GatewayEnv>;

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  redis: Redis;
  temporal: Client;
  tokens: Tokens;
  services: Record<ServiceName, ServiceClient>;
}
