// A small client of the public API for tests on a running system: JSON in and
// out, bearer tokens, accounts, and the problem+json check every test needs.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { uniqueName } from './stack.js';
import { bodyOf } from '../../shared/http/body.js';
import { IdBody, TokenBody, bodyAs } from './bodies.js';
import { anyString } from './matchers.js';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' } as const;

export class Api {
  /** `base` is the API root, e.g. http://127.0.0.1:1234/api/v1. */
  constructor(readonly base: string) {}

  async request(method: string, path: string, { body, token, headers = {} }: RequestOptions = {}): Promise<Answer> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await bodyOf(res);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.request('POST', '/auth/login', { body: { email, password } });
    expect(res.status).toBe(200);
    return bodyAs(res, TokenBody).accessToken;
  }

  /** A new customer account, signed in. */
  async account(label: string): Promise<{ id: string; email: string; token: string }> {
    const email = `${uniqueName(label)}@example.com`;
    const reg = await this.request('POST', '/auth/register', { body: { email, password: 'correct-horse-battery', name: label } });
    expect(reg.status).toBe(201);
    return { id: bodyAs(reg, IdBody).id, email, token: await this.login(email, 'correct-horse-battery') };
  }

  /** POST /orders with a fresh Idempotency-Key unless one is given. */
  placeOrder(
    token: string,
    items: Array<{ sku: string; quantity: number }>,
    opts: { paymentToken?: string; key?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return this.request('POST', '/orders', {
      token,
      body: { items, paymentToken: opts.paymentToken ?? 'tok_visa', shippingAddress: ADDRESS },
      headers: { 'Idempotency-Key': opts.key ?? randomUUID(), ...opts.headers },
    });
  }
}

export function expectProblem(res: Answer, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: anyString(), title: anyString() });
}

/**
 * A request resent with its Idempotency-Key, as a client does, while it is answered with one of
 * `resendOn` (504: its outcome was not known within the gateway's Temporal budget, which a loaded
 * machine may exceed): a resend joins the first or finds its outcome. At most 10 sends, 500 ms apart.
 */
export async function resentUntilAnswered(send: () => Promise<Answer>, resendOn: readonly number[] = [504]): Promise<Answer> {
  let last: Answer | undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    last = await send();
    if (!resendOn.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`answered only ${resendOn.join(' or ')}, 10 times: ${JSON.stringify(last?.body)}`);
}
