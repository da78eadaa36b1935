// Hostile requests for one operation of the public API, beyond what its schema
// describes: very long strings ending in a control character, nesting tens of
// thousands deep, numbers JSON allows and JavaScript mangles, duplicate and
// prototype keys, unicode that is not text (lone surrogates, overlong and stray
// UTF-8 bytes, BOMs, bidi overrides, NUL), the wrong content type, empty and
// broken bodies, and the same in path parameters, query strings and headers.
//
// Every request is built so that the gateway must refuse it: the hostile part is
// invalid by the published schema, or the body is otherwise one the schema
// refuses. So none may be answered with a 2xx that changes something, and a test
// can check that nothing was stored.
import { leavesOf, pathOf, plausible, withAt, type JsonPath, type Leaf, type Operation } from './openapi-operations.js';

export interface HostileRequest {
  label: string;
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Long enough to show a quadratic rule (about 100 ms at 16 KiB), short enough not to freeze the run for minutes on one. */
export const LONG = 16 * 1024;
const CTL = '\u0007';
export const longWithControl = (length = LONG) => `${'a'.repeat(length)}${CTL}`;
export const DEPTH = 60_000;

/** Marks a member whose JSON text is spliced in raw (bytes JSON.stringify cannot write). */
const RAW = '\u0000hostile-raw\u0000';
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** JSON of `value` with every member set to RAW replaced by `raw` (text or bytes). */
function spliced(value: unknown, raw: string | Uint8Array): string | Uint8Array {
  const parts = JSON.stringify(value).split(JSON.stringify(RAW));
  if (typeof raw === 'string') return parts.join(raw);
  return concat(...parts.flatMap((p, i) => (i === 0 ? [utf8(p)] : [raw, utf8(p)])));
}

const withAll = (value: unknown, paths: JsonPath[], replacement: unknown) => paths.reduce((v, p) => withAt(v, p, replacement), value);
const strings = (leaves: Leaf[]) => leaves.filter((l) => l.schema.type === 'string');
const numbers = (leaves: Leaf[]) => leaves.filter((l) => l.schema.type === 'integer' || l.schema.type === 'number');
const arrays = (leaves: Leaf[]) => leaves.filter((l) => l.schema.type === 'array');

/** Strings that are not text, or not text a field may hold, as JSON or as raw UTF-8 bytes inside a JSON string. */
const UNICODE: Array<[string, string | Uint8Array]> = [
  ['lone high surrogate', '"a\\ud800b"'],
  ['lone low surrogate', '"\\udc00"'],
  ['bidi override', '"a\\u202eb"'],
  ['NUL', '"a\\u0000b"'],
  ['line separator', '"a\\u2028b"'],
  ['BOM only', '"\\ufeff"'],
  ['overlong UTF-8 slash', concat(utf8('"a'), new Uint8Array([0xc0, 0xaf]), utf8('b"'))],
  ['UTF-8 encoded surrogate', concat(utf8('"a'), new Uint8Array([0xed, 0xa0, 0x80]), utf8('b"'))],
  ['stray 0xFF byte', concat(utf8('"'), new Uint8Array([0xff, 0xfe]), utf8('"'))],
];

/** Numbers out of every field's range, or not numbers a JSON reader agrees on. */
const NUMBERS: Array<[string, string]> = [
  ['1e308', '1e308'],
  ['-1e308', '-1e308'],
  ['1e999 (Infinity)', '1e999'],
  ['2^53+1', '9007199254740993'],
  ['fraction', '0.5'],
  ['NaN string', '"NaN"'],
  ['exponent string', '"1e3"'],
  ['hex string', '"0x10"'],
];

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies for an operation that takes JSON; `template` is a plausible (valid) body. */
function bodies(op: Operation): Array<{ label: string; body: string | Uint8Array; contentType?: string | null }> {
  const schema = op.body!;
  const template = plausible(schema);
  const leaves = leavesOf(schema);
  const first = strings(leaves)[0] ?? numbers(leaves)[0];
  // The template made invalid in one member, for shapes whose hostile part alone might pass.
  const broken = first ? withAt(template, first.path, first.schema.type === 'string' ? longWithControl(300) : -1e308) : { '': 1 };
  const out: Array<{ label: string; body: string | Uint8Array; contentType?: string | null }> = [];

  for (const leaf of strings(leaves))
    out.push({
      label: `long string + control in ${leaf.path.join('.')}`,
      body: JSON.stringify(withAt(template, leaf.path, longWithControl())),
    });
  for (const leaf of arrays(leaves))
    out.push({
      label: `10k items in ${leaf.path.join('.')}`,
      body: JSON.stringify(withAt(template, leaf.path, Array(10_000).fill(plausible(leaf.schema.items ?? {})))),
    });
  const stringPaths = strings(leaves).map((l) => l.path);
  if (stringPaths.length)
    for (const [label, raw] of UNICODE)
      out.push({ label: `${label} in every string`, body: spliced(withAll(template, stringPaths, RAW), raw) });
  const numberLeaves = numbers(leaves);
  if (numberLeaves.length) {
    for (const [label, raw] of NUMBERS)
      out.push({
        label: `${label} in every number`,
        body: spliced(
          withAll(
            template,
            numberLeaves.map((l) => l.path),
            RAW,
          ),
          raw,
        ),
      });
    // -0 is 0 to JSON: hostile only where 0 is refused.
    const positive = numberLeaves.filter((l) => (l.schema.minimum ?? 0) > 0).map((l) => l.path);
    if (positive.length) out.push({ label: '-0 where 0 is refused', body: spliced(withAll(template, positive, RAW), '-0') });
  }

  out.push({ label: `array ${DEPTH} deep`, body: deepArray(DEPTH) });
  out.push({ label: `object ${DEPTH / 3} deep`, body: deepObject(DEPTH / 3) });
  if (first)
    out.push({
      label: `array ${DEPTH} deep in ${first.path.join('.')}`,
      body: spliced(withAt(template, first.path, RAW), deepArray(DEPTH)),
    });

  const [key] = Object.keys(template as object);
  if (key && first) {
    const valid = JSON.stringify((template as Record<string, unknown>)[key]);
    // The last of duplicate keys wins in JSON.parse: the invalid one comes last.
    out.push({ label: 'duplicate key, invalid last', body: `{"${key}":${valid},${JSON.stringify(broken).slice(1)}` });
  }
  out.push({ label: '__proto__ member', body: `{"__proto__":{"roles":["admin"],"admin":true},${JSON.stringify(template).slice(1)}` });
  out.push({ label: 'constructor member', body: `{"constructor":{"prototype":{"admin":true}},${JSON.stringify(template).slice(1)}` });
  out.push({ label: 'BOM before the body', body: concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(JSON.stringify(broken))) });
  out.push({ label: 'just over 1 MiB', body: JSON.stringify({ ...(broken as object), padding: 'a'.repeat(1024 * 1024) }) });

