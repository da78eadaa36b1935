// Preloaded into every process (`node --import <this module> <entry>`; the
// launcher does it, compose and k8s put it in the command or NODE_OPTIONS):
// tracing has to be in place before the entry point's imports load node:http,
// mongodb and ioredis, or the instrumentations never see them. With tracing
// not configured (./switch.ts) it does nothing and loads nothing else.
// Workflow worker threads inherit the preload; they get no tracer of their own
// (workflow spans leave the sandbox through a sink to the main thread's).
import { isMainThread } from 'node:worker_threads';
import { serviceNameOf, tracingConfigured } from './switch.js';
import type { Tracing } from './tracing.js';

export const tracing: Tracing | undefined =
  isMainThread && tracingConfigured()
    ? await (await import('./tracing.js')).startTracing({ serviceName: serviceNameOf(), hookEsm: true })
    : undefined;
