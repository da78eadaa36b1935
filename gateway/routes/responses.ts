// What the OpenAPI document says a route answers. Every status an operation can
// give is listed, each error as problem+json, so the published contract is what
// the gateway does (Schemathesis checks it, test/gateway/contract.test.ts).
import { Problem } from '../schemas.js';

export { body, json } from '../../shared/http/openapi.js';

const problem = (description: string) => ({ content: { 'application/problem+json': { schema: Problem } }, description });

const PROBLEMS = {
  400: problem('invalid input, with every failing field (a malformed cursor or parameter included)'),
  401: problem('missing, invalid or expired access token, or an account that is no longer active'),
  403: problem('not allowed for this caller'),
  404: problem('no such resource (or not yours)'),
  409: problem('conflicts with the current state'),
  413: problem('body larger than 1 MiB'),
  415: problem('the body is not application/json'),
  422: problem('well-formed but not acceptable'),
  429: problem('rate limit exceeded; see Retry-After'),
  502: problem('a downstream service failed or broke off its answer'),
  503: problem('a downstream service or Temporal is unavailable'),
  504: problem('a downstream service or Temporal did not answer in time'),
} as const;
/** The statuses the document describes a problem answer for (shared/problem.ts's ProblemStatus is what a problem type answers). */
type DocumentedStatus = keyof typeof PROBLEMS;

export const problems = <K extends DocumentedStatus>(...codes: K[]) =>
  Object.fromEntries(codes.map((k) => [k, PROBLEMS[k]])) as Pick<typeof PROBLEMS, K>;

/** Every /api route: a present but invalid token is refused, and the rate limit applies. */
export const ANY = [401, 429] as const;
/** Routes with a JSON body. */
export const BODY = [400, 413, 415] as const;
/** Routes that call a service or Temporal. */
export const DOWNSTREAM = [502, 503, 504] as const;

type Security = { security: Array<Record<string, string[]>> };
/** Routes for signed-in callers; public routes take a token too, when there is one. */
export const signedIn: Security = { security: [{ bearer: [] }] };
export const optionallySignedIn: Security = { security: [{}, { bearer: [] }] };
