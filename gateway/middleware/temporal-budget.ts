// Temporal is a downstream like any service: every call a request makes to it
// (start, query, update, signal, describe) shares the request's downstream budget,
// so a hung or unreachable Temporal ends the request quickly (the mapper in
// gateway/temporal-problem.ts turns the failure into a 504/503 problem).
import type { Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';

export function temporalBudget(client: Client, budgetMs: number): MiddlewareHandler {
  return (_c, next) => client.connection.withDeadline(Date.now() + budgetMs, () => next());
}
