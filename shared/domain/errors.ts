// A business outcome a store reports (out of stock, declined, not found, ...).
// Retrying cannot change it. It knows nothing of Temporal or HTTP: the activity
// adapter (activities/implement.ts) turns it into a non-retryable
// ApplicationFailure of the same type, the HTTP layer into a 4xx problem.
import type { BusinessFailureType } from './vocabulary.js';

export class DomainError extends Error {
  override name = 'DomainError';

  constructor(
    readonly type: BusinessFailureType,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
