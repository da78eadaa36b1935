// Starting, supervising and stopping the local stack's child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname } from 'node:path';

export interface Managed {
  name: string;
  /** The running child; a supervised process gets a new one at each restart. */
  readonly child: ChildProcess;
  /** How many times the supervisor has restarted it. */
  readonly restarts: number;
  /** The last lines its current run wrote (stdout and stderr). */
  readonly lastLines: readonly string[];
  /** From now on an unexpected exit restarts the process (see SuperviseOptions). */
  supervise(options?: SuperviseOptions): void;
  stop(): Promise<void>;
  /**
   * SIGKILLs its process group at once and never restarts it: what a power cut
   * does to it (the chaos run's). Resolves once the child has exited.
   */
  powerOff(): Promise<void>;
}

/**
 * A port the OS just handed out, held back from the OS's next picks. Released as it is, a port can
 * be handed out again at once: to the next bind to port 0 (another test's server) or as the source
 * port of an outgoing connection, before the process we meant it for binds it; that process then
 * exits with "address already in use" (a CI run lost its Temporal dev server at start-up that way,
 * most likely). So the port is left in TIME_WAIT, closed from the listening side first: for a minute
 * the OS picks no such port by itself, while a server that binds it by number with SO_REUSEADDR
 * (Node, Go, Redis, Java, PostgreSQL all set it) still can. The Temporal CLI picks its own ports so.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.unref();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('connection', (accepted) => {
      accepted.once('close', () => resolve());
      // Our side ends first, so the TIME_WAIT is on this port, not on the client's.
      accepted.end();
    });
    const client = connect({ port, host: '127.0.0.1' });
    client.unref();
    client.once('error', reject);
    client.once('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Waits until `probe` says yes. Given the process that should answer, fails at once when it exits
 * first; given it as a Managed, the error carries its last lines of output, so a CI log says why.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  target?: ChildProcess | Managed,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const child = target && 'supervise' in target ? target.child : target;
  for (;;) {
    if (child && child.exitCode !== null) {
      // Its pipes may still be delivering the last words.
      await new Promise((r) => setTimeout(r, 100));
      const lines = target && 'supervise' in target ? target.lastLines : [];
      const said = lines.length ? `; its last lines:\n    ${lines.join('\n    ')}` : '';
      throw new Error(`${what}: process exited with code ${child.exitCode} before it was ready${said}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr go; inherited by default. */
  logFile?: string;
  /** Called with each stdout line (also written to the log), of every run of the process. */
  onLine?: (line: string) => void;
}

export interface SuperviseOptions {
  /** Overrides of the environment for restarts, e.g. the port the first run was given (it asked for PORT=0). */
  env?: NodeJS.ProcessEnv;
  /** Delay before the first restart; doubled for each further death in a row, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run that lasts this long counts as healthy: the next death starts the backoff afresh. */
  stableMs?: number;
  /** After this many deaths in a row the process is reported as one that keeps dying (and still restarted). */
  keepsDyingAfter?: number;
  /** Where the supervisor reports; the launcher's console by default. */
  report?: (line: string) => void;
  /** Told of each restart once the new child is spawned. */
  onRestart?: (event: RestartEvent) => void;
}

