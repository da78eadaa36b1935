// Temporal is a downstream like any service: every call a request makes to it
// (start, query, update, signal, describe) shares the request's downstream budget,
// so a hung or unreachable Temporal gives a 504/503 problem quickly, never a hang.
import { isGrpcServiceError, type Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import { problem, type HttpProblem } from '../../shared/problem.js';

// gRPC status codes (the SDK wraps them; grpc-js is not a direct dependency here).
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;

export function temporalBudget(client: Client, budgetMs: number): MiddlewareHandler {
  return (_c, next) => client.connection.withDeadline(Date.now() + budgetMs, () => next());
}

/** The gRPC status behind an SDK error (ServiceError and friends keep it in `cause`). */
function grpcCodeOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return current.code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a failed Temporal call to a problem (with `advice` for the client appended); undefined for anything else. */
export function temporalProblem(budgetMs: number, advice = '') {
  const suffix = advice ? `; ${advice}` : '';
  return (error: unknown): HttpProblem | undefined => {
    const code = grpcCodeOf(error);
    if (code === DEADLINE_EXCEEDED) return problem.timeout(`Temporal did not answer within ${budgetMs} ms${suffix}`);
    if (code === UNAVAILABLE || code === RESOURCE_EXHAUSTED) return problem.unavailable(`Temporal is unavailable${suffix}`);
    return undefined;
  };
}
