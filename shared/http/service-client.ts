// Calls another service through Hono's RPC client, typed from that service's own
// route definitions (`hc<typeof app>`; callers import the app's type only). Every
// call goes through one budgeted fetch: a fresh service token naming the caller,
// the request id, and a timeout that covers the whole answer, body included. A
// failed call becomes a problem the caller can pass on: a service that is down
// gives 503, one that is too slow 504, one that breaks off its answer or fails 502
// (its own 503/504 stay what they are); its 4xx is the client's problem and is
// passed on as it is, unless the call accepts that status (e.g. 404 for a lookup).
import type { Hono } from 'hono';
import { hc } from 'hono/client';
import type { Caller } from '../auth/caller.js';
import type { Tokens } from '../auth/jwt.js';
import { HttpProblem, problemTypeOf, type FieldError } from '../problem.js';

export interface ServiceClientOptions {
  name: string;
  baseUrl: string;
  tokens: Tokens;
  timeoutMs: number;
}

export interface CallContext {
  caller: Caller;
  requestId?: string;
  /** This call's budget, when it is not the client's. */
  timeoutMs?: number;
  /** Statuses to hand back as answers instead of throwing (e.g. 404 for lookups). */
  accept?: readonly number[];
}

const isTimeout = (error: unknown) => error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
// Statuses whose Response may not carry a body.
const NULL_BODY = new Set([101, 204, 205, 304]);

type FetchInput = Parameters<typeof fetch>[0];

// The same constraint as hc's own: any app, whatever its env and routes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class ServiceClient<App extends Hono<any, any, any>> {
  constructor(private readonly options: ServiceClientOptions) {}

  get name(): string {
    return this.options.name;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The service's routes, called for `ctx.caller` under the call's budget. */
  as(ctx: CallContext): ReturnType<typeof hc<App>> {
    return hc<App>(this.options.baseUrl, {
      fetch: (input: FetchInput, init?: RequestInit) => this.fetch(input, init, ctx),
      headers: async (): Promise<Record<string, string>> => ({
        Authorization: `Bearer ${await this.options.tokens.sign(ctx.caller)}`,
        Accept: 'application/json',
        ...(ctx.requestId ? { 'X-Request-Id': ctx.requestId } : {}),
      }),
    });
  }

  /** A fetch whose budget covers the body: the answer comes back read to its end, or as a problem. */
  private async fetch(input: FetchInput, init: RequestInit | undefined, ctx: CallContext): Promise<Response> {
    const { name } = this.options;
    const timeoutMs = ctx.timeoutMs ?? this.options.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const tooSlow = (cause: unknown) =>
      new HttpProblem('timeout', { detail: `the ${name} service did not answer within ${timeoutMs} ms`, cause });
    let res: Response;
    try {
      res = await fetch(input, { ...init, signal });
    } catch (error) {
      if (isTimeout(error)) throw tooSlow(error);
      throw new HttpProblem('unavailable', { detail: `the ${name} service is unavailable`, cause: error });
    }
    // A service that sends its headers and then stalls is as slow as one that never
    // answers; one that breaks off mid-body failed.
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      if (isTimeout(error)) throw tooSlow(error);
      throw new HttpProblem('bad-gateway', { detail: `the ${name} service broke off its answer`, cause: error });
    }
    if (res.ok || ctx.accept?.includes(res.status)) {
      const contentType = res.headers.get('content-type');
      return new Response(NULL_BODY.has(res.status) ? null : text, {
        status: res.status,
        statusText: res.statusText,
        headers: contentType ? { 'Content-Type': contentType } : {},
      });
    }
    throw this.failure(res.status, text);
  }

  private failure(status: number, text: string): HttpProblem {
    const { name } = this.options;
    let body: { type?: unknown; detail?: unknown; errors?: FieldError[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      /* not a problem document */
    }
    const detail = typeof body.detail === 'string' ? body.detail : undefined;
    if (status === 503)
      return new HttpProblem('unavailable', { detail: `the ${name} service is unavailable${detail ? `: ${detail}` : ''}` });
    if (status === 504) return new HttpProblem('timeout', { detail: `the ${name} service timed out${detail ? `: ${detail}` : ''}` });
    if (status >= 500) return new HttpProblem('bad-gateway', { detail: `the ${name} service failed (${status})` });
    // A 4xx is the client's problem: passed on as it is.
    return new HttpProblem(problemTypeOf(status, body.type), {
      detail: detail ?? `the ${name} service answered ${status}`,
      ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
    });
  }
}
