// Readiness is a moment's answer: on a loaded 2-core CI machine one round of a
// gateway's checks (every service, every task queue, each with a 1.5 s budget)
// can miss once while the system is fine. Tests that mean "the system is ready"
// ask until it says so, and show the last answer's checks when it never does.
import { expect } from 'vitest';

export async function expectReady(url: string, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    let last: { status: number; body: string };
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) });
      last = { status: res.status, body: await res.text() };
      if (res.status === 200) return;
    } catch (error) {
      last = { status: 0, body: String(error) };
    }
    if (Date.now() > deadline) {
      expect(last.status, `${url}/health/ready never answered 200 within ${withinMs} ms; last answer: ${last.body}`).toBe(200);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
