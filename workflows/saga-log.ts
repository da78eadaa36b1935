// The bookkeeping of a saga: which steps ran, which compensations are owed, and
// running those compensations in reverse order. Its fields are what the
// `sagaState` query shows, so the Web UI and the gateway see the saga live.
import { ActivityFailure, ApplicationFailure, CancelledFailure, isCancellation } from '@temporalio/workflow';
import type { SagaCompensation, SagaStep } from '../services/orders/temporal/contract.js';

interface Owed {
  entry: SagaCompensation;
  run: () => Promise<unknown>;
}

/** A short, human-readable cause for the query and the Web UI. */
export function describeFailure(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return describeFailure(error.cause);
  if (error instanceof ApplicationFailure) return error.type ? `${error.type}: ${error.message}` : error.message;
  if (error instanceof CancelledFailure || isCancellation(error)) return 'cancelled';
  return error instanceof Error ? error.message : String(error);
}

export class SagaLog {
  readonly steps: SagaStep[] = [];
  readonly compensations: SagaCompensation[] = [];
  private readonly owed: Owed[] = [];

  /** Runs one forward step and records how it went. */
  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const step: SagaStep = { name, status: 'RUNNING' };
    this.steps.push(step);
    try {
      const result = await work();
      step.status = 'COMPLETED';
      return result;
    } catch (error) {
      step.status = 'FAILED';
      step.error = describeFailure(error);
      throw error;
    }
  }

  /** Marks a step that did not apply to this order (e.g. approval under the threshold). */
  skip(name: string): void {
    this.steps.push({ name, status: 'SKIPPED' });
  }

  /**
   * Registers the undo of a step before the step runs: a step that timed out or
   * was cancelled may still have acted, and the undo is idempotent either way.
   */
  owe(name: string, run: () => Promise<unknown>): void {
    const entry: SagaCompensation = { name, status: 'PENDING' };
    this.owed.push({ entry, run });
  }

  /**
   * Runs every owed compensation in reverse order. One that never succeeds does
   * not stop the others; the names of those that failed are returned.
   */
  async compensate(): Promise<string[]> {
    const failed: string[] = [];
    for (const { entry, run } of [...this.owed].reverse()) {
      this.compensations.push(entry);
      entry.status = 'RUNNING';
      try {
        await run();
        entry.status = 'COMPLETED';
      } catch (error) {
        entry.status = 'FAILED';
        entry.error = describeFailure(error);
        failed.push(`${entry.name} (${entry.error})`);
      }
    }
    this.owed.length = 0;
    return failed;
  }
}
