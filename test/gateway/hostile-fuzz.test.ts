// Hostile shapes beyond the schema (issue 18), through every operation of the
// gateway's own /openapi.json, so a new route is fuzzed the day it is published:
// long strings ending in a control character, nesting 60,000 deep, huge and
// ambiguous numbers, duplicate and prototype keys, unicode that is not text,
// wrong content types, empty and broken bodies, hostile path parameters, query
// strings and headers (test/support/hostile-shapes.ts), each as an anonymous
// caller, a customer and an admin, with and without an Idempotency-Key. To stay
// within a couple of minutes, a caller the route refuses before reading the input
// (anonymous on a signed-in route, a customer on an admin route) gets a sample of
// SAMPLE shapes, and so does the Idempotency-Key on a route that takes none.
// Asserted:
// - no 5xx, and every answer arrives (no timeout);
// - every 4xx is problem+json;
// - no stall: no process's event loop blocked past 50 ms by a request (the stall
//   watchdog on every /metrics; a batch that stalled is measured again and only
//   requests that stall on every try are blamed, test/support/stalls.ts);
// - nothing stored: every service database and the Redis keys of carts,
//   checkouts and idempotency are as they were before (no Idempotency-Key left,
//   not even an in-flight marker, checked by name too).
// The order of requests is shuffled by a seed printed at the start (HOSTILE_SEED
// replays a run).
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { Api } from '../support/api.js';
import { hostileRequests, sendHostile, type HostileAnswer, type HostileRequest } from '../support/hostile-shapes.js';
import { operationsOf, type Operation } from '../support/openapi-operations.js';
import { StallProbe, STALL_BUDGET_MS, describeStalls } from '../support/stalls.js';
import { settledSnapshot, storedSnapshot } from '../support/stored.js';
import { isolatedSystemOptions } from '../support/system.js';

const SEED = Number(process.env.HOSTILE_SEED ?? randomInt(2 ** 31));
/** Requests in flight at once: enough to finish in time, few enough for a shared 2-core machine. */
const CONCURRENCY = 4;
/** Shapes sent where the route answers before reading them (401, 403) or ignores the header. */
const SAMPLE = 8;

let system: RunningSystem;
let prefix: string;
let roles: Array<{ role: string; headers: Record<string, string>; passes: (op: Operation) => boolean }>;

beforeAll(async () => {
  const options = await isolatedSystemOptions('fuzz', {
    env: {
      SEED_DEMO: 'true',
      RATE_LIMIT_PER_USER: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
      LOGIN_FAILURES_PER_IP: '1000000',
      LOGIN_FAILURES_PER_ACCOUNT: '1000000',
    },
  });
  prefix = options.prefix;
  system = await startSystem(options);
  const api = new Api(`${system.gatewayUrl}/api/v1`);
  const customer = await api.account('fuzz');
  const admin = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  roles = [
    { role: 'anonymous', headers: {}, passes: (op) => op.public },
    { role: 'customer', headers: { Authorization: `Bearer ${customer.token}` }, passes: (op) => !op.restricted },
    { role: 'admin', headers: { Authorization: `Bearer ${admin}` }, passes: () => true },
  ];
}, 240_000);
afterAll(async () => {
  await system?.stop();
});

/** A small deterministic generator (mulberry32), so a seed replays the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Sent {
  what: string;
  request: HostileRequest;
  headers: Record<string, string>;
  answer: HostileAnswer;
}

async function sendAll(items: Array<{ what: string; request: HostileRequest; headers: Record<string, string> }>): Promise<Sent[]> {
  const sent: Sent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        sent.push({ ...item, answer: await sendHostile(system.gatewayUrl, item.request, item.headers) });
      }
    }),
  );
  return sent;
}

/** What is wrong with one answer, if anything. */
function fault({ answer, request }: Sent): string | undefined {
  if (answer.status === 0) return `no answer: ${answer.excerpt}`;
  // Every body is one the schema refuses (test/support/hostile-shapes.ts): taking it is a hole.
  if (answer.status < 300 && request.body !== undefined) return `${answer.status}: a hostile body was accepted: ${answer.excerpt}`;
  if (answer.status >= 500) return `${answer.status} ${answer.excerpt}`;
  if (answer.status >= 400 && !answer.contentType.includes('application/problem+json'))
    return `${answer.status} as ${answer.contentType || 'no content type'}: ${answer.excerpt}`;
  return undefined;
}

