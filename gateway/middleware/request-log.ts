import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../shared/logger.js';
import type { GatewayEnv } from '../context.js';

/** One structured JSON line per request, with its id, caller, status and duration. */
export function requestLog(logger: Logger): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(performance.now() - started),
      userId: c.get('caller')?.userId,
    };
    if (status >= 500) logger.warn(line, 'request');
    else logger.info(line, 'request');
  };
}
