import { ApplicationFailure } from '@temporalio/common';
import type { BusinessFailureType } from './domain.js';

/**
 * A business outcome (out of stock, declined, ...): retrying cannot change it,
 * so it is non-retryable and carries a stable type the workflow branches on.
 */
export function businessFailure(type: BusinessFailureType, message: string, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : [] });
}

/** The failure type of a business failure thrown by a store, if it is one. */
export class BusinessError extends Error {
  constructor(
    readonly type: BusinessFailureType,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BusinessError';
  }
}

/**
 * Wraps a store call for use as an activity: BusinessErrors become non-retryable
 * ApplicationFailures, anything else stays retryable (infrastructure trouble).
 */
export async function asActivity<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BusinessError) throw businessFailure(error.type, error.message, error.details);
    throw error;
  }
}

/** Maps every method of an object through asActivity, keeping its type. */
export function activitiesFrom<T extends object>(impl: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    out[name] = typeof fn === 'function' ? (...args: unknown[]) => asActivity(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)) : fn;
  }
  return out as T;
}

/** Validates an activity's input; a malformed one is a non-retryable InvalidInput, never a retry loop. */
export function parseInput<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new BusinessError('InvalidInput', `invalid activity input: ${detail}`);
}
