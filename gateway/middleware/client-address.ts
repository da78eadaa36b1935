// The caller's address, which keys the per-address rate limit and the login
// failure limit. Behind proxies (TRUST_PROXY=true) it is taken from
// X-Forwarded-For, where each proxy appends the address it received the request
// from. Only the entries appended by our own proxies can be believed: whatever
// stands left of them was written by the client, who could otherwise pick a new
// address, and a fresh budget, for every request. With TRUSTED_PROXY_HOPS proxies
// in front of the gateway, the client's address is the entry that many places from
// the right (the right-most one behind a single proxy).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { GatewayConfig } from '../config.js';

/** How many X-Forwarded-For entries our own proxies append (0: the header is not believed at all). */
export const proxyHops = (config: Pick<GatewayConfig, 'TRUST_PROXY' | 'TRUSTED_PROXY_HOPS'>): number =>
  config.TRUST_PROXY === 'true' ? config.TRUSTED_PROXY_HOPS : 0;

/** The socket's address, or with `trustedHops` proxies in front, the address the outermost one saw. */
export function clientAddress(c: Context, trustedHops: number): string {
  if (trustedHops > 0) {
    // Several X-Forwarded-For headers arrive joined with commas, in order.
    const hops = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request passed fewer of them; the left-most is then theirs too.
    if (hops.length) return hops[Math.max(0, hops.length - trustedHops)]!;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by node (e.g. app.request in tests)
  }
}
