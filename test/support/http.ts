// Calls a service's Hono app in-process with a valid service token.
import type { Caller } from '../../shared/auth/caller.js';
import { serviceTokens } from '../../shared/auth/jwt.js';
import { bodyOf } from '../../shared/http/body.js';

export const TEST_SERVICE_SECRET = 'test-service-token-secret-0123456789abcdef';

export interface AppLike {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface CallOptions {
  caller?: Caller;
  headers?: Record<string, string>;
  /** Send without a service token (to prove it is required). */
  anonymous?: boolean;
  rawBody?: string;
}

export async function call(
  app: AppLike,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (!options.anonymous) {
    headers.Authorization = `Bearer ${await serviceTokens(TEST_SERVICE_SECRET).sign(options.caller ?? { userId: 'system', roles: ['admin'] })}`;
  }
  let payload: string | undefined = options.rawBody;
  if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await app.request(path, { method, headers, body: payload });
  const parsed = await bodyOf(res);
  return { status: res.status, body: parsed, headers: res.headers };
}
