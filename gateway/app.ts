// The gateway app: cross-cutting middleware (request ids, logs, secure headers,
// CORS, metrics, 1 MiB body limit, bounds on a JSON body's depth and members), then for /api: who is calling, the rate limit
// (which counts refused credentials too), the 401 for refused credentials, the
// Temporal budget; problem+json errors; then the public API of docs/api.md, route
// module by route module. Each route checks its caller in route middleware, which
// runs before its input is validated.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { jsonShapeLimit } from '../shared/http/json-shape.js';
import { createHttpMetrics } from '../shared/http/metrics.js';
import { installProblemHandlers, problemResponse, validationHook } from '../shared/http/problem-handlers.js';
import { MAX_BODY_BYTES, tooLarge } from '../shared/http/service-app.js';
import { Accounts } from './auth/accounts.js';
import { identify, refuseRejectedCredentials } from './auth/identify.js';
import { LoginLimiter } from './auth/login-limiter.js';
import type { GatewayApp, GatewayDeps, GatewayEnv } from './context.js';
import { IdempotencyStore } from './idempotency/store.js';
import { proxyHops } from './middleware/client-address.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import { temporalBudget } from './middleware/temporal-budget.js';
import { OrderPlacement } from './orders/placement.js';
import { orderSagaSettings } from '../services/orders/temporal/settings.js';
import { installAuthRoutes } from './routes/auth.js';
import { installCartRoutes } from './routes/cart.js';
import { CartCheckout } from './orders/checkout.js';
import { installCatalogRoutes } from './routes/catalog.js';
import { installDashboardRoutes } from './routes/dashboard.js';
import { installNotificationRoutes } from './routes/notifications.js';
import { installOperationRoutes } from './routes/operations.js';
import { installOrderRoutes } from './routes/orders.js';
import { installShipmentRoutes } from './routes/shipments.js';
import { temporalProblem } from './temporal-problem.js';

export function createGatewayApp(deps: GatewayDeps): GatewayApp {
  const { config, logger, redis, temporal } = deps;
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  const metrics = createHttpMetrics('gateway', deps.watchdog);
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);

  app.use('*', requestId({ headerName: 'X-Request-Id', limitLength: 200 }));
  app.use('*', requestLog(logger));
  app.use('*', secureHeaders());
  app.use(
    '*',
    cors({
      origin: (origin) => (origins.includes(origin) ? origin : null),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Prefer', 'X-Request-Id'],
      exposeHeaders: [
        'X-Request-Id',
        'Location',
        'Retry-After',
        'Preference-Applied',
        'Idempotent-Replayed',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'RateLimit-Policy',
      ],
      maxAge: 600,
    }),
  );
  app.use('*', metrics.middleware);
  // The rest of an oversized body is never read, so the connection cannot carry another
  // request: say so, or a keep-alive client reuses a socket the server is about to drop.
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        c.header('Connection', 'close');
        return problemResponse(c, tooLarge());
      },
    }),
  );
  app.use('*', jsonShapeLimit());
  app.use('/api/*', identify(deps.tokens, new Accounts(deps.services.users, config.USER_CACHE_SECONDS)));
  app.use(
    '/api/*',
    rateLimit(redis, {
      perUser: config.RATE_LIMIT_PER_USER,
      perIp: config.RATE_LIMIT_PER_IP,
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      trustedHops: proxyHops(config),
    }),
  );
  app.use('/api/*', refuseRejectedCredentials);
  app.use('/api/*', temporalBudget(temporal, config.DOWNSTREAM_TIMEOUT_MS));
  installProblemHandlers(app, logger, [temporalProblem(config.DOWNSTREAM_TIMEOUT_MS)]);

  const placement = new OrderPlacement({ temporal, logger, settings: orderSagaSettings(config), budgetMs: config.DOWNSTREAM_TIMEOUT_MS });
  const keys = new IdempotencyStore(redis, config.IDEMPOTENCY_TTL_SECONDS, logger);
  const logins = new LoginLimiter(redis, {
    perAccount: config.LOGIN_FAILURES_PER_ACCOUNT,
    perIp: config.LOGIN_FAILURES_PER_IP,
    windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  });
  installAuthRoutes(app, deps, logins);
  installCatalogRoutes(app, deps);
  const checkouts = new CartCheckout({ temporal, placement, logger, budgetMs: config.DOWNSTREAM_TIMEOUT_MS });
  installCartRoutes(app, deps, placement, checkouts, keys);
  installOrderRoutes(app, deps, placement, keys);
  installShipmentRoutes(app, deps);
  installNotificationRoutes(app, deps);
  installDashboardRoutes(app, deps);
  installOperationRoutes(app, deps, metrics);
  return app;
}
