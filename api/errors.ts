import type { ErrorRequestHandler, RequestHandler } from 'express';
import { unreachableDependency } from './dependency-failure';
import { redactUrl } from './access-log';
import {
  BookingRefusal, Conflict, IdempotencyKeyReused, InvalidInput, NotFound, NotPermitted, Unavailable, type FieldError, type RefusalExtra,
} from '../bookings/errors';

export { Conflict, IdempotencyKeyReused, InvalidInput, NotFound, Unavailable, type FieldError };

/** An HTTP error: a use case's refusal as the API answers it, or a refusal of the HTTP layer's own. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly extra: RefusalExtra = {},
  ) {
    super(message);
  }
}

export class Unauthorized extends ApiError {
  constructor(message: string) {
    super(401, 'Unauthorized', message, { code: 'unauthorized' });
  }
}

export class Forbidden extends ApiError {
  constructor(message: string) {
    super(403, 'Forbidden', message, { code: 'forbidden' });
  }
}

/** Each kind of use-case refusal as an HTTP status and title. */
const REFUSALS: [new (...args: never[]) => BookingRefusal, number, string][] = [
  [InvalidInput, 400, 'Invalid input'],
  [NotPermitted, 403, 'Forbidden'],
  [NotFound, 404, 'Not found'],
  [Conflict, 409, 'Conflict'],
  [IdempotencyKeyReused, 422, 'Idempotency key reused'],
  [Unavailable, 503, 'Service unavailable'],
];

function problemOfRefusal(refusal: BookingRefusal): ApiError {
  const [, status, title] = REFUSALS.find(([kind]) => refusal instanceof kind) ?? [undefined, 500, 'Internal server error'];
  return new ApiError(status, title, refusal.message, refusal.extra);
}

/** A dependency that went away usually comes back within seconds (a restart, a failover). */
const RETRY_AFTER_SECONDS = 5;

function problemType(code: string | undefined): string {
  return code ? `/problems/${code.replace(/_/g, '-')}` : 'about:blank';
}

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFound(`no route ${req.method} ${req.path}`);
};

/** RFC 9457 problem+json for every error; only unexpected ones (5xx) are logged. */
export const problemDetails: ErrorRequestHandler = (error, req, res, _next) => {
  let problem: ApiError;
  if (error instanceof ApiError) {
    problem = error;
  } else if (error instanceof BookingRefusal) {
    problem = problemOfRefusal(error);
  } else if (error?.type === 'entity.parse.failed') {
    problem = problemOfRefusal(new InvalidInput([{ path: 'body', message: 'the body is not valid JSON' }]));
  } else if (error?.type === 'entity.too.large') {
    problem = new ApiError(413, 'Payload too large', 'the body is larger than 100 kB', { code: 'payload_too_large' });
  } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    problem = new ApiError(error.status, 'Bad request', String(error.message), { code: 'bad_request' });
  } else if (unreachableDependency(error)) {
    (req.log ?? console).warn({ err: error }, `${req.method} ${redactUrl(req.originalUrl)}: ${unreachableDependency(error)} unreachable`);
    problem = problemOfRefusal(new Unavailable(`${unreachableDependency(error) === 'database' ? 'PostgreSQL' : 'Temporal'} cannot be reached; nothing was changed, retry shortly`));
  } else {
    (req.log ?? console).error({ err: error }, `${req.method} ${redactUrl(req.originalUrl)} failed`);
    problem = new ApiError(500, 'Internal server error', 'the server failed to answer; it has been logged');
  }
  if (problem.status >= 500 && (error instanceof ApiError || error instanceof BookingRefusal)) (req.log ?? console).error(`${req.method} ${redactUrl(req.originalUrl)}: ${error.message}`);
  res.locals.problemCode = problem.extra.code; // for the refusal metrics
  if (problem.status === 503) res.set('retry-after', String(RETRY_AFTER_SECONDS));
  if (problem.status !== 429 && problem.status !== 503) res.removeHeader('retry-after');
  res.status(problem.status).type('application/problem+json').json({
    type: problemType(problem.extra.code),
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    instance: req.originalUrl,
    ...problem.extra,
  });
};
