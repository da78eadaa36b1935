// RFC 9457 problem details: every error any HTTP process answers has this shape.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  402: 'Payment Required',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Throw from any handler; the app's error handler turns it into a problem+json response. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[status] ?? 'Error');
  }

  toBody(): ProblemBody {
    return {
      type: `https://sagashop.dev/problems/${this.slug}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...this.extra,
    };
  }
}

export const problem = {
  validation: (errors: FieldError[], detail = 'the request is not valid') => new HttpProblem(400, 'validation', detail, { errors }),
  badRequest: (detail: string) => new HttpProblem(400, 'bad-request', detail),
  unauthorized: (detail = 'authentication required') => new HttpProblem(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' }),
  forbidden: (detail = 'not allowed') => new HttpProblem(403, 'forbidden', detail),
  notFound: (detail = 'no such resource') => new HttpProblem(404, 'not-found', detail),
  conflict: (detail: string, extra: Record<string, unknown> = {}) => new HttpProblem(409, 'conflict', detail, extra),
  unprocessable: (detail: string) => new HttpProblem(422, 'unprocessable', detail),
  unavailable: (detail: string, extra: Record<string, unknown> = {}) => new HttpProblem(503, 'unavailable', detail, extra),
  timeout: (detail: string) => new HttpProblem(504, 'timeout', detail),
  badGateway: (detail: string) => new HttpProblem(502, 'bad-gateway', detail),
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Turns zod issues into the `errors` list of a validation problem. */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): FieldError[] {
  return issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}
