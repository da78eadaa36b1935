// How every process of sagashop starts and stops (the gateway and each service):
// parse and check its configuration, open the connections its entry point asks
// for (each registers its readiness check and its close, see ./process-resources.ts),
// serve its Hono app, run its Temporal worker, watch the event loop for stalls
// (./stall-watchdog.ts, shown on /metrics), log one 'listening' line, and on
// SIGINT/SIGTERM stop in reverse order: HTTP first, then the worker, then the
// connections, and last the tracing the preload started (./telemetry/preload.ts).
// A start-up error ends the process with exit code 1 and a readable message.
//
// A Node process runs one such part (services/<name>/main.ts, gateway/main.ts) or
// all of them (the one-process shop, shop/main.ts): a NodeProcess is the signals,
// the stop order and the resources its parts share (./process-resources.ts).
import { serve } from '@hono/node-server';
import type { Worker } from '@temporalio/worker';
import type { z } from 'zod';
import { parseEnv, type CommonConfig, type HttpConfig } from './config.js';
import type { HealthChecks } from './http/health.js';
import { createLogger, type Logger } from './logger.js';
import { SharedResources } from './process-resources.js';
import { startStallWatchdog, type StallWatchdog } from './stall-watchdog.js';
import { tracing as preloadedTracing } from './telemetry/preload.js';
import type { Tracing } from './telemetry/tracing.js';

type Stop = () => Promise<void> | void;

export interface ProcessContext<C> {
  name: string;
  config: C;
  /** The environment this part was started with, for settings with open-ended names (TEMPORAL_GRPC_META_*). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Set when the process traces (OTEL_EXPORTER_OTLP_ENDPOINT, see shared/telemetry/switch.ts). */
  tracing?: Tracing;
  /** Readiness checks of this part; each connection opened for it adds its own. */
  checks: HealthChecks;
  /** Measures how long the event loop is blocked; each app shows it on /metrics. */
  watchdog: StallWatchdog;
  /** The connections this part shares with the other parts of its Node process. */
  resources: SharedResources;
  onStop: (stop: Stop) => void;
}

export interface Started {
  app: { fetch: (request: Request) => Response | Promise<Response> };
  /** The part's Temporal worker, run until the process stops. */
  worker?: Worker;
}

export interface ProcessDefinition<C extends CommonConfig> {
  name: string;
  env: z.ZodType<C>;
  /** Where the HTTP server listens; PORT and HOST unless the part names its own variables. */
  listenOn?: (config: C) => HttpConfig;
  start(ctx: ProcessContext<C>): Promise<Started>;
}

/** Names a definition's configuration type from its schema (no annotation at the call site). */
export const defineProcess = <C extends CommonConfig>(definition: ProcessDefinition<C>): ProcessDefinition<C> => definition;

const httpSettingsOf = (config: unknown): HttpConfig => {
  const { PORT, HOST } = config as Partial<HttpConfig>;
  if (PORT === undefined || HOST === undefined) throw new Error('a process without PORT and HOST must say where it listens (listenOn)');
  return { PORT, HOST };
};

// Instrumentations must be in place before the entry point's imports load the
// drivers; a process started without the preload would trace only its Temporal calls.
const preloadedByFlag = () => [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('telemetry/preload'));

export interface NodeProcessOptions {
  tracing?: Tracing | undefined;
  /** Several parts in this process: their workers share one Temporal runtime and connection, and all one MongoDB client. */
  shared?: boolean;
}

/** One Node process: its signals, its stop order, its watchdog, and the parts it runs. */
export class NodeProcess {
  readonly logger: Logger;
  private readonly tracing: Tracing | undefined;
  private readonly stoppers: Stop[] = [];
  private readonly watchdog: StallWatchdog;
  private readonly resources: SharedResources;
  private stopping = false;

  constructor(
    readonly name: string,
    { tracing = preloadedTracing, shared = false }: NodeProcessOptions = {},
  ) {
    this.tracing = tracing;
    this.logger = createLogger(name, undefined, { traceContext: tracing?.logContext });
    // First in, so it runs last: spans of the worker's final tasks are exported too.
    if (tracing) this.stoppers.push(() => tracing.shutdown());
    process.once('SIGINT', () => void this.stop(0));
    process.once('SIGTERM', () => void this.stop(0));
    if (tracing && !preloadedByFlag())
      this.logger.warn(
        'tracing started after the drivers loaded: HTTP, MongoDB and Redis calls are not traced; start the process with --import <dist>/shared/telemetry/preload.js',
      );
    this.watchdog = startStallWatchdog(this.logger);
    this.stoppers.push(() => this.watchdog.stop());
    this.resources = new SharedResources({ process: name, logger: this.logger, shared });
  }

  /** Starts one part: its configuration from `env`, its app on its port, its worker. Resolves with the URL it listens on. */
  async start<C extends CommonConfig>(definition: ProcessDefinition<C>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const config = parseEnv(definition.env, env);
    const logger =
      this.name === definition.name ? this.logger : createLogger(definition.name, undefined, { traceContext: this.tracing?.logContext });
    const ctx: ProcessContext<C> = {
      name: definition.name,
      config,
      env,
      logger,
      ...(this.tracing ? { tracing: this.tracing } : {}),
      checks: {},
      watchdog: this.watchdog,
      resources: this.resources,
      onStop: (stop) => this.stoppers.push(stop),
    };
    const { app, worker } = await definition.start(ctx);
    if (worker) this.runWorker(ctx, worker);
    const { PORT, HOST } = (definition.listenOn ?? httpSettingsOf)(config);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: PORT, hostname: HOST }, () => resolve(s));
    });
    ctx.onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const url = `http://${HOST}:${typeof address === 'object' && address ? address.port : PORT}`;
    // The launcher reads this line to learn the port when PORT=0.
    logger.info({ port: new URL(url).port, url, taskQueue: worker?.options.taskQueue }, 'listening');
    return url;
  }

  /** Logs why start-up failed and stops what had started, with exit code 1. */
  async fail(error: unknown): Promise<void> {
    this.logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
    await this.stop(1);
  }

  private async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const stop of this.stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.warn({ err: error }, 'error while stopping');
      }
    }
    process.exit(code);
  }

  private runWorker(ctx: ProcessContext<unknown>, worker: Worker): void {
    const running = worker.run();
    ctx.checks.worker = () =>
      worker.getState() === 'RUNNING' ? Promise.resolve() : Promise.reject(new Error(`worker is ${worker.getState()}`));
    ctx.onStop(async () => {
      // The SDK stops its workers on SIGINT/SIGTERM by itself; shut down only if that has not begun.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    running.catch((error: unknown) => {
      ctx.logger.fatal({ err: error }, 'worker stopped');
      process.kill(process.pid, 'SIGTERM');
    });
  }
}

/** A process of one part: services/<name>/main.ts and gateway/main.ts. */
export async function runProcess<C extends CommonConfig>(
  definition: ProcessDefinition<C>,
  tracing: Tracing | undefined = preloadedTracing,
): Promise<void> {
  const node = new NodeProcess(definition.name, { tracing });
  try {
    await node.start(definition);
  } catch (error) {
    await node.fail(error);
  }
}
