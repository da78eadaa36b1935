// A failed Temporal call as the client sees it: past the budget a 504, Temporal
// unreachable or overloaded a 503; anything else is not a Temporal outage.
import { isGrpcServiceError } from '@temporalio/client';
import { HttpProblem } from '../shared/problem.js';

// gRPC status codes (the SDK wraps them; grpc-js is not a direct dependency here).
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;

/** The gRPC status behind an SDK error (ServiceError and friends keep it in `cause`). */
function grpcCodeOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return current.code;
    current = current.cause;
  }
  return undefined;
}

/** Maps a failed Temporal call to a problem (with `advice` for the client appended); undefined for anything else. */
export function temporalProblem(budgetMs: number, advice = '') {
  const suffix = advice ? `; ${advice}` : '';
  return (error: unknown): HttpProblem | undefined => {
    const code = grpcCodeOf(error);
    if (code === DEADLINE_EXCEEDED)
      return new HttpProblem('timeout', { detail: `Temporal did not answer within ${budgetMs} ms${suffix}`, cause: error });
    if (code === UNAVAILABLE || code === RESOURCE_EXHAUSTED)
      return new HttpProblem('unavailable', { detail: `Temporal is unavailable${suffix}`, cause: error });
    return undefined;
  };
}
