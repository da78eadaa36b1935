// Turns a service's implementation of its activity catalogue into the functions
// its worker registers. The input is parsed with the catalogue's schema first (a
// malformed call is a non-retryable InvalidInput that stores nothing); a
// DomainError becomes a non-retryable ApplicationFailure of the same type, which
// the workflow branches on; any other error stays retryable.
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { ActivitiesOf, ActivitySpec, Catalogue, ImplementationOf } from './define-catalogue.js';
import { DomainError } from '../shared/domain/errors.js';

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
}

export function toApplicationFailure(error: DomainError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.type,
    message: error.message,
    nonRetryable: true,
    details: error.details ? [error.details] : [],
    cause: error,
  });
}

type Run = (input: unknown) => Promise<unknown>;

function adapt(name: string, spec: ActivitySpec, run: Run) {
  return async (raw: unknown): Promise<unknown> => {
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: 'InvalidInput',
        message: `invalid input of ${name}: ${describeIssues(parsed.error)}`,
        nonRetryable: true,
      });
    }
    try {
      return await run(parsed.data);
    } catch (error) {
      if (error instanceof DomainError) throw toApplicationFailure(error);
      throw error;
    }
  };
}

/** The service's own activities; `ping` (activities/probe.ts) is answered for every queue here. */
export type ServiceImplementation<C extends Catalogue> = Omit<ImplementationOf<C>, 'ping'>;

export function implementActivities<C extends Catalogue>(catalogue: C, implementation: ServiceImplementation<C>): ActivitiesOf<C> {
  const functions: Record<string, unknown> = { ping: () => Promise.resolve({ taskQueue: catalogue.taskQueue }), ...implementation };
  const adapted: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(catalogue.activities)) {
    // Each implementation takes the output type of its own input schema, which the parse above produces.
    adapted[name] = adapt(name, spec, functions[name] as Run);
  }
  return adapted as ActivitiesOf<C>;
}
