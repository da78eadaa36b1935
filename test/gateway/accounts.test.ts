// The gateway's account check of a token (gateway/auth/accounts.ts) against a
// stand-in users service: answers are cached for the configured time, a change
// shows after it, and while the service cannot answer the last answer is used,
// but an account never seen fails with the service's problem.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTokens } from '../../shared/auth/jwt.js';
import { ServiceClient } from '../../shared/http/service-client.js';
import type { UsersApp } from '../../services/users/app.js';
import { Accounts } from '../../gateway/auth/accounts.js';

const state: Record<string, { roles: string[]; active: boolean }> = { ada: { roles: ['customer'], active: true } };
let lookups = 0;
let server: Server;
let accounts: Accounts;

beforeAll(async () => {
  server = createServer((req, res) => {
    lookups++;
    const id = /^\/users\/([^/]+)\/access$/.exec(req.url ?? '')?.[1];
    const account = id ? state[id] : undefined;
    res.writeHead(account ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify(
        account ? { userId: id, ...account } : { type: 'https://sagashop.dev/problems/not-found', title: 'Not Found', status: 404 },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const users = new ServiceClient<UsersApp>({
    name: 'users',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens: serviceTokens('s'.repeat(40)),
    timeoutMs: 1_000,
  });
  accounts = new Accounts(users, 1);
});
afterAll(async () => {
  if (server.listening) await new Promise((resolve) => server.close(resolve));
});

const afterCache = () => new Promise((r) => setTimeout(r, 1_200));

describe('the account behind a token', () => {
  it('is asked once per cache period, also by concurrent requests, and changes show after it', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => accounts.get('ada')));
    for (const a of answers) expect(a).toEqual({ active: true, roles: ['customer'] });
    expect(lookups).toBe(1);
    state.ada = { roles: ['customer', 'admin'], active: true };
    expect(await accounts.get('ada')).toEqual({ active: true, roles: ['customer'] });
    await afterCache();
    expect(await accounts.get('ada')).toEqual({ active: true, roles: ['customer', 'admin'] });
    expect(await accounts.get('nobody')).toEqual({ active: false, roles: [] });
  });

  it('while the users service is down: the last answer for a known account, a 503 for an unknown one', async () => {
    await new Promise((resolve) => server.close(resolve));
    await afterCache();
    expect(await accounts.get('ada')).toEqual({ active: true, roles: ['customer', 'admin'] });
    await expect(accounts.get('stranger')).rejects.toMatchObject({ status: 503 });
  });
});
