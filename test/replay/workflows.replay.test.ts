// Replays recorded histories of every branch family against today's workflow
// code: a change that would break workflows already running in production
// (reordered or removed commands, without a patch) fails here, not in production.
// Re-record deliberately with RECORD_HISTORIES=1 (see record.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnv } from '../support/stack.js';
import { workflowBundle, workflowsPath } from '../workflows/harness.js';
import { workflowInterceptorsModule } from '../../shared/telemetry/temporal.js';
import { bundleWithWorkflowApi } from './bundles.js';
import { fromFixture, historiesDir } from '../../scripts/replay-fixture.js';
import { recordHistories } from './record.js';
import { silentLogger } from '../../shared/temporal/silent-logger.js';
import { stringContaining } from '../support/matchers.js';

const load = (name: string) => fromFixture(readFileSync(new URL(`${name}.json`, historiesDir), 'utf8'));
const recorded = () =>
  readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

beforeAll(async () => {
  // RECORD_HISTORIES=1 records every scenario; RECORD_HISTORIES=a,b only those of record.ts.
  const wanted = process.env.RECORD_HISTORIES;
  if (wanted) await recordHistories(createTimeSkippingEnv, wanted === '1' ? undefined : wanted.split(','));
}, 300_000);

describe('replay of recorded histories', () => {
  it('has a history for every branch family', () => {
    expect(recorded()).toEqual([
      'fulfilment-cancelled',
      'fulfilment-reviewed',
      'onboarding-ordered',
      'onboarding-reminded',
      'order-approval-timeout',
      'order-cancelled-after-charge',
      'order-delivered',
      'order-delivered-before-onboarding-patch',
      'order-delivered-dev-server',
      'order-delivered-with-contact',
      'order-failed-compensation',
      'order-out-of-stock',
    ]);
  });

  it('every recorded history replays on the current workflow code', async () => {
    const histories = recorded().map((name) => ({ workflowId: name, history: load(name) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });

  it('every recorded history replays with the OpenTelemetry workflow interceptors: tracing can be turned on (or off) under running sagas', async () => {
    // As a traced worker runs them: the .traced bundle (scripts/build-workflow-bundles.ts) and the span sink.
    const traced = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules: [workflowInterceptorsModule],
      logger: silentLogger,
    });
    const histories = recorded().map((name) => ({ workflowId: name, history: load(name) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: traced, sinks: { exporter: { export: { fn: () => undefined } } } },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });

  it('a saga recorded before the onboarding patch still replays, and only because of the patch guard', async () => {
    const old = load('order-delivered-before-onboarding-patch');
    const events = old.events ?? [];
    // Genuinely old: no patch marker and no signal to the onboarding workflow.
    expect(events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(false);
    expect(events.some((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toBe(false);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, old);
    // The same step added without `patched()` would break every saga already running.
    await expect(Worker.runReplayHistory({ workflowBundle: await bundleWithWorkflowApi('unguarded') }, old)).rejects.toMatchObject({
      name: 'DeterminismViolationError',
    });
  });

  it('a saga recorded after the patch carries its marker', () => {
    const events = load('order-delivered').events ?? [];
    expect(events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);
  });

  it('the newest saga recording is the shape the gateway starts today: the address in its input, no lookup', () => {
    const scheduled = (name: string) =>
      (load(name).events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled('order-delivered')).toContain('getUserContact');
    expect(scheduled('order-delivered-with-contact')).not.toContain('getUserContact');
    expect(scheduled('order-delivered-with-contact')).toContain('priceOrder');
  });

  it('an incompatible change of the saga is reported as non-determinism', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./changed-workflows.ts', import.meta.url)),
      logger: silentLogger,
    });
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, load('order-delivered'))).rejects.toMatchObject({
      name: 'DeterminismViolationError',
      message: stringContaining('nondeterminism'),
    });
  });
});
