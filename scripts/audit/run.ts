// One audit of a stack: read it once (snapshot.ts), run every check on what was read (checks.ts), format the table (report.ts).
import { runChecks, type CheckResult } from './checks.js';
import { breachCount, formatReport } from './report.js';
import { takeSnapshot, type StackAddress } from './snapshot.js';

export interface AuditOutcome {
  results: CheckResult[];
  breaches: number;
  report: string;
}

export async function audit(address: StackAddress, pendingGraceMs: number): Promise<AuditOutcome> {
  const snapshot = await takeSnapshot(address);
  const results = runChecks(snapshot, { pendingGraceMs });
  const heading = `sagashop audit of ${address.mongoUrl} (database prefix '${address.prefix}') and Temporal ${address.temporal.connection.address}/${address.temporal.namespace}, ${snapshot.takenAt.toISOString()}`;
  return { results, breaches: breachCount(results), report: formatReport(results, heading) };
}
