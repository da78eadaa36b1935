// Starting and stopping the local stack's child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname } from 'node:path';

export interface Managed {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A port the OS just handed out and released; good enough on a single machine. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with code ${child.exitCode} before it was ready`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr go; inherited by default. */
  logFile?: string;
  /** Called with each stdout line (also written to the log). */
  onLine?: (line: string) => void;
}

/** Spawns a child in its own process group so stop() takes its children with it. */
export function spawnManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): Managed {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = options.logFile ? (mkdirSync(dirname(options.logFile), { recursive: true }), createWriteStream(options.logFile, { flags: 'a' })) : undefined;
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    if (!options.onLine) return;
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      options.onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (log ? log.write(chunk) : process.stderr.write(chunk)));
  if (!log) child.stdout?.on('data', () => undefined);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const killer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    log?.end();
  };
  return { name, child, stop };
}
