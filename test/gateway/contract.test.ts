// The published contract is the real one: Schemathesis (a property-based API
// fuzzer, provisioned by scripts/provision/python-tools.ts) reads /openapi.json of
// a running system and sends what it describes, valid and invalid, and every
// method a path does not take, with every check it has: no 5xx, only documented
// statuses, content types and headers, bodies that match their schemas, invalid
// input refused, valid input accepted, authentication enforced, 405 with Allow.
// It must find nothing, and warn of nothing (schemathesis.toml: warnings.fail-on):
// a warning means a part of the API the run never reached, e.g. an operation that
// only ever answered 404 or 401. So it runs with real data it cannot draw itself
// (orders, a shipment, a login; schemathesis_hooks.py), as an admin and as a
// customer (every operation a customer may call), both with a fresh seed each run,
// printed so a failure can be replayed (CONTRACT_SEED=<seed>). The summaries are
// printed either way.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMATHESIS_VERSION, schemathesisPath } from '../../scripts/provision/python-tools.js';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { Api } from '../support/api.js';
import { OrderIdBody, RolesBody, ShipmentBody, StatusBody, bodyAs } from '../support/bodies.js';
import { operationsOf } from '../support/openapi-operations.js';
import { isolatedSystemOptions } from '../support/system.js';

/**
 * Cases per operation and phase: enough to find a gap, few enough for both runs to
 * take about three minutes together on a 2-core CI machine (at 50, the admin run alone took 142 s).
 */
const EXAMPLES = 20;
const SEED = Number(process.env.CONTRACT_SEED ?? randomInt(2 ** 31));
const PASSWORD = 'correct-horse-battery';

let system: RunningSystem;
let api: Api;
let admin: string;
let customer: { id: string; email: string; token: string };
/** Operations only some signed-in callers may use (they document a 403): left out of the customer's run. */
let restricted: string[];
/** Real data per run, for the hooks (schemathesis_hooks.py: SAGASHOP_KNOWN). */
let known: Record<'admin' | 'customer', { path: Record<string, Record<string, string>>; body: Record<string, Record<string, string>> }>;

