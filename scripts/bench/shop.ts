// The shop a benchmark orders from: a customer and products with enough stock
// for every order of the run, set up through the gateway's API as an admin would.
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { z } from 'zod';
import type { Shop } from './scenarios.js';

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(json);
const put = (url: string, body: unknown, token: string) =>
  fetch(url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).then(json);

const accessTokenOf = (answer: unknown): string => z.object({ accessToken: z.string() }).parse(answer).accessToken;

/** `skuCount` products (1: every order contends for one stock document) and a customer who orders them. */
export async function seedShop(api: string, skuCount: number, pollMs: number): Promise<Shop> {
  const admin = accessTokenOf(await post(`${api}/auth/login`, { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password }));
  const skus = Array.from({ length: skuCount }, (_, i) => `BENCH-WIDGET-${i + 1}`);
  for (const sku of skus) {
    await put(
      `${api}/products/${sku}`,
      { name: `Bench widget ${sku}`, description: 'for benchmarks', priceCents: 1000, currency: 'EUR' },
      admin,
    );
    await put(`${api}/inventory/${sku}`, { available: 1_000_000 }, admin);
  }
  const email = `bench-${Date.now()}@example.com`;
  await post(`${api}/auth/register`, { email, password: 'bench-password-1', name: 'Bench' });
  const token = accessTokenOf(await post(`${api}/auth/login`, { email, password: 'bench-password-1' }));
  return { api, token, skus, pollMs };
}
