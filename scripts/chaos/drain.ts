// After the workload and the faults: wait until the stack has come to rest —
// every order settled (its read model and its saga agree, the saga's run is where
// the status says), none still awaiting approval (the admin approved it or its
// approval timed out), and every confirmation and cancellation notified — or
// until the bound. The audit that follows judges whatever state it is in then.
import { runChecks, settling } from '../audit/checks.js';
import { takeSnapshot, type StackAddress } from '../audit/snapshot.js';

export interface DrainResult {
  rested: boolean;
  seconds: number;
  /** What was still moving at the end, when it did not come to rest. */
  moving: string[];
}

export async function drain(address: StackAddress, boundMs: number, log: (line: string) => void): Promise<DrainResult> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    const snapshot = await takeSnapshot(address);
    const moving = snapshot.orders.flatMap((o) => {
      const state = settling(o, snapshot.workflows.get(o.orderId), snapshot, { pendingGraceMs: Infinity });
      if (state.kind !== 'settled') return [`order ${o.orderId}: ${state.kind === 'in flight' ? state.why : ''}`];
      return o.status === 'AWAITING_APPROVAL' ? [`order ${o.orderId}: AWAITING_APPROVAL`] : [];
    });
    // A saga that has not recorded its order yet (its first workflow task died with the worker
    // that had it, and waits for its timeout) is moving too, though no order document says so.
    const recorded = new Set(snapshot.orders.map((o) => o.orderId));
    for (const workflow of snapshot.workflows.values())
      if (workflow.execution === 'RUNNING' && !recorded.has(workflow.orderId))
        moving.push(`order ${workflow.orderId}: saga running, order not recorded yet`);
    const unsent = runChecks(snapshot, { pendingGraceMs: Infinity }).find((r) => r.name === 'notifications')!.breaches;
    const seconds = (Date.now() - started) / 1000;
    if (moving.length === 0 && unsent.length === 0) return { rested: true, seconds, moving: [] };
    if (Date.now() - started > boundMs) return { rested: false, seconds, moving: [...moving, ...unsent] };
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`[chaos] draining: ${moving.length} orders still moving, ${unsent.length} notifications outstanding (${seconds.toFixed(0)} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