  // The valid template under a content type that is not JSON: refused, never read as JSON.
  // (A charset on application/json is no such type: RFC 8259 gives it no meaning.)
  for (const contentType of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    null,
    'application/jsonx',
  ])
    out.push({ label: `valid body as ${contentType ?? 'no content type'}`, body: JSON.stringify(template), contentType });
  for (const body of ['', 'null', '[]', '"x"', '0', 'true', '{', '{"a":}', '{}}', '\u0000', '{"a":1,}'])
    out.push({ label: `body ${JSON.stringify(body)}`, body });
  return out;
}

const HOSTILE_PARAMS = [
  `${'A'.repeat(8_000)}%07`,
  '%00',
  '..%2F..%2Fadmin',
  '%C0%AF',
  '%ED%A0%80',
  '%E2%80%AEA1',
  '%',
  '%zz',
  '%F0%9F%98%80',
  'A%0D%0ASet-Cookie:x',
];
const HOSTILE_QUERY = [`${'a'.repeat(8_000)}%07`, '1e308', 'NaN', '-0', '9007199254740993', '%00', '%ED%A0%80', '%'];
/** Header values fetch can send (bytes up to 0xFF, no CR, LF or NUL). */
const HOSTILE_HEADERS: Array<[string, string]> = [
  ['Prefer', `wait=${'9'.repeat(8_000)}`],
  ['Prefer', 'wait=1e308'],
  ['Prefer', 'wait=NaN'],
  ['Prefer', ','.repeat(8_000)],
  ['Prefer', `${'wait=1;'.repeat(1_000)}`],
  ['Idempotency-Key', 'k'.repeat(8_000)],
  ['Idempotency-Key', '\u00ff\u00fe'],
  ['Idempotency-Key', 'a b'],
  ['X-Request-Id', `${'r'.repeat(8_000)}\u00e9`],
  ['Authorization', `Bearer ${'a'.repeat(8_000)}`],
  ['Authorization', 'Bearer \u00ff'],
];

