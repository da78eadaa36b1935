// Every pattern and text rule of every schema runs in linear time. A pattern that
// backtracks super-linearly lets one anonymous request block a process: a name of
// 40,000 letters ending in a control character once took seconds, and a 1 MiB body
// would have taken minutes. eslint-plugin-regexp refuses such regex literals, but
// not every pattern is one (text.ts builds its patterns from strings), so this test
// collects the patterns from the schemas themselves, as the server runs them.
//
// Timed assertions are not used for speed targets here; the bound below is a
// correctness property instead. A linear pattern runs over 1 MiB in about a
// millisecond; a quadratic one needs ~10^12 steps, minutes. 200 ms sits between the
// two by orders of magnitude. What is measured is this process's CPU time, not the
// wall clock, so a loaded machine that leaves the process waiting does not count.
// A smaller size comes first, so a quadratic rule fails there in seconds instead of
// blocking the run for minutes at 1 MiB.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
// First, as in the gateway: it gives zod's schemas `.openapi()`, which gateway/schemas.ts calls
// on domain schemas; the domain modules must not be evaluated before it.
import '@hono/zod-openapi';
import { boundedString, multiLine, singleLine } from '../../shared/domain/text.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BOUND_MS = 200;
const MiB = 1024 * 1024;
const SIZES = [64 * 1024, MiB];

/** The modules that define schemas: the domain, pagination, the gateway's, each service's (its activity catalogue and workflow settings too), and the configs. */
function schemaModules(): string[] {
  const ts = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
  const services = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      ['schemas.ts', 'config.ts', 'temporal/catalogue.ts', 'temporal/settings.ts']
        .map((f) => join('services', d.name, f))
        .filter((f) => existsSync(join(ROOT, f))),
    );
  return [
    ...ts('shared/domain'),
    'shared/pagination.ts',
    'shared/config.ts',
    'gateway/schemas.ts',
    'gateway/config.ts',
    ...ts('activities'),
    ...services,
  ];
}

interface Found {
  /** Every regex a string check runs, by its text. */
  patterns: Map<string, RegExp>;
  /** Every string schema, with the module export it was found under. */
  strings: Map<z.ZodType, string>;
}

/** Walks the schema graph from each export (objects, arrays, unions, wrappers, checks) without recursion. */
async function collect(): Promise<Found> {
  const found: Found = { patterns: new Map(), strings: new Map() };
  const seen = new Set<unknown>();
  for (const file of schemaModules()) {
    const exports = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      const stack: unknown[] = [value];
      while (stack.length) {
        const v = stack.pop();
        if (!v || typeof v !== 'object' || seen.has(v)) continue;
        seen.add(v);
        if (Array.isArray(v)) {
          stack.push(...(v as unknown[]));
        } else if ('_zod' in v) {
          const def = (v as z.core.$ZodType)._zod.def;
          if (def.type === 'string') found.strings.set(v as z.ZodType, `${file}: ${name}`);
          if ('pattern' in def && def.pattern instanceof RegExp) found.patterns.set(String(def.pattern), def.pattern);
          stack.push(...(Object.values(def) as unknown[]));
        } else if (Object.getPrototypeOf(v) === Object.prototype) {
          stack.push(...(Object.values(v) as unknown[]));
        }
      }
    }
  }
  return found;
}

// The characters patterns tell apart: letters, digits, the punctuation of ids, emails and
// cursors, the spaces trimming removes, line breaks, and beyond ASCII.
const RUNS = ['a', '0', '_', '.', '@', ' ', '\u00A0', '\uFEFF', '\n', '🙂'];
const PAIRS = ['a', ' ', '.', '@', '-', '\n'];
// What makes a match fail at the very end, after the engine has gone through everything.
const ENDINGS = ['\u0001', '!'];

/** Adversarial values of about `size` characters: long runs, then (unless `runsOnly`) alternations, each ending in a rejecting character. */
function* adversarial(size: number, runsOnly = false): Generator<string> {
  for (const c of RUNS) for (const end of ENDINGS) yield c.repeat(size / c.length) + end;
  if (runsOnly) return;
  for (const a of PAIRS) for (const b of PAIRS) if (a !== b) yield (a + b).repeat(size / 2) + ENDINGS[0];
}

/** Milliseconds of CPU time this process spent on `run`. */
function elapsed(run: () => unknown): number {
  const started = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1000;
}

