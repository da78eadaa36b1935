// Calls another service's HTTP API with a fresh service token, a per-call timeout
// and the request id, and turns failures into problems the caller can pass on:
// a service that is down gives 503, one that is too slow gives 504, one that
// breaks off its answer 502.
import { HttpProblem, problem } from '../problem.js';
import { signServiceToken, type Caller } from '../service-auth.js';

export interface ServiceClientOptions {
  name: string;
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
}

export interface CallInit {
  caller: Caller;
  body?: unknown;
  requestId?: string;
  timeoutMs?: number;
  /** Statuses to hand back as values instead of throwing (e.g. 404 for lookups). */
  accept?: number[];
}

export interface ServiceResponse<T> {
  status: number;
  body: T;
}

export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  get name(): string {
    return this.options.name;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async call<T = unknown>(method: string, path: string, init: CallInit): Promise<ServiceResponse<T>> {
    const { name, baseUrl, secret } = this.options;
    const timeoutMs = init.timeoutMs ?? this.options.timeoutMs ?? 5_000;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await signServiceToken(secret, init.caller)}`,
      Accept: 'application/json',
    };
    if (init.requestId) headers['X-Request-Id'] = init.requestId;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw problem.timeout(`the ${name} service did not answer within ${timeoutMs} ms`);
      }
      throw problem.unavailable(`the ${name} service is unavailable`);
    }
    // The budget covers the body too: a service that sends its headers and then
    // stalls is as slow as one that never answers; one that breaks off mid-body failed.
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw problem.timeout(`the ${name} service did not answer within ${timeoutMs} ms`);
      }
      throw problem.badGateway(`the ${name} service broke off its answer`);
    }
    let body: unknown = undefined;
    if (text) {
      try { body = JSON.parse(text); } catch { body = text; }
    }
    if (res.ok || init.accept?.includes(res.status)) return { status: res.status, body: body as T };
    if (res.status >= 500) throw problem.badGateway(`the ${name} service failed (${res.status})`);
    // 4xx from a service is the caller's problem: pass it on as it is.
    const p = (body ?? {}) as { detail?: string; errors?: unknown; type?: string };
    const slug = typeof p.type === 'string' ? p.type.split('/').pop() ?? 'error' : 'error';
    throw new HttpProblem(res.status as 400, slug, p.detail ?? res.statusText, p.errors ? { errors: p.errors } : {});
  }
}