beforeAll(async () => {
  // Generous limits: the fuzzer sends thousands of requests from one address and user.
  system = await startSystem(
    await isolatedSystemOptions('contract', {
      env: {
        SEED_DEMO: 'true',
        RATE_LIMIT_PER_USER: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
        LOGIN_FAILURES_PER_IP: '1000000',
        LOGIN_FAILURES_PER_ACCOUNT: '1000000',
        REGISTRATIONS_PER_IP: '1000000',
      },
    }),
  );
  api = new Api(`${system.gatewayUrl}/api/v1`);
  admin = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  customer = await api.account('contract');
  restricted = (await operationsOf(system.gatewayUrl)).filter((op) => op.restricted).map((op) => op.id);

  const place = async (sku: string) => {
    const placed = await api.placeOrder(customer.token, [{ sku, quantity: 1 }]);
    expect(placed.status).toBe(202);
    return bodyAs(placed, OrderIdBody).orderId;
  };
  // One order to read (and, once shipped, whose shipment the admin run reports on), one to
  // cancel in each run, one above the approval threshold for the admin to approve.
  const [shipped, cancelledByCustomer, cancelledByAdmin, awaiting] = await Promise.all([
    place('STICKERS-5'),
    place('STICKERS-5'),
    place('MUG-SAGA'),
    place('ESPRESSO-PRO'),
  ]);
  const shipmentId = await vi.waitFor(
    async () => {
      const order = await api.request('GET', `/orders/${shipped}`, { token: customer.token });
      const { shipment } = bodyAs(order, ShipmentBody);
      expect(shipment?.shipmentId, JSON.stringify(order.body)).toBeTruthy();
      return shipment!.shipmentId;
    },
    { timeout: 120_000, interval: 1_000 },
  );
  await vi.waitFor(
    async () =>
      expect(bodyAs(await api.request('GET', `/orders/${awaiting}`, { token: customer.token }), StatusBody).status).toBe(
        'AWAITING_APPROVAL',
      ),
    { timeout: 60_000, interval: 1_000 },
  );
  // Whose roles the admin run sets: an account of its own, so the customer run's roles stay
  // as they are (without a real id the fuzzer's ids all find no user, and Schemathesis warns).
  const roleTarget = await api.account('contract_roles');
  const reads = { getOrder: { orderId: shipped }, getOrderEvents: { orderId: shipped } };
  const body = { login: { email: customer.email, password: PASSWORD } };
  known = {
    customer: { path: { ...reads, cancelOrder: { orderId: cancelledByCustomer } }, body },
    admin: {
      path: {
        ...reads,
        cancelOrder: { orderId: cancelledByAdmin },
        approveOrder: { orderId: awaiting },
        recordCarrierEvent: { shipmentId },
        setUserRoles: { userId: roleTarget.id },
      },
      body,
    },
  };
}, 300_000);
afterAll(async () => {
  await system?.stop();
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** One Schemathesis run as `role`; prints its summary and answers its exit code and output. */
async function schemathesis(role: 'admin' | 'customer', token: string, extra: string[] = []) {
  const st = schemathesisPath();
  if (!st) throw new Error('Schemathesis is not provisioned: run `npm run provision` (or set SCHEMATHESIS_PATH)');
  const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
  const started = performance.now();
  const { code, output } = await run(
    st,
    [
      '--config-file',
      here('./schemathesis.toml'),
      'run',
      `${system.gatewayUrl}/openapi.json`,
      '--checks',
      'all',
      '--max-examples',
      String(EXAMPLES),
      '--seed',
      String(SEED),
      // One worker: with two threads, Hypothesis's ast.parse of its own lambdas hits
      // CPython 3.11.7's "AST constructor recursion depth mismatch" (a thread-safety bug of
      // that interpreter, fixed in later 3.11/3.12 releases) and the run ends in an error.
      '--workers',
      '1',
      '--no-color',
      ...extra,
    ],
    {
      SCHEMATHESIS_TELEMETRY: 'false',
      SCHEMATHESIS_HOOKS: here('./schemathesis_hooks.py'),
      SAGASHOP_TOKEN: token,
      SAGASHOP_KNOWN: JSON.stringify(known[role]),
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const sections = ['= ERRORS =', '= FAILURES =', '= WARNINGS =', '= SUMMARY =']
    .map((title) => output.indexOf(title))
    .filter((at) => at >= 0);
  const summary = sections.length ? output.slice(Math.max(0, Math.min(...sections) - 40)) : output.slice(-4_000);
  console.log(
    `schemathesis as ${role} exited with ${code} after ${seconds} s (seed ${SEED}: CONTRACT_SEED=${SEED} replays it)\n${summary.slice(-30_000)}`,
  );
  return { code, output };
}

describe('the OpenAPI document against the running gateway', () => {
  it(`Schemathesis ${SCHEMATHESIS_VERSION} --checks all finds nothing and warns of nothing, as an admin and as a customer`, async () => {
    console.log(`contract seed ${SEED} (CONTRACT_SEED=${SEED} replays it)`);
    // A token that does not work makes every answer a documented 401: a run that proves nothing.
    const me = async (token: string) => bodyAs(await api.request('GET', '/me', { token }), RolesBody).roles;
    expect(await me(admin)).toContain('admin');
    expect(await me(customer.token)).not.toContain('admin');
    expect(restricted.length, 'admin-only operations, left out of the customer run').toBeGreaterThan(0);

    // Both at once: each is one Python process on one core, so together they take little longer than one.
    const [asAdmin, asCustomer] = await Promise.all([
      schemathesis('admin', admin),
      schemathesis(
        'customer',
        customer.token,
        restricted.flatMap((id) => ['--exclude-operation-id', id]),
      ),
    ]);
    for (const [role, { code, output }] of Object.entries({ admin: asAdmin, customer: asCustomer })) {
      expect(output, `schemathesis as ${role} warned (see its output above)`).not.toContain('= WARNINGS =');
      expect(code, `schemathesis as ${role} found failures or warnings (see its output above)`).toBe(0);
    }
  }, 1_200_000);
});
