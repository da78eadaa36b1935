// How an activity is declared: its input schema (checked before the activity
// runs, so a malformed call is a non-retryable InvalidInput, never a retry loop),
// its output schema, and the business failures it may report (non-retryable,
// with a stable type the workflows branch on). Workflows import the resulting
// types only; each service implements its catalogue beside its store
// (services/<name>/activities.ts, through activities/implement.ts).
import type { z } from 'zod';
import type { BusinessFailureType, TaskQueue } from '../shared/domain/vocabulary.js';

export interface ActivitySpec {
  input: z.ZodType;
  output: z.ZodType;
  /** Business outcomes this activity reports; any other error is infrastructure trouble and retried. */
  failures: readonly BusinessFailureType[];
}

export interface Catalogue {
  /** The task queue of the service whose worker runs these activities. */
  taskQueue: TaskQueue;
  activities: Record<string, ActivitySpec>;
}

export function defineCatalogue<const C extends Catalogue>(catalogue: C): C {
  return catalogue;
}

/** The functions a catalogue's worker exposes: what a workflow calls and a service implements. */
export type ActivitiesOf<C extends Catalogue> = {
  -readonly [K in keyof C['activities']]: (input: z.input<C['activities'][K]['input']>) => Promise<z.output<C['activities'][K]['output']>>;
};

/** What a service's implementation receives: the parsed input. */
export type ImplementationOf<C extends Catalogue> = {
  -readonly [K in keyof C['activities']]: (input: z.output<C['activities'][K]['input']>) => Promise<z.input<C['activities'][K]['output']>>;
};
