// The README's walkthrough, run as written: its `sh` blocks, in order, in one
// bash, against a whole system with the demo shop, laid out and seeded as `npm start` does;
// only the API line is pointed at this test's gateway. What the blocks print
// must be what their comments say. It needs bash, curl and jq, as the README
// says; a missing one fails here with its name, never skips.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, SERVICE_NAMES, startSystem, type RunningSystem } from '../../scripts/stack/system.js';
import { connectMongo } from '../../shared/mongo.js';
import { stack } from '../support/stack.js';
import { root } from '../deploy/processes.js';
import { expectReady } from '../support/readiness.js';
import { isolatedSystemOptions } from '../support/system.js';
import { readPage } from './markdown.js';

const API_LINE = 'API=http://localhost:3000/api/v1';

/** The walkthrough's shell blocks: those between its heading and the next section. */
function walkthroughScript(): string {
  const page = readPage(root, 'README.md');
  const lines = page.text.split('\n');
  const from = lines.findIndex((l) => l.startsWith('## Walkthrough'));
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## '));
  expect(from, 'README.md has a "## Walkthrough" section').toBeGreaterThan(0);
  const blocks = page.blocks.filter((b) => b.lang === 'sh' && b.line > from && b.line < to).map((b) => b.code);
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  const script = blocks.join('\n');
  expect(script, `the walkthrough starts from ${API_LINE}`).toContain(API_LINE);
  return script;
}

function run(script: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-u'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The blocks poll with `until`: a walkthrough that no longer reaches a state would poll forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

let system: RunningSystem | undefined;
let prefix = '';

beforeAll(async () => {
  for (const tool of ['bash', 'curl', 'jq']) {
    const found = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    expect(found.error, `the walkthrough needs ${tool} (Debian: apt-get install ${tool})`).toBeUndefined();
  }
  const options = await isolatedSystemOptions('walkthrough', { env: { SEED_DEMO: 'true' }, processes: DEFAULT_LAYOUT });
  prefix = options.prefix;
  system = await startSystem(options);
  await expectReady(system.gatewayUrl, 120_000);
}, 300_000);

afterAll(async () => {
  await system?.stop();
  if (!prefix) return;
  const mongo = await connectMongo(stack().mongoUrl);
  for (const name of SERVICE_NAMES)
    await mongo
      .db(`${prefix}${name}`)
      .dropDatabase()
      .catch(() => undefined);
  await mongo.close();
});

describe("the README's walkthrough", () => {
  it('runs as written and every branch ends as its comment says', async () => {
    const script = walkthroughScript().replace(API_LINE, `API=${system!.gatewayUrl}/api/v1`);
    const { code, stdout, stderr } = await run(script, 240_000);
    const said = `exit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    expect(code, said).toBe(0);
    const shown = stdout
      .split('\n')
      .filter((line) => line.startsWith('{"status":'))
      .map((line) => JSON.parse(line) as { status: string; cancellation: { reason: string } | null });
    // In the README's order: the checkout, its delivery, then each branch.
    expect(
      shown.map((s) => [s.status, s.cancellation?.reason ?? null]),
      said,
    ).toEqual([
      ['CONFIRMED', null],
      ['DELIVERED', null],
      ['CANCELLED', 'OUT_OF_STOCK'],
      ['CANCELLED', 'PAYMENT_DECLINED'],
      ['CONFIRMED', null],
      ['AWAITING_APPROVAL', null],
      ['CONFIRMED', null],
      ['CANCELLED', 'CUSTOMER_CANCELLED'],
    ]);
    // The order shown right after checkout has its items and total.
    expect(stdout, said).toMatch(/"totalCents": 5248/);
  }, 300_000);
});
