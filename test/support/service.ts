// Builds what a service app needs in a test: its options with the test token
// secret, a quiet logger, and a readiness check on the given database.
import { ApplicationFailure, ensureApplicationFailure } from '@temporalio/common';
import type { Db } from 'mongodb';
import { expect } from 'vitest';
import type { ServiceAppOptions } from '../../shared/http/service-app.js';
import { createLogger } from '../../shared/logger.js';
import { pingMongo } from '../../shared/mongo.js';
import { TEST_SERVICE_SECRET } from './http.js';
import { ProblemStatusBody, bodyAs } from './bodies.js';

export function appOptions(service: string, db?: Db): ServiceAppOptions {
  return {
    service,
    logger: createLogger(service, 'silent'),
    serviceTokenSecret: TEST_SERVICE_SECRET,
    checks: db ? { mongo: () => pingMongo(db) } : {},
  };
}

export const customer = (userId: string) => ({ caller: { userId, roles: ['customer'] } });
export const admin = { caller: { userId: 'admin-1', roles: ['customer', 'admin'] } };

/** The promise fails with a non-retryable ApplicationFailure of this type. */
export async function expectBusinessFailure(promise: Promise<unknown>, type: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect((error as ApplicationFailure).type).toBe(type);
  expect((error as ApplicationFailure).nonRetryable).toBe(true);
}

/**
 * The promise fails with an error Temporal retries: what a worker reports for it (converted
 * as the SDK's activity worker does) is an application failure of this type that is not non-retryable.
 */
export async function expectRetryableFailure(promise: Promise<unknown>, type: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const reported = ensureApplicationFailure(error);
  expect(reported.type).toBe(type);
  expect(reported.nonRetryable).toBe(false);
}

/** A problem+json answer with the given status. */
export function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(bodyAs(res, ProblemStatusBody).status).toBe(status);
}

/** What a function is to a caller that TypeScript does not check (see `withAnyInput`). */
interface UncheckedCall {
  // A method: its parameters are compared in both directions, so every function of one argument is one of these.
  call(input: unknown): Promise<unknown>;
}

/**
 * The function as a caller outside TypeScript reaches it: a worker hands an activity the JSON
 * of the workflow's history, of whatever shape, and the catalogue's schema is what stands
 * between it and the store. For the tests of what such a function refuses.
 */
export function withAnyInput(fn: UncheckedCall['call']): (input: unknown) => Promise<unknown> {
  return fn;
}
