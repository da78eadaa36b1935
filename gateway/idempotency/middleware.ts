// Idempotency-Key (IETF draft semantics) as a Hono middleware for routes that
// create something, after the caller is known: keys are the caller's own, per route. The same key with the
// same body answers the first answer again (`Idempotent-Replayed: true`); while the
// first request is still in flight a repeat gets 409; the same key with another
// body gets 422. An answer is remembered when the request did what it was for
// (a 2xx, or whatever the handler `remember`s once its effect has happened);
// otherwise the key is released so the client may retry with it.
//
// Remembering is a convenience, not the guarantee against duplicates: the route
// must make a repeat harmless on its own (the order routes derive the order id
// from the key, and Temporal refuses a second workflow with it). So when Redis
// does not answer, the key is simply not remembered for this request. A route
// that says so (`rerunInFlight`) also runs a repeat that finds its key in flight
// instead of answering 409: the first may be dead (its gateway killed before it
// stored the answer, the marker then lingers for IN_FLIGHT_TTL_SECONDS), and the
// route itself gives every repeat the first one's answer.
//
// It runs before the route's validators (route middleware does), so it checks the
// body with the route's own schema first: a body that is not JSON or not valid, or a
// key that is not valid, is left for the validators to refuse with a 400, and nothing
// is remembered for it. Only a valid body is fingerprinted, so the work is bounded by
// the schema, whatever shape a hostile body has (a 60,000-deep array, 100,000 keys).
// "The same request" is the same input as validated: bodies that differ only in what
// validation trims are the same request.
import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodType } from 'zod';
import type { Caller } from '../../shared/auth/caller.js';
import { HttpProblem } from '../../shared/problem.js';
import { IdempotencyKey } from '../schemas.js';
import type { IdempotencyStore, StoredAnswer } from './store.js';

export interface Idempotency {
  key: string;
  /** The request body's fingerprint: what "the same request" means. */
  fingerprint: string;
  /** The answer replays give, when it is not the response itself (set once the request's effect has happened). */
  remember(answer: StoredAnswer): void;
}

export type IdempotencyVariables = { idempotency: Idempotency };
/** What the middleware needs (a signed-in caller) and what it provides. */
export type IdempotencyEnv = { Variables: IdempotencyVariables & { caller: Caller; requestId: string } };

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** The route's body schema: only a body it accepts is fingerprinted and remembered. */
  body: ZodType;
  /** A replay may answer otherwise than with the stored answer (e.g. wait for the order); undefined replays it. */
  onReplay?: (c: Context<IdempotencyEnv>, answer: StoredAnswer) => Promise<Response | undefined>;
  /**
   * A repeat of a request still in flight runs the route too (it stores its answer, never
   * releases the key) rather than answering 409. Only for a route whose repeats converge on
   * the first one's effect and answer by themselves.
   */
  rerunInFlight?: boolean;
}

const hasContent = (status: number): status is ContentfulStatusCode => status >= 200 && status < 600 && ![204, 205, 304].includes(status);

/**
 * Canonical JSON (sorted keys) hashed, so the same body in another key order is the same request.
 * It recurses: give it only a body its route's schema accepted, whose depth and size the schema bounds.
 */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export function idempotency(options: IdempotencyOptions): MiddlewareHandler<IdempotencyEnv> {
  const { store } = options;
  return async (c, next) => {
    const key = IdempotencyKey.safeParse(c.req.header('Idempotency-Key'));
    const raw: unknown = key.success ? await c.req.json().catch(() => undefined) : undefined;
    const body = raw === undefined ? undefined : options.body.safeParse(raw);
    if (!key.success || !body?.success) return next();

    const scope = `${c.var.caller.userId}:${c.req.path}`;
    const print = fingerprint(body.data);
    const owner = randomUUID();
    const outcome = await store.begin(scope, key.data, print, owner);
    switch (outcome.kind) {
      case 'mismatch':
        throw new HttpProblem('unprocessable', { detail: 'this Idempotency-Key was already used with a different request body' });
      case 'in-flight':
        if (options.rerunInFlight) break;
        throw new HttpProblem('conflict', { detail: 'a request with this Idempotency-Key is still being processed; retry later' });
      case 'replay': {
        const custom = await options.onReplay?.(c, outcome.answer);
        if (custom) return custom;
        c.header('Idempotent-Replayed', 'true');
        return c.json(outcome.answer.body, outcome.answer.status);
      }
      case 'new':
      case 'skipped':
      case 'unsure':
        break;
    }

    let remembered: StoredAnswer | undefined;
    c.set('idempotency', {
      key: key.data,
      fingerprint: print,
      remember: (answer: StoredAnswer) => {
        remembered = answer;
      },
    });
    await next();
    // Nothing was sent to Redis. ('unsure': a marker may have been set after all, so it is
    // completed or released like one that surely was.)
    if (outcome.kind === 'skipped') return;
    const res = c.res;
    if (!remembered && res.ok && hasContent(res.status)) remembered = { status: res.status, body: await res.clone().json() };
    if (remembered) await store.complete(scope, key.data, print, remembered);
    // Only the request that set the marker releases it (a compare-and-delete on its owner):
    // a failed rerun of an in-flight key leaves the first request's marker alone.
    else await store.abandon(scope, key.data, owner);
  };
}
