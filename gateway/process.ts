// The gateway: Redis, the Temporal client, one typed client per service, then the public API.
import { defineProcess } from '../shared/process.js';
import { openRedis, openTemporalClient } from '../shared/process-resources.js';
import { createGatewayApp } from './app.js';
import { accessTokens, serviceClients } from './clients.js';
import { gatewayEnv } from './config.js';

export const gatewayProcess = defineProcess({
  name: 'gateway',
  env: gatewayEnv,
  listenOn: (config) => ({ PORT: config.GATEWAY_PORT, HOST: config.HOST }),
  start: async (ctx) => {
    const { config, logger, watchdog } = ctx;
    const redis = openRedis(ctx);
    const temporal = await openTemporalClient(ctx);
    return {
      app: createGatewayApp({
        config,
        logger,
        redis,
        temporal,
        tokens: accessTokens(config),
        services: serviceClients(config),
        watchdog,
      }),
    };
  },
});
