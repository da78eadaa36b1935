// Which X-Forwarded-For entry keys the per-address limits: the one our own proxies
// appended (TRUSTED_PROXY_HOPS from the right), never what the client wrote left of it.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../gateway/config.js';
import { clientAddress, proxyHops } from '../../gateway/middleware/client-address.js';

const addressFor = async (trustedHops: number, forwardedFor?: string) => {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, trustedHops)));
  const res = await app.request('/', { headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor } });
  return res.text();
};

describe('clientAddress', () => {
  it('behind one proxy takes the right-most entry, whatever the client put before it', async () => {
    expect(await addressFor(1, '203.0.113.7')).toBe('203.0.113.7');
    expect(await addressFor(1, '1.1.1.1, 2.2.2.2,203.0.113.7')).toBe('203.0.113.7');
    expect(await addressFor(1, ' 1.1.1.1 ,, 203.0.113.7 ')).toBe('203.0.113.7');
  });

  it('behind N proxies takes the entry N places from the right; a shorter list its left-most', async () => {
    expect(await addressFor(2, 'forged, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
    expect(await addressFor(3, '203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
  });

  it('without a trusted proxy, or without the header, ignores X-Forwarded-For', async () => {
    expect(await addressFor(0, '203.0.113.7')).toBe('unknown');
    expect(await addressFor(1)).toBe('unknown');
    expect(await addressFor(1, ' , ')).toBe('unknown');
  });

  it('TRUSTED_PROXY_HOPS counts only with TRUST_PROXY=true, and is validated', () => {
    const urls = Object.fromEntries(
      ['USERS', 'CATALOG', 'INVENTORY', 'CART', 'ORDERS', 'PAYMENTS', 'NOTIFICATIONS', 'SHIPPING'].map((s) => [
        `${s}_URL`,
        'http://127.0.0.1:1',
      ]),
    );
    expect(proxyHops(loadGatewayConfig({ ...urls }))).toBe(0);
    expect(proxyHops(loadGatewayConfig({ ...urls, TRUST_PROXY: 'true' }))).toBe(1);
    expect(proxyHops(loadGatewayConfig({ ...urls, TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '2' }))).toBe(2);
    expect(() => loadGatewayConfig({ ...urls, TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '0' })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});
