// One error mapping for every Hono app (gateway and services): problem+json
// everywhere, validation failures with their field paths, 405 with `Allow` for a
// method a known path does not take, no stack traces out.
import type { Context, Env, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { BusinessFailureType } from '../domain/vocabulary.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, fieldErrors, type ProblemType } from '../problem.js';

export function problemResponse(c: Context, p: HttpProblem): Response {
  for (const [name, value] of Object.entries(p.headers)) c.header(name, value);
  return c.body(JSON.stringify(p.toBody()), p.status, { 'Content-Type': PROBLEM_CONTENT_TYPE });
}

/** For OpenAPIHono's defaultHook: a failed zod validation becomes a 400 with every field error. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const prefix = result.target === 'json' || result.target === undefined ? '' : result.target;
  return problemResponse(
    c,
    new HttpProblem('validation', { detail: 'the request is not valid', errors: fieldErrors(result.error.issues, prefix) }),
  );
}

/** A store's business failure reaching HTTP: the same rule, answered as a client error. */
const BUSINESS_PROBLEM: Record<BusinessFailureType, ProblemType> = {
  NotFound: 'not-found',
  UnknownProduct: 'not-found',
  OutOfStock: 'conflict',
  InvalidState: 'conflict',
  PaymentDeclined: 'payment-required',
  InvalidInput: 'unprocessable',
  MixedCurrencies: 'unprocessable',
  AmountOutOfRange: 'unprocessable',
};

function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) {
    return new HttpProblem(BUSINESS_PROBLEM[error.type], { detail: error.message, cause: error, extensions: { code: error.type } });
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new HttpProblem('too-large', { detail: 'the request body is larger than allowed', cause: error });
    if (error.status === 415)
      return new HttpProblem('unsupported-media-type', { detail: 'the request body must be application/json', cause: error });
    if (error.status === 400)
      return new HttpProblem('bad-request', {
        detail: /JSON/i.test(error.message) ? 'the request body is not valid JSON' : error.message,
        cause: error,
      });
  }
  return undefined;
}

/** A route path as Hono writes it (`/orders/:orderId`, `/api/*`) as a pattern over request paths. */
const pathPattern = (path: string) =>
  new RegExp(
    `^${path
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );

/** The methods the app routes for `path` (HEAD with GET, as Hono answers it), or none. */
function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || !pathPattern(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}

/** `mappers` turn errors of the app's own downstreams (e.g. Temporal) into problems. */
export function installProblemHandlers<E extends Env>(
  app: Hono<E>,
  logger: Logger,
  mappers: Array<(error: unknown) => HttpProblem | undefined> = [],
): void {
  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length) {
      return problemResponse(
        c,
        new HttpProblem('method-not-allowed', { detail: `${c.req.path} takes ${allow.join(', ')}`, headers: { Allow: allow.join(', ') } }),
      );
    }
    return problemResponse(c, new HttpProblem('not-found', { detail: `no route for ${c.req.method} ${c.req.path}` }));
  });
  app.onError((error, c) => {
    const known = toProblem(error) ?? mappers.reduce<HttpProblem | undefined>((found, map) => found ?? map(error), undefined);
    if (known) {
      if (known.status >= 500) logger.warn({ err: error, path: c.req.path }, 'request failed');
      return problemResponse(c, known);
    }
    logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
    return problemResponse(
      c,
      new HttpProblem('internal', { detail: 'something went wrong; the request id identifies it in the logs', cause: error }),
    );
  });
}
