// freePort holds its port back from the OS's own picks (TIME_WAIT on the listening side) while
// a server can still bind it by number; waitFor names a process that died before it was ready
// with its last lines.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, spawnManaged, waitFor } from '../../scripts/stack/processes.js';

/** Local ports of sockets in TIME_WAIT (state 06) on 127.0.0.1, from /proc/net/tcp. */
function timeWaitPorts(): Set<number> {
  return new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '06' && fields[1]?.startsWith('0100007F:'))
      .map((fields) => parseInt(fields[1]!.split(':')[1]!, 16)),
  );
}

describe('freePort', () => {
  it('leaves the port in TIME_WAIT on its own side, and a server still binds it by number', async () => {
    const port = await freePort();
    expect(timeWaitPorts().has(port), `port ${port} in TIME_WAIT`).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('waitFor', () => {
  it('fails at once for a process that exits before it is ready, with its last lines', async () => {
    const managed = spawnManaged('dies', 'sh', ['-c', 'echo "cannot bind: address already in use" >&2; exit 3']);
    // The exit's own message (not the 30 s timeout's): it failed on the exit, not after waiting.
    await expect(waitFor('the dying process', () => Promise.resolve(false), 30_000, managed)).rejects.toThrow(
      /exited with code 3 before it was ready; its last lines:\n\s+cannot bind: address already in use/,
    );
    await managed.stop();
  });
});