const label = (value: string) => `${JSON.stringify(value.slice(0, 4))}… (${value.length} chars) ending ${JSON.stringify(value.at(-1))}`;

describe('text rules on hostile values', async () => {
  const { patterns, strings } = await collect();
  // The text rules with limits above 1 MiB, so their patterns and checks all run in full.
  const unbounded = {
    'singleLine(0)': singleLine(0, 2 * MiB),
    'singleLine(1)': singleLine(1, 2 * MiB),
    multiLine: multiLine(2 * MiB),
  };

  it('finds the patterns of the schemas', () => {
    // A walk that found nothing would pass vacuously.
    expect(patterns.size).toBeGreaterThan(10);
    expect(strings.size).toBeGreaterThan(20);
  });

  it(`every pattern rejects 1 MiB adversarial values in linear time (under ${BOUND_MS} ms)`, () => {
    for (const size of SIZES) {
      for (const value of adversarial(size)) {
        for (const pattern of patterns.values()) {
          expect(
            elapsed(() => pattern.test(value)),
            `${pattern} on ${label(value)}`,
          ).toBeLessThan(BOUND_MS);
        }
      }
    }
  });

  it(`every text rule, limits aside, checks 1 MiB adversarial values in linear time (under ${BOUND_MS} ms)`, () => {
    for (const size of SIZES) {
      for (const value of adversarial(size)) {
        for (const [name, schema] of Object.entries(unbounded)) {
          expect(
            elapsed(() => schema.safeParse(value)),
            `${name} on ${label(value)}`,
          ).toBeLessThan(BOUND_MS);
        }
      }
    }
  });

  it(`every string schema as defined checks 1 MiB adversarial values in linear time (under ${BOUND_MS} ms)`, () => {
    // Their patterns had every value above; this is about what a schema adds around them.
    for (const value of adversarial(MiB, true)) {
      for (const [schema, name] of strings) {
        expect(
          elapsed(() => schema.safeParse(value)),
          `${name} on ${label(value)}`,
        ).toBeLessThan(BOUND_MS);
      }
    }
  });

  it('a length limit comes before any pattern and aborts, so no pattern runs on a value already too long', () => {
    const wrong: string[] = [];
    for (const [schema, name] of strings) {
      const checks: Array<{ check?: string; pattern?: unknown; abort?: boolean }> = (schema._zod.def.checks ?? []).map((c) => c._zod.def);
      const limit = checks.findIndex((c) => c.check === 'max_length' || c.check === 'length_equals');
      const pattern = checks.findIndex((c) => c.pattern instanceof RegExp);
      if (limit < 0 || pattern < 0) continue;
      if (limit > pattern || !checks[limit]!.abort) wrong.push(name);
    }
    expect(wrong, 'string schemas whose pattern may run on a value longer than their limit').toEqual([]);
    const tooLong = `${'a'.repeat(MiB)}\u0001`;
    for (const schema of [singleLine(1, 100), singleLine(0, 100), multiLine(100), boundedString(10).regex(/^a*$/)]) {
      const result = schema.safeParse(tooLong);
      expect(result.error?.issues.map((i) => i.code)).toEqual(['too_big']);
    }
  });

  it('the visible-text rule accepts exactly the text that is safe and not blank once trimmed', () => {
    // Every string of up to three characters over the characters the rule distinguishes,
    // against the rule said plainly: no unsafe character, something left after trim().
    const unsafe = (c: string) => {
      const n = c.charCodeAt(0);
      return (
        n <= 0x1f ||
        (n >= 0x7f && n <= 0x9f) ||
        n === 0x2028 ||
        n === 0x2029 ||
        n === 0x061c ||
        n === 0x200e ||
        n === 0x200f ||
        (n >= 0x202a && n <= 0x202e) ||
        (n >= 0x2066 && n <= 0x2069)
      );
    };
    const chars = ['a', ' ', '\t', '\u00A0', '\u2028', '\u202F', '\uFEFF', '\u3000', '\u200B', '\u202E', '\u0001', 'é'];
    const strings = [''];
    for (let length = 1; length <= 3; length++) {
      for (const s of strings.filter((x) => x.length === length - 1)) strings.push(...chars.map((c) => s + c));
    }
    const visible = singleLine(1, 100);
    for (const s of strings) {
      const expected = ![...s].some(unsafe) && s.trim() !== '';
      expect(visible.safeParse(s).success, JSON.stringify(s)).toBe(expected);
    }
  });
});
