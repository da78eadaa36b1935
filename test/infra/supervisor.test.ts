// The launcher's supervisor (scripts/stack/processes.ts) on real child processes:
// a process killed for real comes back on the same port, one that keeps dying
// is reported and still retried with a growing delay, and stop() ends it for good.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portAnswers, spawnManaged, waitFor, type Managed } from '../../scripts/stack/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'sagashop-supervisor-'));
const started: Managed[] = [];
afterAll(async () => {
  await Promise.all(started.map((m) => m.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** A node process running `script`, supervised with short delays so the test needs no long waits. */
function node(name: string, script: string, reports: string[], env: NodeJS.ProcessEnv = {}, initialDelayMs = 50): Managed {
  const managed = spawnManaged(name, process.execPath, ['-e', script], {
    env: { ...process.env, ...env },
    logFile: join(dir, `${name}.log`),
  });
  started.push(managed);
  managed.supervise({ initialDelayMs, maxDelayMs: 400, stableMs: 60_000, keepsDyingAfter: 3, report: (line) => reports.push(line) });
  return managed;
}

describe('the supervisor', () => {
  it('restarts a SIGKILLed server on the same port, and says which, how and when', async () => {
    const port = await freePort();
    const reports: string[] = [];
    const server = node(
      'echo',
      "require('node:http').createServer((q, s) => s.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1')",
      reports,
      { PORT: String(port) },
    );
    await waitFor('the server', () => portAnswers(port), 10_000);
    const first = server.child.pid!;
    for (let kill = 1; kill <= 3; kill++) {
      const before = server.child.pid!;
      process.kill(before, 'SIGKILL');
      await waitFor('a new pid', () => Promise.resolve(server.child.pid !== before), 10_000);
      await waitFor(
        'the restarted server',
        async () => (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())) === String(server.child.pid),
        10_000,
      );
    }
    expect(server.restarts).toBe(3);
    expect(server.child.pid).not.toBe(first);
    expect(reports[0]).toBe(`[supervisor] echo (pid ${first}) died: signal SIGKILL; restart 1 in 50 ms`);
    // each death in a row doubles the delay
    expect(reports.filter((r) => r.includes('died')).map((r) => /in (\d+) ms/.exec(r)![1])).toEqual(['50', '100', '200']);
  });

  it('reports a process that keeps dying, with its last lines, and keeps retrying', async () => {
    const reports: string[] = [];
    const crasher = node('crasher', "console.error('cannot reach the database'); process.exit(3)", reports);
    await waitFor('five deaths', () => Promise.resolve(reports.filter((r) => r.includes('died')).length >= 5), 20_000);
    const keepsDying = reports.filter((r) => r.includes('KEEPS DYING'));
    expect(keepsDying.length).toBeGreaterThanOrEqual(2);
    expect(keepsDying[0]).toContain('3 deaths in a row');
    expect(keepsDying[0]).toContain('last: exit code 3');
    expect(keepsDying[0]).toContain('cannot reach the database');
    // the delay grows up to its cap
    expect(reports.filter((r) => r.includes('died')).at(-1)).toMatch(/in 400 ms$/);
    expect(crasher.restarts).toBeGreaterThanOrEqual(4);
  });

  it('stop() ends a supervised process for good, also while its restart is pending', async () => {
    const reports: string[] = [];
    const sleeper = node('sleeper', 'setInterval(() => {}, 1000)', reports, {}, 1_000);
    const pid = sleeper.child.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the death report', () => Promise.resolve(reports.length > 0), 10_000);
    await sleeper.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sleeper.child.pid).toBe(pid);
    expect(sleeper.restarts).toBe(0);
    expect(readFileSync(join(dir, 'sleeper.log'), 'utf8')).not.toContain('[supervisor] restart');

    const running = node('sleeper-2', 'setInterval(() => {}, 1000)', reports);
    await running.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(running.restarts).toBe(0);
    expect(() => process.kill(running.child.pid!, 0)).toThrow();
  });
});
