// The gateway process: Redis, the Temporal client, one typed client per service, then the public API.
import { openRedis, openTemporalClient, runProcess } from '../shared/process.js';
import { createGatewayApp } from './app.js';
import { accessTokens, serviceClients } from './clients.js';
import { gatewayEnv } from './config.js';

await runProcess({
  name: 'gateway',
  env: gatewayEnv,
  listenOn: (config) => ({ PORT: config.GATEWAY_PORT, HOST: config.HOST }),
  start: async (ctx) => {
    const { config, logger, watchdog } = ctx;
    const redis = openRedis(ctx);
    const temporal = await openTemporalClient(ctx);
    return {
      app: createGatewayApp({ config, logger, redis, temporal, tokens: accessTokens(config), services: serviceClients(config), watchdog }),
    };
  },
});
