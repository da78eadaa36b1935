// Tracing across the whole system, every process as `npm start` runs it (the
// launcher's preload, the real gateway, workflows, activities and databases),
// exporting over OTLP to an in-test receiver: one order is one trace from the
// gateway's request through the workflow start, the saga, its activities and
// their MongoDB calls; a gateway → service call carries its trace into the
// service and its Redis cache; the trace id is in the process's log lines.
// Metrics on the same system: every app's /metrics, every worker's SDK
// metrics on a port of its own, the saga's own metrics among them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_ADMIN } from '../../shared/demo-data.js';
import { WORKER_SERVICES } from '../../shared/domain/vocabulary.js';
import { startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { Api } from '../support/api.js';
import { OrderIdBody, ShipmentBody, StatusBody, bodyAs } from '../support/bodies.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { isolatedSystemOptions } from '../support/system.js';

const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let system: RunningSystem;
let logDir: string;
let api: Api;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const options = await isolatedSystemOptions('tracing', {
    env: {
      SEED_DEMO: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export within a moment rather than every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
  });
  logDir = options.logDir;
  system = await startSystem(options);
  api = new Api(`${system.gatewayUrl}/api/v1`);
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

const isMongo = (s: ReceivedSpan) => s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb';
const isRedis = (s: ReceivedSpan) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis';
const pathOf = (s: ReceivedSpan) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '');

/** The spans of one trace, with a way to walk from a span up to the root. */
function traceOf(traceId: string) {
  const spans = receiver.spans.filter((s) => s.traceId === traceId);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    return parent ? [parent, ...ancestors(parent)] : [];
  };
  const named = (name: string, service?: string) => spans.filter((s) => s.name === name && (!service || s.service === service));
  return { spans, ancestors, named, root: spans.find((s) => !s.parentSpanId) };
}

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('one order is one trace: gateway request → workflow start → saga → activities → MongoDB', async () => {
    const ada = await api.account('ada');
    const placed = await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { headers: { Prefer: 'wait=20' } });
    expect(placed.status).toBe(201);
    const orderId = bodyAs(placed, OrderIdBody).orderId;
    const workflowId = `order-${orderId}`;

    // The saga's own span ends with the run: play the carrier to delivery.
    const admin = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    let shipmentId: string | undefined;
    await vi.waitFor(
      async () => {
        shipmentId = bodyAs(await api.request('GET', `/orders/${orderId}`, { token: ada.token }), ShipmentBody).shipment?.shipmentId;
        expect(shipmentId).toBeTruthy();
      },
      { timeout: 30_000, interval: 200 },
    );
    for (const type of ['PICKED_UP', 'DELIVERED']) {
      expect(
        (await api.request('POST', `/shipments/${shipmentId}/events`, { token: admin, body: { type, at: new Date().toISOString() } }))
          .status,
      ).toBe(202);
    }

    await vi.waitFor(
      () => {
        const start = receiver.spans.find((s) => s.service === 'gateway' && s.attributes.temporalWorkflowId === workflowId);
        expect(start, "the gateway's workflow start span").toBeDefined();
        const trace = traceOf(start!.traceId);

        // The root: the gateway's HTTP request.
        expect(trace.root).toMatchObject({ service: 'gateway', kind: SERVER });
        expect(pathOf(trace.root!)).toBe('/api/v1/orders');
        expect(trace.ancestors(start!)).toContain(trace.root);
        // The gateway's rate limiter and idempotency keys in Redis, inside the request.
        expect(trace.spans.some((s) => s.service === 'gateway' && isRedis(s))).toBe(true);

        // The saga, run by the orders service, continues the gateway's trace...
        const [saga] = trace.named('RunWorkflow:orderSaga', 'orders');
        expect(saga, 'RunWorkflow:orderSaga').toBeDefined();
        expect(trace.ancestors(saga!)).toContain(start);
        // ...into its activities on other services' workers, and their databases.
        const [reserve] = trace.named('RunActivity:reserveStock', 'inventory');
        expect(reserve, 'RunActivity:reserveStock').toBeDefined();
        expect(trace.ancestors(reserve!)).toContain(saga);
        const reserveWrites = trace.spans.filter((s) => s.service === 'inventory' && isMongo(s) && trace.ancestors(s).includes(reserve!));
        expect(reserveWrites.length, 'MongoDB spans under reserveStock').toBeGreaterThan(0);
        expect(trace.named('RunActivity:chargePayment', 'payments').length).toBeGreaterThan(0);
        // The saga's own records are local activities in the orders process, with their MongoDB calls.
        const records = trace.named('RunActivity:recordOrderEvents', 'orders');
        expect(records.length).toBeGreaterThan(0);
        expect(trace.spans.some((s) => s.service === 'orders' && isMongo(s) && records.some((r) => trace.ancestors(s).includes(r)))).toBe(
          true,
        );
        // Fulfilment, a child workflow in the shipping service, is part of the same trace (its own
        // run span ends only after the review request days later; its activities are here now).
        const [child] = trace.named('StartChildWorkflow:fulfilment', 'orders');
        expect(trace.ancestors(child!)).toContain(saga);
        expect(trace.named('RunActivity:createShipment', 'shipping').length).toBeGreaterThan(0);

        // Nothing of the saga's run went to another trace (signals and queries are their callers' traces).
        const sagaRunSpans = receiver.spans.filter(
          (s) =>
            (s.attributes.workflowId === workflowId || s.attributes.temporalWorkflowId === workflowId) &&
            /^(?:RunWorkflow|StartActivity|RunActivity|StartChildWorkflow):/.test(s.name),
        );
        expect(new Set(sagaRunSpans.map((s) => s.traceId))).toEqual(new Set([start!.traceId]));

        // The gateway's log line of the request carries the trace id.
        const lines = readFileSync(join(logDir, 'gateway.log'), 'utf8')
          .split('\n')
          // Only the JSON log lines: a library may write a raw line to stderr, which the log also holds.
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const requestLine = lines.find(
          (l) => l.msg === 'request' && l.method === 'POST' && l.path === '/api/v1/orders' && l.trace_id === start!.traceId,
        );
        expect(requestLine, 'the POST /orders log line with the trace id').toBeDefined();
      },
      { timeout: 60_000, interval: 250 },
    );
  }, 120_000);

  it('a gateway → service call continues the trace into the service, its Redis cache and its database', async () => {
    const res = await api.request('GET', '/products/MUG-SAGA');
    expect(res.status).toBe(200);
    await vi.waitFor(
      () => {
        const served = receiver.spans.find((s) => s.service === 'catalog' && s.kind === SERVER && pathOf(s) === '/products/MUG-SAGA');
        expect(served, "the catalog's server span").toBeDefined();
        const trace = traceOf(served!.traceId);
        expect(trace.root).toMatchObject({ service: 'gateway', kind: SERVER });
        expect(pathOf(trace.root!)).toBe('/api/v1/products/MUG-SAGA');
        // fetch (undici) in the gateway is the parent of the catalog's request.
        expect(trace.ancestors(served!)[0]).toMatchObject({ service: 'gateway', kind: CLIENT });
        expect(trace.spans.some((s) => s.service === 'catalog' && (isRedis(s) || isMongo(s)) && trace.ancestors(s).includes(served!))).toBe(
          true,
        );
      },
      { timeout: 30_000, interval: 250 },
    );
  });

  it('leaves health checks and metric scrapes untraced', async () => {
    const before = receiver.spans.length;
    expect((await fetch(`${system.gatewayUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${system.serviceUrls.orders}/health/live`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const scrapes = receiver.spans.slice(before).filter((s) => s.kind === SERVER && /^\/(?:metrics|health)/.test(pathOf(s)));
    expect(scrapes).toEqual([]);
  });
});

describe('metrics', () => {
  const scrape = async (url: string) => (await fetch(url)).text();

  it('every app serves its HTTP metrics by route at /metrics', async () => {
    expect((await api.request('GET', '/products/MUG-SAGA')).status).toBe(200);
    expect(await scrape(`${system.gatewayUrl}/metrics`)).toMatch(
      /http_requests_total\{[^}]*route="\/api\/v1\/products\/:sku"[^}]*status="200"/,
    );
    for (const url of Object.values(system.serviceUrls))
      expect(await scrape(`${url}/metrics`)).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it("every worker serves the SDK runtime's metrics on its own port, with the saga's outcomes and latency", async () => {
    expect(Object.keys(system.workerMetricsUrls).sort()).toEqual([...WORKER_SERVICES].sort());
    const ada = await api.account('metrics');
    expect(
      bodyAs(await api.placeOrder(ada.token, [{ sku: 'MUG-SAGA', quantity: 1 }], { headers: { Prefer: 'wait=20' } }), StatusBody).status,
    ).toBe('CONFIRMED');
    await vi.waitFor(
      async () => {
        const orders = await scrape(system.workerMetricsUrls.orders!);
        expect(orders).toMatch(/sagashop_order_outcomes\{[^}]*status="CONFIRMED"/);
        expect(orders).toMatch(/sagashop_order_saga_seconds_bucket\{[^}]*status="CONFIRMED"/);
        expect(orders).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="WorkflowWorker"/);
        expect(orders).toContain('temporal_sticky_cache_size');
        expect(orders).toContain('temporal_workflow_task_schedule_to_start_latency_bucket');
        expect(await scrape(system.workerMetricsUrls.inventory!)).toMatch(
          /temporal_activity_schedule_to_start_latency_bucket\{[^}]*task_queue="inventory"/,
        );
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});