/** Every hostile request for `op`, without credentials (the caller adds them). */
export function hostileRequests(op: Operation): HostileRequest[] {
  const out: HostileRequest[] = [];
  const path = pathOf(op);
  const jsonHeaders = { 'Content-Type': 'application/json' };
  // Where a body goes, one the schema refuses: a hostile header or parameter alone must not let anything through.
  const refused = op.body ? JSON.stringify(withAt(plausible(op.body), leavesOf(op.body)[0]?.path ?? [], longWithControl(300))) : undefined;
  const plain = { method: op.method, ...(refused ? { body: refused } : {}) };

  if (op.body)
    for (const { label, body, contentType } of bodies(op))
      out.push({
        label,
        method: op.method,
        url: path,
        headers: contentType === null ? {} : { 'Content-Type': contentType ?? 'application/json' },
        body,
      });
  for (const param of op.params.filter((p) => p.in === 'path'))
    for (const value of HOSTILE_PARAMS)
      out.push({
        label: `path ${param.name}=${value.slice(0, 24)}`,
        ...plain,
        url: pathOf(op, { [param.name]: value }),
        headers: jsonHeaders,
      });
  for (const param of op.params.filter((p) => p.in === 'query')) {
    for (const value of HOSTILE_QUERY)
      out.push({
        label: `query ${param.name}=${value.slice(0, 24)}`,
        ...plain,
        url: `${path}?${param.name}=${value}`,
        headers: jsonHeaders,
      });
    out.push({ label: `query ${param.name} twice`, ...plain, url: `${path}?${param.name}=1&${param.name}=2`, headers: jsonHeaders });
    out.push({ label: `query ${param.name}[]`, ...plain, url: `${path}?${param.name}[]=1&${param.name}[a]=2`, headers: jsonHeaders });
  }
  for (const [name, value] of HOSTILE_HEADERS)
    out.push({ label: `header ${name}: ${value.slice(0, 24)}`, ...plain, url: path, headers: { ...jsonHeaders, [name]: value } });
  return out;
}

export interface HostileAnswer {
  status: number;
  contentType: string;
  /** The first characters of the answer, for a failure message. */
  excerpt: string;
  ms: number;
}

/**
 * Sends one hostile request to the gateway at `base`; an answer not within `timeoutMs` is status 0.
 * A connection that breaks is tried once more: the pooled socket may be one the server had just
 * closed after refusing a body too large to read (its 413 says Connection: close).
 */
export async function sendHostile(
  base: string,
  request: HostileRequest,
  headers: Record<string, string>,
  timeoutMs = 30_000,
): Promise<HostileAnswer> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${base}${request.url}`, {
        method: request.method,
        headers: { ...headers, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        excerpt: text.slice(0, 300),
        ms: performance.now() - started,
      };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      if (timedOut || attempt >= 2) return { status: 0, contentType: '', excerpt: String(error), ms: performance.now() - started };
    }
  }
}
