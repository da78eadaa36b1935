// RFC 9457 problem details: every error any HTTP process answers has this shape.
// One error type carries them (like tRPC's TRPCError): a problem type from a
// closed list, which fixes its status and title, a detail for the client, and the
// `cause` that led to it for the logs. Throw it from any handler or middleware;
// the app's error handler (shared/http/problem-handlers.ts) turns it into the answer.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  path: string;
  message: string;
}

/** Every problem type the API answers, with its status and title. */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Bad Request' },
  'bad-request': { status: 400, title: 'Bad Request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  'payment-required': { status: 402, title: 'Payment Required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'too-large': { status: 413, title: 'Content Too Large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type' },
  unprocessable: { status: 422, title: 'Unprocessable Content' },
  'rate-limited': { status: 429, title: 'Too Many Requests' },
  internal: { status: 500, title: 'Internal Server Error' },
  'bad-gateway': { status: 502, title: 'Bad Gateway' },
  unavailable: { status: 503, title: 'Service Unavailable' },
  timeout: { status: 504, title: 'Gateway Timeout' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemType = keyof typeof PROBLEM_TYPES;
export type ProblemStatus = (typeof PROBLEM_TYPES)[ProblemType]['status'];

export const PROBLEM_TYPE_BASE = 'https://sagashop.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface ProblemInit {
  /** For the client: what went wrong and, where it helps, what to do. */
  detail?: string;
  /** For the logs: the error behind this answer. */
  cause?: unknown;
  /** Field errors of a validation problem. */
  errors?: FieldError[];
  /** RFC 9457 extension members, e.g. `{ orderStatus }`. */
  extensions?: Record<string, unknown>;
  /** Response headers that belong to the answer, e.g. Retry-After. */
  headers?: Record<string, string>;
}

export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: ProblemStatus;
  readonly extensions: Record<string, unknown>;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly type: ProblemType,
    init: ProblemInit = {},
  ) {
    super(init.detail ?? PROBLEM_TYPES[type].title, { cause: init.cause });
    this.status = PROBLEM_TYPES[type].status;
    this.extensions = init.extensions ?? {};
    this.errors = init.errors;
    // RFC 9110: a 401 says how to authenticate.
    this.headers = type === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer', ...init.headers } : { ...init.headers };
  }

  toBody(): ProblemBody {
    return {
      type: `${PROBLEM_TYPE_BASE}${this.type}`,
      title: PROBLEM_TYPES[this.type].title,
      status: this.status,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

/** The problem type a status stands for when nothing more specific is known (e.g. a service's answer). */
export function problemTypeOf(status: number, type?: unknown): ProblemType {
  const named = typeof type === 'string' && type.startsWith(PROBLEM_TYPE_BASE) ? type.slice(PROBLEM_TYPE_BASE.length) : undefined;
  if (named && named in PROBLEM_TYPES && PROBLEM_TYPES[named as ProblemType].status === status) return named as ProblemType;
  const byStatus = (Object.keys(PROBLEM_TYPES) as ProblemType[]).find((t) => PROBLEM_TYPES[t].status === status);
  return byStatus ?? (status >= 500 ? 'internal' : 'bad-request');
}

/** At most this many field errors, each path and message at most this long: enough to fix a request. */
const MAX_FIELD_ERRORS = 50;
const MAX_CHARS = 300;
const clip = (text: string) => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text);

/**
 * Turns zod issues into the `errors` list of a validation problem. Bounded, because paths and messages
 * quote the input: a 1 MiB body of 90,000 unknown keys made one "Unrecognized keys" message of 0.9 MB.
 */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): FieldError[] {
  return issues.slice(0, MAX_FIELD_ERRORS).map((i) => ({
    path: clip([prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)'),
    message: clip(i.message),
  }));
}