export interface RestartEvent {
  name: string;
  attempt: number;
  exit: string;
  delayMs: number;
  pid: number | undefined;
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit code ${code}`);

/** The last lines a process wrote, to say why it keeps dying. */
const TAIL_LINES = 10;

/**
 * Spawns a child in its own process group so stop() takes its children with it.
 * Once told to supervise(), a child that exits on its own (a crash, a SIGKILL,
 * even exit code 0) is restarted with the same command and arguments after an
 * exponential backoff; only stop() ends it for good. The supervisor never gives
 * up: a dependency that is down for minutes makes a process die at start-up
 * until it is back, and the process must then come back too. A process that
 * keeps dying is reported with its last lines, at every further death.
 */
export function spawnManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): Managed {
  const log: WriteStream | undefined = options.logFile
    ? (mkdirSync(dirname(options.logFile), { recursive: true }), createWriteStream(options.logFile, { flags: 'a' }))
    : undefined;
  // A child's pipes may still deliver output after its 'exit' (and so after halt() ended the log):
  // such late lines are dropped rather than written after the end, which would crash the launcher.
  const toLog = (chunk: Buffer | string): boolean => {
    if (!log || log.writableEnded) return false;
    log.write(chunk);
    return true;
  };
  const tail: string[] = [];
  const remember = (chunk: Buffer) => {
    tail.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };

  let supervision: SuperviseOptions | undefined;
  let stopping = false;
  let restarts = 0;
  let deathsInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let stableTimer: NodeJS.Timeout | undefined;

  const run = (env: NodeJS.ProcessEnv | undefined): { child: ChildProcess; exited: Promise<void> } => {
    tail.length = 0;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      toLog(chunk);
      remember(chunk);
      if (!options.onLine) return;
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        options.onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      remember(chunk);
      if (!log) process.stderr.write(chunk);
      else toLog(chunk);
    });
    // A spawn error (e.g. the binary vanished) also ends in 'exit' or 'close'; it must not crash the launcher.
    child.on('error', (error) => toLog(`[supervisor] ${name}: ${error.message}\n`));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        resolve();
        onExit(child, code, signal);
      }),
    );
    return { child, exited };
  };

  let current = run(undefined);

  function onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(stableTimer);
    if (stopping || !supervision || child !== current.child) return;
    // Whatever the dead process started (its group) goes with it, so the restart finds its ports free.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* nothing left */
    }
    const s = supervision;
    const report = s.report ?? ((line: string) => console.log(line));
    deathsInARow += 1;
    const delayMs = Math.min((s.initialDelayMs ?? 250) * 2 ** (deathsInARow - 1), s.maxDelayMs ?? 30_000);
    const exit = describeExit(code, signal);
    report(`[supervisor] ${name} (pid ${child.pid}) died: ${exit}; restart ${restarts + 1} in ${delayMs} ms`);
    if (deathsInARow >= (s.keepsDyingAfter ?? 5)) {
      report(
        `[supervisor] ${name} KEEPS DYING: ${deathsInARow} deaths in a row, each within ${(s.stableMs ?? 30_000) / 1000} s of its start (last: ${exit}).` +
          ` Still restarting every ${delayMs / 1000} s. ${options.logFile ? `Log: ${options.logFile}. ` : ''}Last lines:\n    ${tail.join('\n    ')}`,
      );
    }
    restartTimer = setTimeout(() => {
      if (stopping) return;
      restarts += 1;
      toLog(`[supervisor] restart ${restarts} of ${name} after ${exit}\n`);
      current = run(s.env);
      stableTimer = setTimeout(() => {
        deathsInARow = 0;
      }, s.stableMs ?? 30_000);
      stableTimer.unref();
      s.onRestart?.({ name, attempt: restarts, exit, delayMs, pid: current.child.pid });
    }, delayMs);
  }

  /**
   * Ends the process for good, never restarted: SIGTERM, then SIGKILL after `graceMs` (a stop), or
   * SIGKILL at once when `graceMs` is undefined (a crash: nothing of it gets to clean up).
   */
  const halt = async (graceMs: number | undefined) => {
    stopping = true;
    clearTimeout(restartTimer);
    clearTimeout(stableTimer);
    const { child, exited } = current;
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const pid = child.pid;
      const send = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch {
          /* already gone */
        }
      };
      send(graceMs === undefined ? 'SIGKILL' : 'SIGTERM');
      const killer = graceMs === undefined ? undefined : setTimeout(() => send('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    }
    log?.end();
  };
  const stop = () => halt(10_000);
  const powerOff = () => halt(undefined);

  return {
    name,
    get child() {
      return current.child;
    },
    get restarts() {
      return restarts;
    },
    get lastLines() {
      return [...tail];
    },
    supervise: (supervise = {}) => {
      supervision = supervise;
      clearTimeout(stableTimer);
      stableTimer = setTimeout(() => {
        deathsInARow = 0;
      }, supervise.stableMs ?? 30_000);
      stableTimer.unref();
    },
    stop,
    powerOff,
  };
}
