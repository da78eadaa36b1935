// The stall watchdog's promise (issue 18): no single request blocks the event
// loop of the gateway or of any service for more than 50 ms. For every operation
// of /openapi.json (so a new route is covered the day it is published) the worst
// requests it can be sent, as an admin (whom no route refuses before reading the
// input), one at a time:
// - every string member at its longest allowed length, ending in a bad character;
// - one string member filling a body just under the 1 MiB limit, ending in a
//   control character, grown in steps (16 KiB, 128 KiB, ~1 MiB) so that a rule
//   that is quadratic shows at the first step instead of freezing the run;
// - every array at its most items, and an array filling the whole body;
// - a body of ~1 MiB nested as deep as it goes, and one of ~1 MiB of members;
// - with an Idempotency-Key where the route takes one (its fingerprint of the
//   body is part of the work);
// - the longest path parameters, query values and headers the server reads.
// Each process's stall watchdog (eventloop_stall_seconds on /metrics) is read
// before and after each request; a request is blamed only if it stalls on each
// of 4 tries, since on a shared machine another program can take the CPU from a
// process for 50 ms too (test/support/stalls.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../shared/http/service-app.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { Api } from '../support/api.js';
import { sendHostile, type HostileRequest } from '../support/hostile-shapes.js';
import { leavesOf, operationsOf, pathOf, plausible, withAt, type Operation } from '../support/openapi-operations.js';
import { StallProbe, STALL_BUDGET_MS, describeStalls } from '../support/stalls.js';
import { isolatedSystemOptions } from '../support/system.js';

const BAD = '\u0007';
/** Room for the rest of the body under the limit. */
const BODY_ROOM = 2_048;
const STEPS = [16 * 1024, 128 * 1024, MAX_BODY_BYTES - BODY_ROOM];
/** As long as a path, query value or header can be: Node reads at most 16 KiB of headers in all. */
const LONG_PARAM = 8_000;

let system: RunningSystem;
let admin: Record<string, string>;

beforeAll(async () => {
  system = await startSystem(
    await isolatedSystemOptions('stall', {
      env: { SEED_DEMO: 'true', RATE_LIMIT_PER_USER: '1000000', RATE_LIMIT_PER_IP: '1000000' },
    }),
  );
  const token = await new Api(`${system.gatewayUrl}/api/v1`).login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  admin = { Authorization: `Bearer ${token}` };
}, 240_000);
afterAll(async () => {
  await system?.stop();
});

const json = { 'Content-Type': 'application/json' };

/** One string member grown step by step; the larger steps only while the smaller did not stall. */
interface Ladder {
  label: string;
  steps: HostileRequest[];
}

/** The worst requests of one operation: single ones, and ladders. */
function worstOf(op: Operation): Array<HostileRequest | Ladder> {
  const path = pathOf(op);
  const out: Array<HostileRequest | Ladder> = [];
  const request = (label: string, body?: unknown, extra: { url?: string; headers?: Record<string, string> } = {}): HostileRequest => ({
    label,
    method: op.method,
    url: extra.url ?? path,
    headers: { ...json, ...extra.headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (op.body) {
    const template = plausible(op.body);
    const leaves = leavesOf(op.body);
    const strings = leaves.filter((l) => l.schema.type === 'string');
    const longest = strings.reduce(
      (body, l) => withAt(body, l.path, `${'a'.repeat(Math.max(0, (l.schema.maxLength ?? 200) - 1))}${BAD}`),
      template,
    );
    out.push(request('every string at its longest, ending in a control character', longest));
    for (const leaf of strings)
      out.push({
        label: `${leaf.path.join('.')} filling the body, ending in a control character`,
        steps: STEPS.map((size) =>
          request(`${leaf.path.join('.')}: ${size} characters`, withAt(template, leaf.path, `${'a'.repeat(size)}${BAD}`)),
        ),
      });
    for (const leaf of leaves.filter((l) => l.schema.type === 'array')) {
      const item = plausible(leaf.schema.items ?? {});
      out.push(
        request(`${leaf.path.join('.')} at its most items`, withAt(template, leaf.path, Array(leaf.schema.maxItems ?? 100).fill(item))),
      );
      const fill = Math.floor((MAX_BODY_BYTES - BODY_ROOM) / (JSON.stringify(item).length + 1));
      out.push(request(`${leaf.path.join('.')} filling the body`, withAt(template, leaf.path, Array(fill).fill(item))));
    }
    const depth = Math.floor((MAX_BODY_BYTES - BODY_ROOM) / 2);
    out.push(request(`an array ${depth} deep`, `${'['.repeat(depth)}${']'.repeat(depth)}`));
    const members = Math.floor((MAX_BODY_BYTES - BODY_ROOM) / 12);
    out.push(request(`${members} unknown members`, `{${Array.from({ length: members }, (_, i) => `"k${i}":1`).join(',')}}`));
  }
  for (const param of op.params.filter((p) => p.in === 'path'))
    out.push(
      request(`path ${param.name} of ${LONG_PARAM} characters`, undefined, {
        url: pathOf(op, { [param.name]: `${'A'.repeat(LONG_PARAM)}%07` }),
      }),
    );
  for (const param of op.params.filter((p) => p.in === 'query'))
    out.push(
      request(`query ${param.name} of ${LONG_PARAM} characters`, undefined, { url: `${path}?${param.name}=${'a'.repeat(LONG_PARAM)}%07` }),
    );
  out.push(
    request(`Prefer of ${LONG_PARAM} characters`, undefined, { headers: { Prefer: `wait=1,${'x=1;y=2,'.repeat(LONG_PARAM / 8)}` } }),
  );
  return out;
}

describe('no request stalls an event loop', () => {
  it(`the worst request of every operation keeps every process within ${STALL_BUDGET_MS} ms`, async () => {
    const operations = await operationsOf(system.gatewayUrl);
    expect(operations.length).toBeGreaterThan(20);
    const probe = new StallProbe(system);
    const stalled: string[] = [];
    let measured = 0;
    const measure = async (op: Operation, req: HostileRequest) => {
      measured++;
      // With a key of its own each try: the key is part of the work (its body's fingerprint).
      const headers = () => ({ ...admin, ...(op.takesKey ? { 'Idempotency-Key': randomUUID() } : {}) });
      const { stalls, attempts } = await probe.measure(() => sendHostile(system.gatewayUrl, req, headers(), 120_000));
      if (stalls.length)
        stalled.push(`${op.method} ${op.path}: ${req.label} -> stalled ${attempts}/${attempts} times (${describeStalls(stalls)})`);
      return stalls.length > 0;
    };
    for (const op of operations)
      for (const worst of worstOf(op)) {
        if (!('steps' in worst)) await measure(op, worst);
        else for (const step of worst.steps) if (await measure(op, step)) break;
      }
    console.log(
      `stall test: ${measured} requests measured over ${operations.length} operations${stalled.length ? `\n${stalled.join('\n')}` : ''}`,
    );
    expect(stalled).toEqual([]);
  }, 900_000);
});