describe('hostile shapes through every published operation', () => {
  it('no 5xx, problem+json for every 4xx, no stall, nothing stored', async () => {
    console.log(`hostile fuzz seed ${SEED} (HOSTILE_SEED=${SEED} replays this order)`);
    const operations: Operation[] = await operationsOf(system.gatewayUrl);
    expect(operations.length).toBeGreaterThan(20);
    const probe = new StallProbe(system);
    const before = await settledSnapshot(prefix);
    const faults: string[] = [];
    const stalls: string[] = [];
    let total = 0;
    const started = performance.now();

    for (const op of shuffled(operations, SEED)) {
      const base = op.path.replace(/^\/api\/v1/, '');
      for (const { role, headers, passes } of roles) {
        for (const withKey of [false, true]) {
          const shapes = shuffled(hostileRequests(op), SEED + total);
          const all = passes(op) && (op.takesKey || !withKey);
          // A key of its own for each request: one key with several bodies is a 422 by design.
          const items = (all ? shapes : shapes.slice(0, SAMPLE)).map((request) => ({
            what: `${op.method} ${base} as ${role}${withKey ? ' with Idempotency-Key' : ''}: ${request.label}`,
            request,
            headers: withKey ? { ...headers, 'Idempotency-Key': randomUUID() } : headers,
          }));
          total += items.length;
          const counts = await probe.counts();
          const sent = await sendAll(items);
          for (const s of sent) {
            const problem = fault(s);
            if (problem) faults.push(`${s.what} -> ${problem}`);
            // Printed as found, so a run cut short still says what it saw.
            if (problem) console.log(`fault: ${s.what} -> ${problem}`);
          }
          if ((await probe.since(counts)).length === 0) continue;
          // A stall in the batch: the requests that took longest are the suspects; blame one
          // only if it stalls again on every try (the machine is shared, test/support/stalls.ts).
          const suspects = sent.filter((s) => s.answer.ms >= STALL_BUDGET_MS).sort((a, b) => b.answer.ms - a.answer.ms);
          for (const s of suspects.slice(0, 3)) {
            const headersAgain = withKey ? { ...headers, 'Idempotency-Key': randomUUID() } : headers;
            const { stalls: seen, attempts } = await probe.measure(() => sendHostile(system.gatewayUrl, s.request, headersAgain), 3);
            if (seen.length) stalls.push(`${s.what} -> stalled ${attempts}/${attempts} times (${describeStalls(seen)})`);
            if (seen.length) console.log(`stall: ${stalls.at(-1)}`);
          }
        }
      }
    }
    const after = await storedSnapshot(prefix);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`hostile fuzz: ${total} requests over ${operations.length} operations in ${seconds} s, seed ${SEED}`);
    const changed = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
    const report = [
      ...faults.map((f) => `fault: ${f}`),
      ...stalls.map((s) => `stall: ${s}`),
      ...changed.map((k) => `stored: ${k}: ${before[k] ?? 'nothing'} -> ${after[k] ?? 'nothing'}`),
    ];
    if (report.length) console.log(`hostile fuzz findings (seed ${SEED}):\n${report.join('\n')}`);
    expect(faults, 'answers that are 5xx, missing, or 4xx without problem+json').toEqual([]);
    expect(stalls, `requests that block an event loop past ${STALL_BUDGET_MS} ms`).toEqual([]);
    // Named on its own (before the whole snapshot): every request here is refused, so none may leave an Idempotency-Key
    // behind, not even an in-flight marker (they last a minute; gateway/idempotency/store.ts).
    const keysLeft = (after['redis keys'] ?? '').split(' ').filter((k) => k.startsWith('idem:'));
    expect(keysLeft, 'Idempotency-Keys left behind by refused requests').toEqual(
      (before['redis keys'] ?? '').split(' ').filter((k) => k.startsWith('idem:')),
    );
    expect(changed, 'what the hostile requests stored').toEqual([]);
  }, 600_000);
});
