// Bounds on the shape of a JSON body, checked on its text before anything parses
// it. The body limit (1 MiB) bounds the bytes, not the work: JSON.parse of a 1 MiB
// array nested 500,000 deep blocks the event loop for about 150 ms of CPU, and of
// an object with 87,000 members for about 80 ms, and validating it as much again
// (issue 18: no request may stall a process for 50 ms). No body of the API nests
// deeper than a few levels or has more than a few hundred members, so one linear
// scan refuses such bodies with a 400 first. It also keeps every later walk of a
// body (validation, the idempotency fingerprint) far from the stack's depth.
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../problem.js';

export interface JsonShapeLimits {
  /** Arrays and objects inside one another. */
  maxDepth: number;
  /** Object members in the whole body. */
  maxMembers: number;
}

export const JSON_SHAPE_LIMITS: JsonShapeLimits = { maxDepth: 32, maxMembers: 2_000 };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const COLON = 0x3a;

/** What is wrong with the shape of a JSON text, if anything; malformed JSON is left for the parser to refuse. */
export function jsonShapeProblem(text: string, { maxDepth, maxMembers }: JsonShapeLimits): string | undefined {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > maxDepth) return `the JSON body nests deeper than ${maxDepth} levels`;
    } else if (CLOSE.has(c)) depth--;
    else if (c === COLON && ++members > maxMembers) return `the JSON body has more than ${maxMembers} object members`;
  }
  return undefined;
}

/** Refuses a JSON body whose shape is past the limits (400), before any route reads it. */
export function jsonShapeLimit(limits: JsonShapeLimits = JSON_SHAPE_LIMITS): MiddlewareHandler {
  return async (c, next) => {
    const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType) || c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Read once: Hono keeps the text, and every later c.req.json() parses it from there.
    const problem = jsonShapeProblem(await c.req.text(), limits);
    if (problem) throw new HttpProblem('bad-request', { detail: problem });
    return next();
  };
}
