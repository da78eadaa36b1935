// The audit's answer for a person: one table row per check, then every breach.
import type { CheckResult } from './checks.js';

/** At most this many breaches per check are listed; the count says how many there were. */
const LISTED = 25;

export function formatReport(results: CheckResult[], heading: string): string {
  const widths = [14, 36, 9];
  const row = (cells: string[]) =>
    cells
      .map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd();
  const lines = [heading, '', row(['check', 'checked', 'breaches', 'figures'])];
  for (const r of results) {
    const [first = '', ...rest] = r.figures;
    lines.push(row([r.name, r.checked, String(r.breaches.length), first]));
    for (const figure of rest) lines.push(row(['', '', '', figure]));
  }
  const breached = results.filter((r) => r.breaches.length > 0);
  lines.push(
    '',
    breached.length === 0 ? 'AUDIT CLEAN: no breach.' : `AUDIT FAILED: ${breached.reduce((n, r) => n + r.breaches.length, 0)} breaches.`,
  );
  for (const r of breached) {
    lines.push('', `${r.name}:`);
    for (const breach of r.breaches.slice(0, LISTED)) lines.push(`  - ${breach}`);
    if (r.breaches.length > LISTED) lines.push(`  ... and ${r.breaches.length - LISTED} more`);
  }
  return lines.join('\n');
}

export const breachCount = (results: CheckResult[]) => results.reduce((n, r) => n + r.breaches.length, 0);
