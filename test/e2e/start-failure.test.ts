// `npm start` that fails part-way stops everything it started, also what was still
// starting when the failure came: the infrastructure starts side by side, and a
// launcher that gave up at the first failure once left the MongoDB server (and a dev
// server slower than it) running, in process groups of their own, after it exited.
// Here Redis fails at once (its data directory is a file) while MongoDB and Temporal
// are still coming up.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/processes.js';
import { root } from '../deploy/processes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sagashop-start-failure-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The command lines of the processes that name `text` in theirs. */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(text)) found.push(`${pid}: ${command.slice(0, 200)}`);
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** `npm start`'s launcher, on servers of its own: addresses of external ones are left out. */
function launch(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const { MONGO_URL: _mongo, REDIS_URL: _redis, TEMPORAL_ADDRESS: _temporal, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/start.ts'],
      { cwd: root, env: { ...inherited, ...env }, timeout: 150_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr }),
    );
  });
}

describe('npm start', () => {
  it('that fails while other parts are still starting stops them all and exits 1', async () => {
    writeFileSync(join(dataDir, 'redis'), 'in the way of the Redis data directory');
    const { code, output } = await launch({
      SAGASHOP_DATA_DIR: dataDir,
      GATEWAY_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      MONGO_PORT: String(await freePort()),
      REDIS_PORT: String(await freePort()),
    });
    expect(output).toContain(`mkdir '${join(dataDir, 'redis')}'`);
    expect(output).toContain('[start] stopped');
    expect(code, output).toBe(1);
    // The MongoDB server and the dev server were started with paths under the data directory.
    expect(processesNaming(dataDir)).toEqual([]);
  }, 180_000);
});
