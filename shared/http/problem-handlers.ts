// One error mapping for every Hono app (gateway and services): problem+json
// everywhere, validation failures with their field paths, no stack traces out.
import type { Context, Env, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { BusinessFailureType } from '../domain/vocabulary.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, fieldErrors, problem, type ProblemBody } from '../problem.js';

export function problemResponse(c: Context, p: HttpProblem): Response {
  const body: ProblemBody = p.toBody();
  for (const [name, value] of Object.entries(p.headers)) c.header(name, value);
  return c.body(JSON.stringify(body), p.status, { 'Content-Type': PROBLEM_CONTENT_TYPE });
}

/** For OpenAPIHono's defaultHook: a failed zod validation becomes a 400 with every field error. */
export function validationHook(result: { success: true } | { success: false; error: ZodError; target?: string }, c: Context): Response | undefined {
  if (result.success) return undefined;
  const prefix = result.target === 'json' || result.target === undefined ? '' : result.target;
  return problemResponse(c, problem.validation(fieldErrors(result.error.issues, prefix)));
}

/** A store's business failure reaching HTTP: the same rule, answered as a client error. */
const BUSINESS_STATUS: Record<BusinessFailureType, ContentfulStatusCode> = {
  NotFound: 404,
  UnknownProduct: 404,
  OutOfStock: 409,
  InvalidState: 409,
  PaymentDeclined: 402,
  InvalidInput: 422,
};

function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) {
    return new HttpProblem(BUSINESS_STATUS[error.type], error.type.replace(/[A-Z]/g, (m, i: number) => (i ? '-' : '') + m.toLowerCase()), error.message);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status === 413) return new HttpProblem(413, 'too-large', 'the request body is larger than allowed');
    if (status === 400 && /JSON/i.test(error.message)) return problem.badRequest('the request body is not valid JSON');
    return new HttpProblem(status, 'http', error.message || undefined);
  }
  return undefined;
}

/** `mappers` turn errors of the app's own downstreams (e.g. Temporal) into problems. */
export function installProblemHandlers<E extends Env>(app: Hono<E>, logger: Logger, mappers: Array<(error: unknown) => HttpProblem | undefined> = []): void {
  app.notFound((c) => problemResponse(c, problem.notFound(`no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const known = toProblem(error) ?? mappers.reduce<HttpProblem | undefined>((found, map) => found ?? map(error), undefined);
    if (known) {
      if (known.status >= 500) logger.warn({ err: error, path: c.req.path }, 'request failed');
      return problemResponse(c, known);
    }
    logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
    return problemResponse(c, new HttpProblem(500, 'internal', 'something went wrong; the request id identifies it in the logs'));
  });
}
